// Taro build configuration for both targets: `taro build --type weapp` and `--type h5`.
// The API base comes from TARO_APP_API (weapp needs an absolute https URL; H5 defaults to same-origin
// `/api/v1`), the WeChat appid from WECHAT_APP_ID (see project.config.json).
import path from 'node:path';
import { defineConfig } from '@tarojs/cli';

// The shared workspace is TypeScript source: compile it with the app's own Babel setup.
const sharedSource = path.resolve(__dirname, '..', '..', 'shared', 'src');

export default defineConfig<'webpack5'>(() => ({
  projectName: 'eduprogress',
  date: '2026-11-29',
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: `dist/${process.env.TARO_ENV}`,
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: false },
  // NutUI is drawn for a 375-wide design, our pages for 750.
  designWidth(input?: { file?: string }) {
    return input?.file?.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750;
  },
  alias: {
    '@generated': path.resolve(__dirname, '..', '.generated'),
  },
  defineConstants: {},
  env: {
    TARO_APP_API: JSON.stringify(process.env.TARO_APP_API ?? ''),
    WECHAT_APP_ID: JSON.stringify(process.env.WECHAT_APP_ID ?? ''),
  },
  mini: {
    compile: { include: [sharedSource] },
    postcss: {
      pxtransform: { enable: true, config: {} },
      cssModules: { enable: false, config: {} },
    },
  },
  h5: {
    compile: { include: [sharedSource] },
    publicPath: '/',
    staticDirectory: 'static',
    router: { mode: 'browser' },
    postcss: {
      autoprefixer: { enable: false, config: {} },
      cssModules: { enable: false, config: {} },
    },
  },
}));
