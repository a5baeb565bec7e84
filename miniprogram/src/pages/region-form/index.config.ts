export default definePageConfig({ navigationBarTitleText: '本级填报' });
