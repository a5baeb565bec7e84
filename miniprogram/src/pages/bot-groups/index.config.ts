export default definePageConfig({ navigationBarTitleText: '群机器人', enablePullDownRefresh: true });
