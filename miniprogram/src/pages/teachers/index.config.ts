export default definePageConfig({ navigationBarTitleText: '教师审核', enablePullDownRefresh: true });
