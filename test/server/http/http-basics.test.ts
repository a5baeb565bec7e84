import { expect } from 'chai';
import { RecordingSmsProvider } from '../../../server/src/accounts/sms';
import { FakeWechatAuth } from '../../../server/src/accounts/wechat';
import { createApp } from '../../../server/src/app';
import { createLogger } from '../../../server/src/logger';
import { finishFirstLogin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('HTTP basics: health, error envelope, validation, OpenAPI', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('http_basics');
  });
  after(async () => {
    await server?.close();
  });

  it('GET /health names the database backend and version', async () => {
    const res = await server.api('/health');
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('ok');
    expect(res.body.database.name).to.be.oneOf(['FerretDB', 'MongoDB']);
    expect(res.body.database.version).to.match(/\d+\.\d+/);
    expect(res.body.database.ok).to.equal(true);
    expect(res.body.uptimeSeconds).to.be.a('number');
  });

  it('every response carries a request id, and a caller-provided one is kept', async () => {
    const res = await server.api('/health', { headers: { 'X-Request-Id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).to.equal('trace-abc-123');
    const other = await server.api('/health');
    expect(other.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('unknown routes answer 404 in the error envelope', async () => {
    const res = await server.api('/no-such-thing');
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: { code: 'NOT_FOUND', message: '接口不存在' } });
  });

  it('a wrong method answers 405 in the error envelope', async () => {
    const res = await server.api('/health', { method: 'DELETE' });
    expect(res.status).to.equal(405);
    expect(res.body.error.code).to.equal('METHOD_NOT_ALLOWED');
  });

  it('malformed JSON is a 400 with a Chinese message, never a 500', async () => {
    const res = await server.api('/auth/login', {
      body: '{"account": "admin", ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('INVALID_JSON');
    expect(res.body.error.message).to.match(/JSON/);
  });

  it('a body with a wrong type gets a zh-CN message naming the field', async () => {
    const res = await server.api('/auth/login', { body: { account: 12345, password: 'x' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect(res.body.error.details.property).to.equal('account');
    expect(res.body.error.message).to.equal('请求内容不合法：账号（account）：应为文字');
  });

  it('a missing required field is named in Chinese', async () => {
    const res = await server.api('/auth/login', { body: { account: 'admin' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.property).to.equal('password');
    expect(res.body.error.message).to.equal('请求内容不合法：缺少必填字段 密码（password）');
  });

  it('unknown body fields are rejected', async () => {
    const res = await server.api('/auth/login', { body: { account: 'admin', password: 'x', role: 'god' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.property).to.equal('role');
    expect(res.body.error.message).to.equal('请求内容不合法：不允许提交未定义的字段 role');
  });

  it('unknown query parameters are rejected', async () => {
    const res = await server.api('/health?debug=1');
    expect(res.status).to.equal(400);
    expect(res.body.error.details).to.include({ property: 'debug', part: 'query' });
  });

  it('a bad path parameter is a 400, not a 404 or a 500', async () => {
    await finishFirstLogin('admin');
    const token = await server.login('admin', 'Admin12345');
    const res = await server.api('/regions/35', { token });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.property).to.equal('code');
    expect(res.body.error.message).to.match(/^路径参数不合法：地区代码（code）/);
  });

  it('the OpenAPI document lists every endpoint the server routes', async () => {
    const doc = (await server.api('/openapi.json')).body;
    const published = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m} ${path}`),
      ),
    );
    const { routes } = createApp({
      logger: createLogger('silent'),
      clock: () => new Date(),
      database: { name: 'x', version: 'x', kind: 'x', description: 'x' },
      startedAt: new Date(),
      accessTokenTtlSeconds: 1,
      refreshTokenTtlSeconds: 1,
      sms: new RecordingSmsProvider(),
      wechat: new FakeWechatAuth(),
      attachmentsDir: '/tmp',
    });
    expect(routes.length).to.be.greaterThan(60);
    // list-checked: over 60 routes, less one
    for (const r of routes.filter((r) => r.path !== '/openapi.json')) {
      expect(
        published.has(`${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
        `${r.method} ${r.path}`,
      ).to.equal(true);
    }
  });

  it('serves an OpenAPI 3 document generated from the validating schemas', async () => {
    const res = await server.api('/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.match(/^3\./);
    const login = res.body.paths['/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).to.deep.equal([
      'account',
      'password',
    ]);
    expect(login.requestBody.content['application/json'].schema.additionalProperties).to.equal(false);
    expect(res.body.paths['/regions/{code}'].get.parameters[0]).to.include({ name: 'code', in: 'path' });
    expect(res.body.paths['/regions/{code}'].get.security).to.deep.equal([{ bearerAuth: [] }]);
  });
});
