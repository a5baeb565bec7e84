export default definePageConfig({ navigationBarTitleText: '我的研修', enablePullDownRefresh: true });
