export default definePageConfig({ navigationBarTitleText: '学校详情', enablePullDownRefresh: true });
