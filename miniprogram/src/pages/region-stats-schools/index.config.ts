export default definePageConfig({ navigationBarTitleText: '学校明细', enablePullDownRefresh: true });
