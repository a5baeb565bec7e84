export default definePageConfig({ navigationBarTitleText: '权限码与激活', enablePullDownRefresh: true });
