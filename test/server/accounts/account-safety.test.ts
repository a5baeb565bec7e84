// Accounts as an attacker or a new user tries them: first login enforced, lock-out under parallel
// guesses, failed logins that do not reveal whether an account exists, refresh-token rotation.
import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { LoginFailure } from '../../../server/src/accounts/service';
import { goodSchoolReport } from '../../helpers/reports';
import { PASSWORD, regionBinding, school, schoolBinding } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('account safety', function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('account_safety');
  });
  after(async () => {
    await server?.close();
  });

  describe('first login is enforced (initial or reset password)', () => {
    let schoolId: string;
    let token: string;
    let countyToken: string;

    before(async () => {
      const s = await school('鼓楼首登小学', '350102');
      schoolId = String(s._id);
      const initial = await hashPassword('123456');
      // As created by a county (POST /schools) or after a password reset: mustChangePassword.
      await User.create({
        loginName: 's3501029001',
        name: '首登校管',
        passwordHash: initial,
        mustChangePassword: true,
        bindings: [schoolBinding(s.toObject())],
      });
      await User.create({
        loginName: 'firstCity',
        name: '首登市管',
        passwordHash: initial,
        mustChangePassword: true,
        bindings: [await regionBinding('admin', '350100')],
      });
      token = await server.login('s3501029001', '123456');
      countyToken = await server.login('firstCity', '123456');
    });

    it('the school admin can neither fill nor submit its report: 403 FIRST_LOGIN_REQUIRED', async () => {
      const path = `/schools/${schoolId}/reports/${(await server.api('/periods/current')).body.working.period}`;
      for (const [method, url, body] of [
        ['PUT', path, { data: goodSchoolReport }],
        ['POST', `${path}/submit`, undefined],
        ['GET', '/notices', undefined],
      ] as const) {
        const res = await server.api(url, { method, token, body });
        expect(res.status, `${method} ${url}`).to.equal(403);
        expect(res.body.error).to.deep.include({
          code: 'FIRST_LOGIN_REQUIRED',
          message: '首次登录（或密码被重置）后须先修改密码，完成首次登录步骤后才能进行其他操作',
        });
      }
    });

    it('a region admin on its initial password cannot transfer a school', async () => {
      const res = await server.api(`/schools/${schoolId}/transfer`, {
        token: countyToken,
        body: { regionCode: '350103' },
      });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FIRST_LOGIN_REQUIRED');
    });

    it('may read /me, change its password and complete its profile; then it works', async () => {
      const me = await server.api('/me', { token });
      expect(me.status).to.equal(200);
      expect(me.body.pendingSteps).to.include('changePassword');
      const change = await server.api('/auth/password', {
        token,
        body: { oldPassword: '123456', newPassword: 'School2027' },
      });
      expect(change.status).to.equal(204);
      const period = (await server.api('/periods/current')).body.working.period;
      const save = await server.api(`/schools/${schoolId}/reports/${period}`, {
        method: 'PUT',
        token,
        body: { data: goodSchoolReport },
      });
      expect(save.status, JSON.stringify(save.body)).to.equal(200);
    });
  });

  describe('lock-out', () => {
    it('20 concurrent wrong passwords lock the account; the right one is then refused (423)', async () => {
      const user = await User.create({
        loginName: 'parallel',
        name: '并发',
        passwordHash: await hashPassword(PASSWORD),
        mustChangePassword: false,
      });
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () =>
          server.api('/auth/login', { body: { account: 'parallel', password: 'Wrong12345' } }),
        ),
      );
      const counts = statuses.reduce<Record<number, number>>(
        (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
        {},
      );
      // At most four failures are answered 401 before the lock; every other guess meets it.
      expect(counts[401] ?? 0).to.be.at.most(4);
      expect(counts[423]).to.be.at.least(16);
      const right = await server.api('/auth/login', { body: { account: 'parallel', password: PASSWORD } });
      expect(right.status).to.equal(423);
      expect(right.body.error.code).to.equal('ACCOUNT_LOCKED');
      expect((await User.findById(user._id).lean())?.lockedUntil).to.be.instanceOf(Date);
      expect(await LoginFailure.countDocuments({ _id: { $regex: `^${user._id}:` } })).to.equal(5);
    });

    it('a successful login starts the count afresh', async () => {
      await User.create({
        loginName: 'fresh',
        name: '重新计数',
        passwordHash: await hashPassword(PASSWORD),
        mustChangePassword: false,
      });
      const wrong = () => server.api('/auth/login', { body: { account: 'fresh', password: 'Wrong12345' } });
      for (let i = 0; i < 4; i++) expect((await wrong()).status).to.equal(401);
      await server.login('fresh', PASSWORD);
      for (let i = 0; i < 4; i++) expect((await wrong()).status).to.equal(401);
      expect((await wrong()).status).to.equal(423);
    });
  });

  describe('a failed login does not reveal whether the account exists', () => {
    it('same status, code, message and details; the same password work', async () => {
      await User.create({
        loginName: 'exists',
        name: '存在',
        passwordHash: await hashPassword(PASSWORD),
        mustChangePassword: false,
      });
      const known = await server.api('/auth/login', { body: { account: 'exists', password: 'Wrong12345' } });
      const unknown = await server.api('/auth/login', {
        body: { account: 'nobody-here', password: 'Wrong12345' },
      });
      expect(unknown.status).to.equal(known.status);
      expect(unknown.body).to.deep.equal(known.body);

      // Timing: an unknown account costs a password verification too (argon2id, tens of ms), not a
      // bare look-up (a few ms). Medians of 5, compared with a wide margin.
      const median = async (account: string) => {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          await server.api('/auth/login', { body: { account, password: `Wrong${i}xyz1` } });
          times.push(performance.now() - t0);
        }
        return times.sort((a, b) => a - b)[2];
      };
      await User.create({
        loginName: 'exists2',
        name: '存在2',
        passwordHash: await hashPassword(PASSWORD),
        mustChangePassword: false,
      });
      const knownMs = await median('exists2');
      const unknownMs = await median('nobody-else');
      expect(unknownMs, `unknown ${unknownMs} ms, known ${knownMs} ms`).to.be.greaterThan(knownMs / 3);
    });
  });

  describe('refresh tokens', () => {
    it('a refreshed access token stops working; the new one works', async () => {
      await User.create({
        loginName: 'rotator',
        name: '轮换',
        passwordHash: await hashPassword(PASSWORD),
        mustChangePassword: false,
      });
      const login = await server.api('/auth/login', { body: { account: 'rotator', password: PASSWORD } });
      const refreshed = await server.api('/auth/refresh', {
        body: { refreshToken: login.body.refreshToken },
      });
      expect(refreshed.status).to.equal(200);
      expect((await server.api('/me', { token: login.body.accessToken })).status).to.equal(401);
      expect((await server.api('/me', { token: refreshed.body.accessToken })).status).to.equal(200);
    });

    it('reusing a spent refresh token revokes the whole family', async () => {
      const login = await server.api('/auth/login', { body: { account: 'rotator', password: PASSWORD } });
      const first = await server.api('/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      const second = await server.api('/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
      expect(second.status).to.equal(200);
      const reuse = await server.api('/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(reuse.status).to.equal(401);
      expect(reuse.body.error.code).to.equal('TOKEN_REUSED');
      expect((await server.api('/me', { token: second.body.accessToken })).status).to.equal(401);
      const next = await server.api('/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
      expect(next.status).to.equal(401);
    });
  });
});
