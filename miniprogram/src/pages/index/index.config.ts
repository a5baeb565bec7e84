export default definePageConfig({ navigationBarTitleText: '进展通' });
