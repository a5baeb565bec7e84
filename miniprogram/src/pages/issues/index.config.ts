export default definePageConfig({ navigationBarTitleText: '疑似问题', enablePullDownRefresh: true });
