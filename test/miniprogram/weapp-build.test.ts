// The WeChat build (issue 12: "both builds succeed in CI"): `npm run build:weapp` gives a mini-program
// that WeChat DevTools can open — app.json with every page, each page's files, project.config.json with
// the appid from configuration. The H5 build is proven by test/e2e/h5.test.ts.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { repoRoot } from '../../server/src/config';

const run = promisify(execFile);
const out = path.join(repoRoot, 'miniprogram', 'dist', 'weapp');

describe('mini-program WeChat build (npm run build:weapp)', function () {
  this.timeout(15 * 60_000);

  before(async () => {
    await run('npm', ['run', 'build:weapp'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        WECHAT_APP_ID: 'wx0123456789abcdef',
        TARO_APP_API: 'https://edu.example.cn/api/v1',
      },
      maxBuffer: 64 * 1024 * 1024,
    });
  });

  it('writes app.json listing pages whose files all exist', () => {
    const app = JSON.parse(readFileSync(path.join(out, 'app.json'), 'utf8')) as { pages: string[] };
    expect(app.pages.length).to.be.greaterThan(5);
    expect(app.pages).to.include('pages/login/index');
    for (const page of app.pages) {
      for (const ext of ['js', 'wxml', 'json']) {
        expect(existsSync(path.join(out, `${page}.${ext}`)), `${page}.${ext}`).to.equal(true);
      }
    }
  });

  it('writes project.config.json with the configured appid', () => {
    const project = JSON.parse(readFileSync(path.join(out, 'project.config.json'), 'utf8')) as {
      appid: string;
    };
    expect(project.appid).to.equal('wx0123456789abcdef');
  });

  it('builds the configured API base into the bundle', () => {
    const bundle = ['app.js', 'common.js', 'vendors.js', 'taro.js']
      .map((f) => path.join(out, f))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const pages = JSON.parse(readFileSync(path.join(out, 'app.json'), 'utf8')).pages as string[];
    const pageCode = pages.map((p) => readFileSync(path.join(out, `${p}.js`), 'utf8')).join('\n');
    expect(bundle + pageCode).to.contain('https://edu.example.cn/api/v1');
  });

  it('keeps the chart pages and the chart library in the charts subpackage, the main package under 2 MB', () => {
    const app = JSON.parse(readFileSync(path.join(out, 'app.json'), 'utf8')) as {
      subPackages?: { root: string; pages: string[] }[];
    };
    const charts = app.subPackages?.find((p) => p.root === 'charts');
    expect(charts?.pages).to.include.members(['region-stats/index', 'region-training/index']);
    const sizeOf = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce(
        (sum, e) =>
          sum + (e.isDirectory() ? sizeOf(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
        0,
      );
    const all = sizeOf(out);
    const sub = sizeOf(path.join(out, 'charts'));
    // WeChat refuses a main package over 2 MB; the chart library (~1.5 MB) lives in the subpackage.
    expect(all - sub, 'main package bytes').to.be.lessThan(2 * 1024 * 1024);
    expect(sub, 'charts subpackage bytes').to.be.greaterThan(500 * 1024);
  });
});
