export default definePageConfig({ navigationBarTitleText: '功能区管理' });
