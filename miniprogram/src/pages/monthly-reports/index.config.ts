export default definePageConfig({ navigationBarTitleText: '省级月报', enablePullDownRefresh: true });
