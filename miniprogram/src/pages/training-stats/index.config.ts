export default definePageConfig({ navigationBarTitleText: '研修统计', enablePullDownRefresh: true });
