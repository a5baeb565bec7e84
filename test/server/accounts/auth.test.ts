import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('accounts: login, tokens, password (first-start administrator)', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('auth');
  });
  after(async () => {
    await server?.close();
  });

  it('the first start created the national administrator "admin", forced to change the password', async () => {
    expect(server.bootstrap.admin).to.deep.include({ loginName: 'admin', generated: false });
    const res = await server.api('/auth/login', { body: { account: 'admin', password: 'Admin12345' } });
    expect(res.status).to.equal(200);
    expect(res.body.accessToken).to.be.a('string');
    expect(res.body.refreshToken).to.be.a('string');
    expect(res.body.user).to.deep.include({ loginName: 'admin', mustChangePassword: true });
    expect(res.body.user.bindings).to.have.length(1);
    expect(res.body.user.bindings[0]).to.deep.include({
      kind: 'region',
      role: 'admin',
      regionCode: '000000',
    });
    const me = await server.api('/me', { token: res.body.accessToken });
    expect(me.status).to.equal(200);
    expect(me.body.pendingSteps).to.deep.equal(['changePassword', 'completeProfile']);
    expect(me.body.activeBinding).to.deep.include({ regionCode: '000000' });
  });

  it('a wrong password is a 401 with a Chinese message', async () => {
    const res = await server.api('/auth/login', { body: { account: 'admin', password: 'nope' } });
    expect(res.status).to.equal(401);
    expect(res.body.error).to.deep.include({ code: 'BAD_CREDENTIALS', message: '账号或密码错误' });
  });

  it('requests without a valid token get 401', async () => {
    expect((await server.api('/me')).status).to.equal(401);
    const res = await server.api('/me', { token: 'forged-token-value' });
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('TOKEN_INVALID');
  });

  it('5 wrong passwords lock the account (423), even for the right password afterwards', async () => {
    await User.create({
      loginName: 'locktest',
      name: '测试',
      passwordHash: await hashPassword('Right1234'),
      mustChangePassword: false,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await server.api('/auth/login', { body: { account: 'locktest', password: 'wrong' } })).status,
      );
    }
    expect(statuses).to.deep.equal([401, 401, 401, 401, 423]);
    const res = await server.api('/auth/login', { body: { account: 'locktest', password: 'Right1234' } });
    expect(res.status).to.equal(423);
    expect(res.body.error.message).to.match(/锁定/);
  });

  it('changes the password, which clears the forced change; the old one stops working', async () => {
    await User.create({ loginName: 'pw', name: '改密', passwordHash: await hashPassword('123456') });
    const token = await server.login('pw', '123456');
    const weak = await server.api('/auth/password', {
      token,
      body: { oldPassword: '123456', newPassword: '12345678' },
    });
    expect(weak.status).to.equal(400);
    expect(weak.body.error.code).to.equal('WEAK_PASSWORD');
    const wrongOld = await server.api('/auth/password', {
      token,
      body: { oldPassword: 'bad', newPassword: 'Better123' },
    });
    expect(wrongOld.status).to.equal(400);
    const ok = await server.api('/auth/password', {
      token,
      body: { oldPassword: '123456', newPassword: 'Better123' },
    });
    expect(ok.status).to.equal(204);
    expect(
      (await server.api('/auth/login', { body: { account: 'pw', password: '123456' } })).status,
    ).to.equal(401);
    const again = await server.api('/auth/login', { body: { account: 'pw', password: 'Better123' } });
    expect(again.body.user.mustChangePassword).to.equal(false);
  });

  it('refresh tokens are single-use; logout revokes the session', async () => {
    const login = await server.api('/auth/login', { body: { account: 'admin', password: 'Admin12345' } });
    const refreshed = await server.api('/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).to.equal(200);
    expect(refreshed.body.accessToken).to.not.equal(login.body.accessToken);
    const token = refreshed.body.accessToken;
    expect((await server.api('/me', { token })).status).to.equal(200);
    expect((await server.api('/auth/logout', { method: 'POST', token })).status).to.equal(204);
    expect((await server.api('/me', { token })).status).to.equal(401);
    const again = await server.api('/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(again.status).to.equal(401);
  });
});

describe('accounts: a random initial password when ADMIN_INITIAL_PASSWORD is unset', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('auth_random', { env: { ADMIN_INITIAL_PASSWORD: '' } });
  });
  after(async () => {
    await server?.close();
  });

  it('generates one, reports it once, and it works', async () => {
    const admin = server.bootstrap.admin!;
    expect(admin.generated).to.equal(true);
    expect(admin.password).to.match(/^[A-Za-z0-9]{12}$/);
    await server.login('admin', admin.password!);
  });
});
