export default defineAppConfig({
  pages: ['pages/index/index'],
  window: {
    navigationBarTitleText: '进展通',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
  },
});
