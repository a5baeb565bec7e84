import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { webBuildState } from '../../../server/src/web/build';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('the H5 app served at / beside the API', function () {
  this.timeout(60_000);
  let server: TestServer;
  let root: string;
  const page =
    '<!doctype html><html lang="zh-CN"><body><div id="app"></div><script src="/js/app.js"></script></body></html>';

  before(async () => {
    // A build folder of our own, so the test does not depend on (or wait for) the Taro build.
    root = mkdtempSync(path.join(os.tmpdir(), 'h5-'));
    mkdirSync(path.join(root, 'js'));
    writeFileSync(path.join(root, 'index.html'), page);
    writeFileSync(path.join(root, 'js', 'app.js'), 'console.log("app")');
    server = await startTestServer('web', { env: { WEB_ROOT: root } });
  });
  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (p: string, init?: RequestInit) => fetch(`${server.url}${p}`, init);

  it('serves index.html at / and the assets beside it', async () => {
    const res = await get('/');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/html/);
    expect(await res.text()).to.equal(page);
    const js = await get('/js/app.js');
    expect(js.status).to.equal(200);
    expect(js.headers.get('content-type')).to.match(/javascript/);
  });

  it('answers a page route of the app with index.html (the H5 router runs in the browser)', async () => {
    const res = await get('/pages/report/index?x=1');
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal(page);
  });

  it('a missing asset stays a 404, and so does any non-GET outside the API', async () => {
    expect((await get('/js/nope.js')).status).to.equal(404);
    expect((await get('/', { method: 'POST' })).status).to.equal(404);
  });

  it('the API keeps its JSON 404 for unknown /api paths', async () => {
    for (const p of ['/api/v1/no-such-thing', '/api/v1', '/api/v1/pages/report/index']) {
      const res = await get(p);
      expect(res.status, p).to.equal(404);
      expect(await res.json(), p).to.deep.equal({ error: { code: 'NOT_FOUND', message: '接口不存在' } });
    }
    const health = await server.api('/health');
    expect(health.status).to.equal(200);
  });

  it('npm start rebuilds only when the build is missing or older than its sources', () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'repo-'));
    const dist = path.join(repo, 'miniprogram', 'dist', 'h5');
    mkdirSync(path.join(repo, 'miniprogram', 'src'), { recursive: true });
    mkdirSync(path.join(repo, 'shared', 'src'), { recursive: true });
    writeFileSync(path.join(repo, 'miniprogram', 'src', 'app.tsx'), '');
    expect(webBuildState(repo, dist)).to.equal('missing');
    mkdirSync(dist, { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), page);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(repo, 'miniprogram', 'src', 'app.tsx'), old, old);
    expect(webBuildState(repo, dist)).to.equal('fresh');
    writeFileSync(path.join(repo, 'shared', 'src', 'forms.ts'), '');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(repo, 'shared', 'src', 'forms.ts'), later, later);
    expect(webBuildState(repo, dist)).to.equal('stale');
    rmSync(repo, { recursive: true, force: true });
  });
});

describe('the address before the H5 build exists', function () {
  this.timeout(60_000);
  let bare: TestServer;
  let empty: string;
  before(async () => {
    empty = mkdtempSync(path.join(os.tmpdir(), 'h5-none-'));
    bare = await startTestServer('web_unbuilt', { env: { WEB_ROOT: empty } });
  });
  after(async () => {
    await bare?.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('before the build exists, a browser asking for a page gets a zh-CN page that reloads itself', async () => {
    const res = await fetch(`${bare.url}/`, { headers: { Accept: 'text/html,*/*;q=0.8' } });
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('10');
    const text = await res.text();
    expect(text).to.contain('小程序页面正在准备中');
    expect(text).to.contain('http-equiv="refresh"');
    // Scripts and assets, and the API, keep their JSON 404.
    const asset = await fetch(`${bare.url}/js/app.js`, { headers: { Accept: 'text/html' } });
    expect(asset.status).to.equal(404);
    const api = await fetch(`${bare.url}/api/v1/nothing-here`, { headers: { Accept: 'application/json' } });
    expect(api.status).to.equal(404);
    expect(await api.json()).to.deep.equal({ error: { code: 'NOT_FOUND', message: '接口不存在' } });
    // curl (Accept */*) at the address hears the same news in JSON, not "接口不存在".
    for (const accept of ['*/*', 'application/json']) {
      const plain = await fetch(`${bare.url}/`, { headers: { Accept: accept } });
      expect(plain.status, accept).to.equal(503);
      const body = (await plain.json()) as { error: { code: string; message: string } };
      expect(body.error.code).to.equal('WEB_NOT_BUILT');
      expect(body.error.message).to.contain('正在构建');
    }
  });
});
