export default definePageConfig({ navigationBarTitleText: '学校申请', enablePullDownRefresh: true });
