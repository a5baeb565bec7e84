// Route definitions say who may call them (`auth`), their success `status` and a per-address rate limit;
// registerRoutes mounts the app's authenticator for each and refuses a route whose kind has none.
import Router from '@koa/router';
import { expect } from 'chai';
import { registerRoutes, type RouteDefinition } from '../../../server/src/http/route';
import { finishFirstLogin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const TOKEN = 'route-test-bot-token';

const probe = (over: Partial<RouteDefinition>): RouteDefinition => ({
  method: 'post',
  path: '/test/probe',
  summary: 'probe',
  auth: 'public',
  handler: (ctx) => {
    ctx.body = { who: ctx.state.bot ? 'bot' : ctx.state.auth ? 'user' : 'anyone' };
  },
  ...over,
});

describe('route definitions: auth kinds, success status, rate limit', function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer('http_routes', {
      env: { BOT_TOKEN: TOKEN },
      options: {
        extraRoutes: [
          probe({ path: '/test/public', status: 201 }),
          probe({ path: '/test/user', auth: 'user' }),
          probe({ path: '/test/bot', auth: 'bot' }),
          probe({ path: '/test/either', auth: 'bot-or-user', method: 'get' }),
          probe({ path: '/test/nothing', status: 204, handler: () => {} }),
          probe({ path: '/test/limited', rateLimit: { name: 'route-test', limit: 2, windowSeconds: 3600 } }),
        ],
      },
    });
    await finishFirstLogin('admin');
    token = await server.login('admin', 'Admin12345');
  });
  after(async () => {
    await server?.close();
  });

  it('public routes need nothing; `status` replaces Koa’s implicit 200 (and 404 of an empty body)', async () => {
    const res = await server.api('/test/public', { body: {} });
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.equal({ who: 'anyone' });
    expect((await server.api('/test/nothing', { body: {} })).status).to.equal(204);
  });

  it('user routes want a bearer token; bot routes the bot token; bot-or-user either', async () => {
    expect((await server.api('/test/user', { body: {} })).status).to.equal(401);
    expect((await server.api('/test/user', { body: {}, token })).body).to.deep.equal({ who: 'user' });
    expect((await server.api('/test/bot', { body: {}, token })).status).to.equal(401);
    const bot = { Authorization: `Bot ${TOKEN}` };
    expect((await server.api('/test/bot', { body: {}, headers: bot })).body).to.deep.equal({ who: 'bot' });
    expect((await server.api('/test/either', { headers: bot })).body).to.deep.equal({ who: 'bot' });
    expect((await server.api('/test/either', { token })).body).to.deep.equal({ who: 'user' });
    expect((await server.api('/test/either')).status).to.equal(401);
  });

  it('a rate-limited route answers 429 RATE_LIMITED past its limit per address', async () => {
    expect((await server.api('/test/limited', { body: {} })).status).to.equal(200);
    expect((await server.api('/test/limited', { body: {} })).status).to.equal(200);
    const third = await server.api('/test/limited', { body: {} });
    expect(third.status).to.equal(429);
    expect(third.body.error.code).to.equal('RATE_LIMITED');
    expect(third.body.error.message).to.match(/秒后再试/);
  });

  it('the OpenAPI document says which token each route takes and where a limit applies', async () => {
    const doc = (await server.api('/openapi.json')).body;
    expect(doc.paths['/test/public'].post.security).to.equal(undefined);
    expect(doc.paths['/test/public'].post.responses).to.have.property('201');
    expect(doc.paths['/test/user'].post.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(doc.paths['/test/bot'].post.security).to.deep.equal([{ botToken: [] }]);
    expect(doc.paths['/test/limited'].post.responses).to.have.property('429');
    expect(doc.paths['/auth/login'].post.responses).to.have.property('429');
  });

  it('a route whose auth kind has no authenticator is refused when the app is built', () => {
    expect(() => registerRoutes(new Router(), [probe({ auth: 'user' })], {})).to.throw(/no authenticator/);
  });
});
