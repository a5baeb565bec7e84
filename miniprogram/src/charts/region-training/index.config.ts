export default definePageConfig({ navigationBarTitleText: '研修学时统计', enablePullDownRefresh: true });
