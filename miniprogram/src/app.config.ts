export default defineAppConfig({
  // The first page is where the app opens: login sends a signed-in user on (see app.tsx).
  pages: [
    'pages/login/index',
    'pages/first-login/index',
    'pages/home/index',
    'pages/report/index',
    'pages/issues/index',
    'pages/school/index',
    'pages/notices/index',
    'pages/notice/index',
    'pages/teachers/index',
    'pages/training-stats/index',
    'pages/my-trainings/index',
    'pages/my-verification/index',
    'pages/mine/index',
    'pages/region-stats-schools/index',
    'pages/notice-compose/index',
    'pages/bot-groups/index',
    'pages/permission-codes/index',
  ],
  // The chart pages carry the chart library (~1.5 MB): a subpackage keeps the main package under
  // WeChat's 2 MB limit (Taro moves modules only these pages use into the subpackage).
  subPackages: [{ root: 'charts', pages: ['region-stats/index', 'region-training/index'] }],
  window: {
    navigationBarTitleText: '进展通',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
    backgroundTextStyle: 'dark',
  },
});
