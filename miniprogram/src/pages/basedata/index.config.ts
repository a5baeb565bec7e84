export default definePageConfig({ navigationBarTitleText: '基础数据同步', enablePullDownRefresh: true });
