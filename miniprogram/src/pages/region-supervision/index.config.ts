export default definePageConfig({ navigationBarTitleText: '督促管理', enablePullDownRefresh: true });
