export default definePageConfig({
  navigationBarTitleText: '用户注册与应用分析',
  enablePullDownRefresh: true,
});
