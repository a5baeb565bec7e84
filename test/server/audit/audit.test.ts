import { expect } from 'chai';
import { User, type UserDoc } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { AuditEntry } from '../../../server/src/audit/model';
import { recordAudit } from '../../../server/src/audit/service';
import { systemClock } from '../../../server/src/clock';
import type { SchoolDoc } from '../../../server/src/schools/model';
import {
  PASSWORD as PASS,
  plainSchool,
  regionBinding,
  schoolBinding,
  type BindingInput,
  finishFirstLogin,
} from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

interface Entry {
  id: string;
  at: string;
  action: string;
  targetType: string;
  targetId: string;
  regionPath: string[];
  actor: { id: string | null; name: string | null };
  changes: Record<string, { before: unknown; after: unknown }>;
  requestId?: string;
  ip?: string;
}

describe('audit trail (001 §22: 合规、可追溯)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let hash: string;
  let schoolA: SchoolDoc;
  let schoolB: SchoolDoc;
  let oneTimePassword: string;
  const tokens: Record<string, string> = {};
  const users: Record<string, UserDoc> = {};

  async function makeUser(key: string, bindings: BindingInput[]) {
    users[key] = (
      await User.create({
        loginName: key,
        name: `用户${key}`,
        passwordHash: hash,
        mustChangePassword: false,
        bindings,
      })
    ).toObject();
    tokens[key] = await server.login(key, PASS);
    return users[key];
  }

  const api: TestServer['api'] = (path, init) => server.api(path, init);
  const audit = async (who: string, query = '') => {
    const res = await api(`/audit${query}`, { token: tokens[who] });
    return res;
  };
  const actionsOf = (items: Entry[]) => items.map((e) => e.action);

  before(async () => {
    server = await startTestServer('audit');
    hash = await hashPassword(PASS);
    schoolA = await plainSchool('鼓楼第一中心小学', '350102');
    schoolB = await plainSchool('思明实验小学', '350203');
    await makeUser('fj', [await regionBinding('admin', '350000')]);
    await makeUser('fjSuper', [await regionBinding('super', '350000')]);
    await makeUser('gl', [await regionBinding('admin', '350102')]);
    await makeUser('fzInspector', [await regionBinding('inspector', '350100')]);
    await makeUser('xm', [await regionBinding('admin', '350200')]);
    await makeUser('sA', [schoolBinding(schoolA)]);
    await makeUser('sB', [schoolBinding(schoolB)]);
    await makeUser('teacher', [schoolBinding(schoolA, 'teacher')]);
    await makeUser('nobody', []);
    await makeUser('multi', [
      await regionBinding('inspector', '350102'),
      await regionBinding('auditor', '350102'),
    ]);
    await finishFirstLogin('admin');
    tokens.admin = await server.login('admin', 'Admin12345');

    // Every write endpoint of school-admin accounts and permission codes, once.
    const reset = await api(`/users/${users.sA._id}/reset-password`, {
      token: tokens.gl,
      body: {},
      headers: { 'X-Request-Id': 'audit-test-1' },
    });
    oneTimePassword = reset.body.oneTimePassword;
    expect((await api(`/users/${users.sA._id}/lock`, { token: tokens.gl, body: {} })).status).to.equal(200);
    expect((await api(`/users/${users.sA._id}/unlock`, { token: tokens.gl, body: {} })).status).to.equal(200);
    expect((await api(`/users/${users.sB._id}/lock`, { token: tokens.xm, body: {} })).status).to.equal(200);
    expect(
      (await api(`/schools/${schoolB._id}/admins`, { token: tokens.xm, body: { name: '接替' } })).status,
    ).to.equal(201);
    const added = (await User.findOne({ name: '接替' }).lean<UserDoc>())!;
    expect(
      (await api(`/schools/${schoolB._id}/admins/${added._id}`, { method: 'DELETE', token: tokens.xm }))
        .status,
    ).to.equal(200);
    const code = await api('/permission-codes', {
      token: tokens.fj,
      body: { kind: 'region', role: 'auditor', regionCode: '350102' },
    });
    const spare = await api('/permission-codes', {
      token: tokens.fj,
      body: { kind: 'region', role: 'admin', regionCode: '350102' },
    });
    expect(
      (await api(`/permission-codes/${spare.body.id}/revoke`, { token: tokens.fj, body: {} })).status,
    ).to.equal(200);
    const bound = await api('/permission-codes/bind', {
      token: tokens.nobody,
      body: { code: code.body.code, name: '王五', mobile: '13700001111' },
    });
    expect(bound.status).to.equal(200);
    expect(
      (await api(`/regions/350102/admins/${users.nobody._id}`, { method: 'DELETE', token: tokens.fj }))
        .status,
    ).to.equal(200);
    expect(
      (
        await api('/me/binding', {
          token: tokens.multi,
          body: { bindingId: String(users.multi.bindings[1]._id) },
        })
      ).status,
    ).to.equal(200);
    // Entries other features write: one about each school, one national (empty path).
    const actor = { userId: users.fj._id, name: '用户fj' };
    await recordAudit(systemClock, actor, {
      action: 'school.update',
      targetType: 'school',
      targetId: String(schoolA._id),
      regionPath: schoolA.regionPath,
      before: { name: '旧名' },
      after: { name: schoolA.name },
    });
    await recordAudit(systemClock, actor, {
      action: 'school.update',
      targetType: 'school',
      targetId: String(schoolB._id),
      regionPath: schoolB.regionPath,
      before: { weak: false },
      after: { weak: true },
    });
    await recordAudit(
      systemClock,
      {},
      {
        action: 'user.register',
        targetType: 'user',
        targetId: String(users.nobody._id),
        regionPath: [],
        after: { loginName: 'nobody' },
      },
    );
    await finishFirstLogin('sA');
    tokens.sA = await server.login('sA', oneTimePassword);
  });
  after(async () => {
    await server?.close();
  });

  it('records every write endpoint of accounts and permission codes, with actor and before/after', async () => {
    const res = await audit('admin', '?pageSize=200');
    expect(res.status).to.equal(200);
    expect(actionsOf(res.body.items)).to.include.members([
      'user.resetPassword',
      'user.lock',
      'user.unlock',
      'schoolAdmin.replace',
      'schoolAdmin.add',
      'schoolAdmin.remove',
      'permissionCode.create',
      'permissionCode.revoke',
      'permissionCode.bind',
      'user.addBinding',
      'region.removeAdmin',
      'user.switchBinding',
      'user.register',
    ]);
    const lock = res.body.items.find(
      (e: Entry) => e.action === 'user.lock' && e.targetId === String(users.sA._id),
    ) as Entry;
    expect(lock).to.deep.include({ targetType: 'user', regionPath: schoolA.regionPath });
    expect(lock.changes).to.deep.equal({ locked: { before: false, after: true } });
    expect(lock.actor).to.deep.equal({ id: String(users.gl._id), name: '用户gl' });
    const reset = res.body.items.find((e: Entry) => e.action === 'user.resetPassword') as Entry;
    expect(reset.requestId).to.equal('audit-test-1');
    expect(reset.ip).to.be.a('string');
    const revoke = res.body.items.find((e: Entry) => e.action === 'permissionCode.revoke') as Entry;
    expect(revoke.changes).to.deep.equal({ state: { before: 'unused', after: 'revoked' } });
    // Secrets never reach the trail.
    const all = JSON.stringify(await AuditEntry.find().lean());
    expect(all).not.to.include(oneTimePassword);
    expect(all).not.to.include('passwordHash');
  });

  it('lists newest first with pagination', async () => {
    const res = await audit('fj', '?pageSize=3');
    expect(res.body).to.include({ page: 1, pageSize: 3 });
    expect(res.body.items).to.have.length(3);
    expect(res.body.total).to.be.greaterThan(3);
    const times = res.body.items.map((e: Entry) => new Date(e.at).getTime());
    expect([...times].sort((a, b) => b - a)).to.deep.equal(times);
    const page2 = await audit('fj', '?pageSize=3&page=2');
    expect(page2.body.items[0].id).not.to.equal(res.body.items[0].id);
  });

  it('keeps region admins within their subtree; a narrower region is allowed, another one is 403', async () => {
    const gl = (await audit('gl', '?pageSize=200')).body.items as Entry[];
    expect(gl.length).to.be.greaterThan(0);
    for (const e of gl) expect(e.regionPath).to.include('350102');
    expect(gl.map((e) => e.targetId)).not.to.include(String(users.sB._id));

    const xm = (await audit('xm', '?pageSize=200')).body.items as Entry[];
    expect(xm.length).to.be.greaterThan(0);
    for (const e of xm) expect(e.regionPath).to.include('350200');
    expect(actionsOf(xm)).to.include.members(['user.lock', 'schoolAdmin.add', 'school.update']);

    const narrowed = (await audit('fj', '?region=350200&pageSize=200')).body.items as Entry[];
    expect(narrowed.map((e) => e.id).sort()).to.deep.equal(xm.map((e) => e.id).sort());
    const inspector = await audit('fzInspector', '?region=350102');
    expect(inspector.status).to.equal(200);
    expect(inspector.body.total).to.equal(gl.length);

    for (const [who, query] of [
      ['xm', '?region=350100'],
      ['gl', '?region=350000'],
      ['fzInspector', '?region=350200'],
    ]) {
      const res = await audit(who, query);
      expect(res.status, `${who} ${query}`).to.equal(403);
      expect(res.body.error.message).to.equal('该地区不在您的管辖范围内');
    }
    // Entries without a region (e.g. registrations) are national.
    expect(actionsOf((await audit('fj', '?pageSize=200')).body.items)).not.to.include('user.register');
  });

  it('shows a school admin its own school’s entries and its own account’s, nothing else', async () => {
    const res = await audit('sA', '?pageSize=200');
    expect(res.status).to.equal(200);
    const items = res.body.items as Entry[];
    expect(items.length).to.equal(4);
    for (const e of items) expect([String(schoolA._id), String(users.sA._id)]).to.include(e.targetId);
    expect(actionsOf(items).sort()).to.deep.equal([
      'school.update',
      'user.lock',
      'user.resetPassword',
      'user.unlock',
    ]);
    const narrowed = await audit('sA', '?region=350102');
    expect(narrowed.status).to.equal(403);
    expect(narrowed.body.error.message).to.equal('学校管理员只能查看本校的操作日志，不能按地区筛选');
  });

  it('answers 403 to teachers and people without a binding, 401 without a login', async () => {
    for (const who of ['teacher', 'nobody']) {
      const res = await audit(who);
      expect(res.status, who).to.equal(403);
      expect(res.body.error.message).to.equal('当前身份不能查看操作日志');
    }
    expect((await api('/audit')).status).to.equal(401);
  });

  it('filters by action, target and time', async () => {
    const locks = (await audit('fj', '?action=user.lock')).body.items as Entry[];
    expect(locks.map((e) => e.targetId).sort()).to.deep.equal(
      [String(users.sA._id), String(users.sB._id)].sort(),
    );
    const target = (await audit('fj', `?targetType=user&targetId=${users.sA._id}`)).body.items as Entry[];
    expect(actionsOf(target).sort()).to.deep.equal(['user.lock', 'user.resetPassword', 'user.unlock']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await audit('fj', `?from=${encodeURIComponent(future)}`)).body.total).to.equal(0);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const window = await audit('fj', `?from=${encodeURIComponent(past)}&to=${encodeURIComponent(future)}`);
    expect(window.body.total).to.equal((await audit('fj')).body.total);
  });

  it('rejects bad input in Chinese', async () => {
    const cases: [string, string][] = [
      ['?from=yesterday', 'from'],
      ['?to=2026-13-01', 'to'],
      ['?page=0', 'page'],
      ['?pageSize=1000', 'pageSize'],
      ['?action=drop%20table', 'action'],
      ['?region=35', 'region'],
      ['?who=me', 'who'],
    ];
    for (const [query, property] of cases) {
      const res = await audit('fj', query);
      expect(res.status, query).to.equal(400);
      expect(res.body.error.details.property, query).to.equal(property);
      expect(res.body.error.message).to.match(/查询参数不合法/);
    }
    const reversed = await audit(
      'fj',
      `?from=${encodeURIComponent('2026-02-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-01-01T00:00:00+08:00')}`,
    );
    expect(reversed.status).to.equal(400);
    expect(reversed.body.error.message).to.equal('开始时间不能晚于结束时间');
  });

  it('is append-only: the trail offers no way to change or delete entries', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await api('/audit', {
        method,
        token: tokens.admin,
        body: method === 'DELETE' ? undefined : {},
      });
      expect(res.status, method).to.equal(405);
    }
  });
});
