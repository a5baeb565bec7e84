export default definePageConfig({ navigationBarTitleText: '学校基本信息', enablePullDownRefresh: true });
