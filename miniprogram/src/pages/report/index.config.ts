export default definePageConfig({ navigationBarTitleText: '数据填报' });
