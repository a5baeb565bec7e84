// Writes dist/weapp/project.config.json for WeChat DevTools and the upload CLI: the appid comes from
// configuration (WECHAT_APP_ID, the same variable the server's code2session uses); without it the
// DevTools' tourist appid, which previews but cannot be uploaded.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'weapp');

/** The project.config.json content for an appid. */
export function projectConfig(appid: string | undefined) {
  return {
    description: '进展通 EduProgress 小程序',
    miniprogramRoot: './',
    projectname: 'eduprogress',
    appid: appid || 'touristappid',
    compileType: 'miniprogram',
    setting: { urlCheck: true, es6: false, enhance: false, postcss: false, minified: false },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const file = path.join(dist, 'project.config.json');
  writeFileSync(file, `${JSON.stringify(projectConfig(process.env.WECHAT_APP_ID), null, 2)}\n`);
  console.log(file);
}
