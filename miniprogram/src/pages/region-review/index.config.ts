export default definePageConfig({ navigationBarTitleText: '审核上报', enablePullDownRefresh: true });
