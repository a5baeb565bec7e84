import { expect } from 'chai';
import { User, type UserDoc } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { PermissionCode, PermissionCodeClaim } from '../../../server/src/permission-codes/model';
import type { SchoolDoc } from '../../../server/src/schools/model';
import {
  PASSWORD as PASS,
  plainSchool,
  regionBinding,
  schoolBinding,
  type BindingInput,
  userWith,
} from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('permission codes (seed 003 权限码) and activation progress', function () {
  this.timeout(60_000);
  let server: TestServer;
  let hash: string;
  let schoolA: SchoolDoc;
  let schoolB: SchoolDoc;
  const tokens: Record<string, string> = {};
  const users: Record<string, UserDoc> = {};

  async function makeUser(key: string, bindings: BindingInput[], extra: Record<string, unknown> = {}) {
    users[key] = (
      await User.create(userWith(key, bindings, { name: `用户${key}`, passwordHash: hash, ...extra }))
    ).toObject();
    tokens[key] = await server.login(key, PASS);
    return users[key];
  }

  const api: TestServer['api'] = (path, init) => server.api(path, init);
  const issue = (who: string, body: Record<string, unknown>) =>
    api('/permission-codes', { token: tokens[who], body });
  const bind = (who: string, code: string, extra: Record<string, unknown> = {}) =>
    api('/permission-codes/bind', { token: tokens[who], body: { code, name: `真名${who}`, ...extra } });

  const people = ['p1', 'p2', 'p3', 'p4', 'p5'];

  /**
   * The state every block below starts from, whatever ran before it: no permission code (nor claim),
   * and the people p1–p5 without a binding, logged in anew (p6 and the racers some blocks make are
   * removed). Each block then issues and binds the codes it reads in its own `before`.
   */
  async function freshStart() {
    await PermissionCode.deleteMany({});
    await PermissionCodeClaim.deleteMany({});
    await User.deleteMany({ $or: [{ loginName: { $in: [...people, 'p6'] } }, { loginName: /^race/ }] });
    for (const p of people) await makeUser(p, []);
  }

  /** Issues a region code by `issuer` and binds it for `who` (optionally with a mobile). */
  async function issueAndBind(issuer: string, who: string, body: Record<string, unknown>, mobile?: string) {
    const issued = await issue(issuer, { kind: 'region', ...body });
    expect(issued.status).to.equal(201);
    const bound = await bind(who, issued.body.code, mobile ? { mobile } : {});
    expect(bound.status).to.equal(200);
  }

  before(async () => {
    server = await startTestServer('permission_codes');
    hash = await hashPassword(PASS);
    schoolA = await plainSchool('鼓楼第一中心小学', '350102');
    schoolB = await plainSchool('鼓楼第二中心小学', '350102');
    await makeUser('fjAdmin', [await regionBinding('admin', '350000')]);
    await makeUser('fjSuper', [await regionBinding('super', '350000')]);
    await makeUser('fzAdmin', [await regionBinding('admin', '350100')]);
    await makeUser('fzInspector', [await regionBinding('inspector', '350100')]);
    await makeUser('xmAdmin', [await regionBinding('admin', '350200')]);
    await makeUser('glSpecial', [await regionBinding('special', '350102')]);
    await makeUser('sA', [schoolBinding(schoolA)]);
    for (const p of people) await makeUser(p, []);
  });
  after(async () => {
    await server?.close();
  });

  describe('POST /permission-codes', () => {
    before(freshStart);

    it('issues a 10-character one-time code, shown once and stored only as a hash', async () => {
      const res = await issue('fjAdmin', { kind: 'region', role: 'admin', regionCode: '350100' });
      expect(res.status).to.equal(201);
      expect(res.body.code).to.match(/^[2-9A-HJ-NP-Z]{10}$/);
      expect(res.body).to.include({
        kind: 'region',
        role: 'admin',
        regionCode: '350100',
        regionName: '福州市',
      });
      expect(res.body.state).to.equal('unused');
      const days = (new Date(res.body.expiresAt).getTime() - Date.now()) / 86_400_000;
      expect(days).to.be.closeTo(7, 0.01);
      const stored = await PermissionCode.findById(res.body.id).lean();
      expect(JSON.stringify(stored)).not.to.include(res.body.code);
      expect(stored!.codeHint).to.equal(`${res.body.code.slice(0, 2)}******${res.body.code.slice(-2)}`);
    });

    it('follows who may issue what: staff below, special at own level, super one level down, school admins', async () => {
      const cases: [string, Record<string, unknown>, number][] = [
        ['fjAdmin', { kind: 'region', role: 'auditor', regionCode: '350102' }, 201],
        ['fjAdmin', { kind: 'region', role: 'admin', regionCode: '350000' }, 403],
        ['fjAdmin', { kind: 'region', role: 'super', regionCode: '350100' }, 403],
        ['fjSuper', { kind: 'region', role: 'special', regionCode: '350000' }, 201],
        ['fjSuper', { kind: 'region', role: 'super', regionCode: '350100' }, 201],
        ['fjSuper', { kind: 'region', role: 'super', regionCode: '350102' }, 403],
        ['fjSuper', { kind: 'region', role: 'special', regionCode: '350100' }, 403],
        ['fjSuper', { kind: 'region', role: 'admin', regionCode: '350100' }, 403],
        ['glSpecial', { kind: 'school', role: 'admin', schoolId: String(schoolB._id) }, 201],
        ['fzAdmin', { kind: 'school', role: 'admin', schoolId: String(schoolA._id), validDays: 30 }, 201],
      ];
      for (const [who, body, status] of cases) {
        const res = await issue(who, body);
        expect(res.status, `${who} ${JSON.stringify(body)}`).to.equal(status);
        if (status === 403) expect(res.body.error.code).to.equal('ROLE_FORBIDDEN');
      }
    });

    it('answers 403 to outsiders, inspectors, school admins and people without a binding', async () => {
      const count = await PermissionCode.countDocuments();
      for (const [who, code] of [
        ['xmAdmin', 'OUTSIDE_JURISDICTION'],
        ['glSpecial', 'OUTSIDE_JURISDICTION'],
        ['fzInspector', 'ROLE_FORBIDDEN'],
        ['sA', 'ROLE_FORBIDDEN'],
        ['p5', 'ROLE_FORBIDDEN'],
      ]) {
        const res = await issue(who, { kind: 'region', role: 'admin', regionCode: '350103' });
        expect(res.status, who).to.equal(403);
        expect(res.body.error.code, who).to.equal(code);
        expect(res.body.error.message).to.match(/[\u4e00-\u9fa5]/);
      }
      expect(await PermissionCode.countDocuments()).to.equal(count);
    });

    it('rejects bad input in Chinese and creates nothing', async () => {
      const count = await PermissionCode.countDocuments();
      const cases: [Record<string, unknown>, string][] = [
        [{ role: 'admin', regionCode: '350100' }, 'kind'],
        [{ kind: 'region', role: 'admin' }, 'regionCode'],
        [{ kind: 'school', role: 'admin' }, 'schoolId'],
        [{ kind: 'region', role: 'boss', regionCode: '350100' }, 'role'],
        [{ kind: 'region', role: 'admin', regionCode: '35010' }, 'regionCode'],
        [{ kind: 'region', role: 'admin', regionCode: '350100', validDays: 0 }, 'validDays'],
        [{ kind: 'region', role: 'admin', regionCode: '350100', validDays: 91 }, 'validDays'],
        [{ kind: 'region', role: 'admin', regionCode: '350100', extra: 1 }, 'extra'],
        [{ kind: 'school', role: 'auditor', schoolId: String(schoolA._id) }, 'role'],
        [
          { kind: 'school', role: 'admin', schoolId: String(schoolA._id), regionCode: '350102' },
          'regionCode',
        ],
        [{ kind: 'region', role: 'admin', regionCode: '350100', schoolId: String(schoolA._id) }, 'schoolId'],
      ];
      for (const [body, property] of cases) {
        const res = await issue('fjAdmin', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.details.property, JSON.stringify(body)).to.equal(property);
        expect(res.body.error.message).to.match(/[\u4e00-\u9fa5]/);
      }
      const unknown = await issue('fjAdmin', { kind: 'region', role: 'admin', regionCode: '359999' });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.message).to.equal('地区 359999 不存在');
      const noSchool = await issue('fjAdmin', {
        kind: 'school',
        role: 'admin',
        schoolId: '0123456789abcdef01234567',
      });
      expect(noSchool.status).to.equal(404);
      expect(await PermissionCode.countDocuments()).to.equal(count);
    });
  });

  describe('POST /permission-codes/bind', () => {
    before(freshStart);

    it('binds a region code to the caller, who starts working in it; a second bind fails with 409', async () => {
      const code = (await issue('fjAdmin', { kind: 'region', role: 'admin', regionCode: '350103' })).body
        .code;
      const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`;
      const res = await bind('p1', typed, { mobile: '13812344708' });
      expect(res.status).to.equal(200);
      expect(res.body.binding).to.include({ kind: 'region', role: 'admin', regionCode: '350103' });
      expect(res.body.activeBinding).to.include({ regionCode: '350103' });
      const me = await api('/me', { token: tokens.p1 });
      expect(me.body.activeBinding).to.include({ kind: 'region', role: 'admin', regionCode: '350103' });
      const region = await api('/regions/350103', { token: tokens.p1 });
      expect(region.status).to.equal(200);

      for (const who of ['p1', 'p2']) {
        const again = await bind(who, code);
        expect(again.status, who).to.equal(409);
        expect(again.body.error).to.include({ code: 'CODE_USED', message: '该权限码已被使用' });
      }
      const stored = await User.findById(users.p2._id).lean<UserDoc>();
      expect(stored!.bindings).to.have.length(0);
    });

    it('binds a code once even when several people race for it', async () => {
      for (const [round, region] of ['350104', '350121', '350122'].entries()) {
        const racers = ['p2', 'p3'];
        for (let i = 0; i < 3; i++) racers.push((await makeUser(`race${round}_${i}`, [])).loginName);
        const code = (await issue('fjAdmin', { kind: 'region', role: 'inspector', regionCode: region })).body
          .code;
        const results = await Promise.all(racers.map((who) => bind(who, code)));
        const statuses = results.map((r) => r.status);
        expect(
          statuses.filter((s) => s === 200),
          region,
        ).to.have.length(1);
        expect(
          statuses.filter((s) => s === 409),
          region,
        ).to.have.length(racers.length - 1);
        const holders = await User.find({ 'bindings.regionCode': region }).lean<UserDoc[]>();
        expect(holders, region).to.have.length(1);
      }
    });

    it('refuses expired, revoked and unknown codes, and bad input', async () => {
      const expired = await issue('fjAdmin', { kind: 'region', role: 'auditor', regionCode: '350105' });
      await PermissionCode.updateOne(
        { _id: expired.body.id },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
      const r1 = await bind('p4', expired.body.code);
      expect(r1.status).to.equal(409);
      expect(r1.body.error).to.include({
        code: 'CODE_EXPIRED',
        message: '该权限码已过期，请联系上级管理员重新发放',
      });

      const revoked = await issue('fjAdmin', { kind: 'region', role: 'auditor', regionCode: '350105' });
      expect(
        (await api(`/permission-codes/${revoked.body.id}/revoke`, { token: tokens.fzAdmin, body: {} }))
          .status,
      ).to.equal(200);
      const r2 = await bind('p4', revoked.body.code);
      expect(r2.status).to.equal(409);
      expect(r2.body.error).to.include({ code: 'CODE_REVOKED', message: '该权限码已被撤销' });

      const r3 = await bind('p4', 'ABCDEFGHJK');
      expect(r3.status).to.equal(404);
      expect(r3.body.error.message).to.equal('权限码不存在，请核对后重新输入');

      for (const body of [
        { code: 'ABCDEFGHJK' },
        { code: 'short', name: '张三' },
        { code: 'ABCDEFGHJK', name: '张三', mobile: '123' },
        { code: 'ABCDEFGHJK', name: '张三', role: 'admin' },
        { code: 'ABCD!FGHJK', name: '张三' },
      ]) {
        const res = await api('/permission-codes/bind', { token: tokens.p4, body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.message).to.match(/请求内容不合法/);
      }
      expect(
        (await api('/permission-codes/bind', { body: { code: 'ABCDEFGHJK', name: '张三' } })).status,
      ).to.equal(401);
      expect((await User.findById(users.p4._id).lean<UserDoc>())!.bindings).to.have.length(0);
    });

    it('binds a school-admin code; a second admin for the same school is refused until the first is removed', async () => {
      const c1 = (await issue('glSpecial', { kind: 'school', role: 'admin', schoolId: String(schoolB._id) }))
        .body.code;
      const c2 = (await issue('glSpecial', { kind: 'school', role: 'admin', schoolId: String(schoolB._id) }))
        .body.code;
      const ok = await bind('p4', c1);
      expect(ok.status).to.equal(200);
      expect(ok.body.binding).to.include({
        kind: 'school',
        schoolId: String(schoolB._id),
        regionCode: '350102',
      });
      const second = await bind('p5', c2);
      expect(second.status).to.equal(409);
      expect(second.body.error.code).to.equal('SCHOOL_HAS_ADMIN');
      // Seed 003 Q2: remove the former admin, then the new one binds.
      const removed = await api(`/schools/${schoolB._id}/admins/${users.p4._id}`, {
        method: 'DELETE',
        token: tokens.glSpecial,
      });
      expect(removed.status).to.equal(200);
      const retry = await bind('p5', c2);
      expect(retry.status).to.equal(200);
    });

    it('refuses a person who already holds the same role there', async () => {
      const code = (await issue('fjAdmin', { kind: 'region', role: 'admin', regionCode: '350103' })).body
        .code;
      const res = await bind('p1', code);
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('BINDING_EXISTS');
      const listed = await api('/permission-codes?region=350103&state=unused', { token: tokens.fjAdmin });
      expect(listed.body.items.map((i: { id: string }) => i.id)).to.have.length(1);
    });
  });

  describe('GET /permission-codes and revoke', () => {
    before(async () => {
      await freshStart();
      // One code of each state in 福州市: used (bound by p1 with a mobile), expired, revoked and unused;
      // and a school code of 鼓楼区.
      await issueAndBind('fjAdmin', 'p1', { role: 'admin', regionCode: '350103' }, '13812344708');
      const expired = await issue('fjAdmin', { kind: 'region', role: 'auditor', regionCode: '350105' });
      await PermissionCode.updateOne(
        { _id: expired.body.id },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
      const revoked = await issue('fjAdmin', { kind: 'region', role: 'auditor', regionCode: '350105' });
      const revoke = await api(`/permission-codes/${revoked.body.id}/revoke`, {
        token: tokens.fzAdmin,
        body: {},
      });
      expect(revoke.status).to.equal(200);
      expect(
        (await issue('fjAdmin', { kind: 'region', role: 'admin', regionCode: '350100' })).status,
      ).to.equal(201);
      const school = await issue('glSpecial', {
        kind: 'school',
        role: 'admin',
        schoolId: String(schoolB._id),
      });
      expect(school.status).to.equal(201);
    });

    it('lists codes within jurisdiction, masked, with computed states and full contacts of who bound them', async () => {
      const res = await api('/permission-codes?region=350100&pageSize=100', { token: tokens.fzAdmin });
      expect(res.status).to.equal(200);
      expect(res.body.total).to.equal(res.body.items.length);
      expect(res.body.items).to.not.be.empty;
      for (const item of res.body.items) {
        expect(item.code).to.match(/^[2-9A-HJ-NP-Z]{2}\*{6}[2-9A-HJ-NP-Z]{2}$/);
        expect(item.regionCode.startsWith('3501')).to.equal(true);
      }
      const states = new Set(res.body.items.map((i: { state: string }) => i.state));
      expect([...states]).to.include.members(['unused', 'used', 'revoked', 'expired']);
      const used = res.body.items.find(
        (i: { regionCode: string; state: string }) => i.regionCode === '350103' && i.state === 'used',
      );
      expect(used.usedBy).to.include({ name: '真名p1', mobile: '13812344708' });

      const expired = await api('/permission-codes?region=350100&state=expired', { token: tokens.fzAdmin });
      expect(expired.body.items.map((i: { state: string }) => i.state)).to.deep.equal(['expired']);
      const schools = await api('/permission-codes?kind=school', { token: tokens.glSpecial });
      expect(schools.body.items.every((i: { kind: string }) => i.kind === 'school')).to.equal(true);
      expect(schools.body.total).to.be.greaterThan(0);
    });

    it('never shows codes outside the caller’s region; asking for another region is a 403', async () => {
      await issue('xmAdmin', { kind: 'region', role: 'admin', regionCode: '350203' });
      const own = await api('/permission-codes', { token: tokens.xmAdmin });
      expect(own.body.items.map((i: { regionCode: string }) => i.regionCode)).to.deep.equal(['350203']);
      const other = await api('/permission-codes?region=350100', { token: tokens.xmAdmin });
      expect(other.status).to.equal(403);
      for (const who of ['fzInspector', 'sA', 'p5']) {
        expect((await api('/permission-codes', { token: tokens[who] })).status, who).to.equal(403);
      }
      const bad = await api('/permission-codes?state=lost', { token: tokens.fzAdmin });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.property).to.equal('state');
    });

    it('revokes only unused codes, only by those who may issue them', async () => {
      const created = await issue('fjAdmin', { kind: 'region', role: 'admin', regionCode: '350111' });
      for (const who of ['xmAdmin', 'fzInspector', 'sA', 'p5']) {
        const res = await api(`/permission-codes/${created.body.id}/revoke`, {
          token: tokens[who],
          body: {},
        });
        expect(res.status, who).to.equal(403);
      }
      // The city admin above the county may revoke what the province issued for it.
      const res = await api(`/permission-codes/${created.body.id}/revoke`, {
        token: tokens.fzAdmin,
        body: {},
      });
      expect(res.status).to.equal(200);
      expect(res.body.state).to.equal('revoked');
      const again = await api(`/permission-codes/${created.body.id}/revoke`, {
        token: tokens.fzAdmin,
        body: {},
      });
      expect(again.status).to.equal(409);
      expect(again.body.error.message).to.equal('该权限码已撤销');
      const used = (await api('/permission-codes?region=350103&state=used', { token: tokens.fjAdmin })).body
        .items[0];
      const usedRes = await api(`/permission-codes/${used.id}/revoke`, { token: tokens.fjAdmin, body: {} });
      expect(usedRes.status).to.equal(409);
      expect(usedRes.body.error.code).to.equal('CODE_USED');
      expect(
        (await api('/permission-codes/abc/revoke', { token: tokens.fjAdmin, body: {} })).status,
      ).to.equal(400);
      expect(
        (await api('/permission-codes/0123456789abcdef01234567/revoke', { token: tokens.fjAdmin, body: {} }))
          .status,
      ).to.equal(404);
    });
  });

  describe('DELETE /regions/{code}/admins/{userId} (seed 003 Q2)', () => {
    before(async () => {
      await freshStart();
      await issueAndBind('fjAdmin', 'p1', { role: 'admin', regionCode: '350103' }); // the admin removed below
    });

    it('removes a bound admin so that a new code can be issued and bound', async () => {
      for (const who of ['xmAdmin', 'fzInspector', 'sA', 'p5']) {
        const res = await api(`/regions/350103/admins/${users.p1._id}`, {
          method: 'DELETE',
          token: tokens[who],
        });
        expect(res.status, who).to.equal(403);
      }
      const notAdmin = await api(`/regions/350103/admins/${users.p5._id}`, {
        method: 'DELETE',
        token: tokens.fjAdmin,
      });
      expect(notAdmin.status).to.equal(404);
      expect(notAdmin.body.error.message).to.equal('该用户在此地区没有在任的管理员身份');
      const bad = await api('/regions/350103/admins/zzz', { method: 'DELETE', token: tokens.fjAdmin });
      expect(bad.status).to.equal(400);

      const res = await api(`/regions/350103/admins/${users.p1._id}`, {
        method: 'DELETE',
        token: tokens.fzAdmin,
      });
      expect(res.status).to.equal(200);
      expect(res.body.removed[0]).to.include({ role: 'admin', regionCode: '350103', active: false });
      const me = await api('/me', { token: tokens.p1 });
      expect(me.body.activeBinding).to.equal(null);
      expect((await api('/regions/350103', { token: tokens.p1 })).status).to.equal(403);

      const code = (await issue('fzAdmin', { kind: 'region', role: 'admin', regionCode: '350103' })).body
        .code;
      expect((await bind('p5', code)).status).to.equal(200);
    });

    it('a super admin removes a special admin of its own level; a staff admin cannot', async () => {
      const code = (await issue('fjSuper', { kind: 'region', role: 'special', regionCode: '350000' })).body
        .code;
      const user = await makeUser('p6', []);
      expect((await bind('p6', code)).status).to.equal(200);
      const byAdmin = await api(`/regions/350000/admins/${user._id}`, {
        method: 'DELETE',
        token: tokens.fjAdmin,
      });
      expect(byAdmin.status).to.equal(403);
      expect(byAdmin.body.error.code).to.equal('ROLE_FORBIDDEN');
      const bySuper = await api(`/regions/350000/admins/${user._id}`, {
        method: 'DELETE',
        token: tokens.fjSuper,
      });
      expect(bySuper.status).to.equal(200);
    });
  });

  describe('GET /regions/{code}/activation', () => {
    before(async () => {
      // 莆田市 (350300): 城厢区 350302, 涵江区 350303, 荔城区 350304, 秀屿区 350305, 仙游县 350322.
      const p1 = await plainSchool('城厢一小', '350302', { initialized: true });
      const p2 = await plainSchool('城厢二小', '350302');
      const p3 = await plainSchool('城厢三小', '350302');
      await plainSchool('涵江一小', '350303');
      const p5 = await plainSchool('莆田市直属中学', '350300', { initialized: true });
      const p6 = await plainSchool('荔城一小', '350304');
      const admin = (school: SchoolDoc, login: string, extra: Record<string, unknown>) =>
        User.create({
          loginName: login,
          name: login,
          passwordHash: hash,
          bindings: [schoolBinding(school)],
          ...extra,
        });
      await admin(p1, 'pt1', { mustChangePassword: true }); // initialized: activated anyway
      await admin(p2, 'pt2', { mustChangePassword: false }); // first login done: activated
      await admin(p3, 'pt3', { mustChangePassword: true }); // not yet
      await admin(p5, 'pt5', { mustChangePassword: true }); // initialized
      await admin(p6, 'pt6', { mustChangePassword: false, locked: true }); // locked: not activated
      const regionUser = async (login: string, role: string, code: string, active = true) =>
        User.create(userWith(login, [await regionBinding(role, code, active)], { passwordHash: hash }));
      await regionUser('ptCity', 'admin', '350300');
      await regionUser('ptCx', 'special', '350302');
      await regionUser('ptHj', 'inspector', '350303'); // an inspector is not an admin
      await regionUser('ptLc', 'admin', '350304', false); // removed
      tokens.ptCity = await server.login('ptCity', PASS);
    });

    it('gives the seed 003 table per direct child and the direct schools, hand-checked', async () => {
      const res = await api('/regions/350300/activation', { token: tokens.ptCity });
      expect(res.status).to.equal(200);
      expect(res.body.region).to.deep.equal({ code: '350300', name: '莆田市', level: 'city' });
      expect(res.body.totals).to.deep.include({
        schoolsTotal: 6,
        schoolsActivated: 3,
        schoolActivationRate: 50,
        regionsTotal: 6,
        regionsActivated: 2,
        regionActivationRate: 33.33,
        coveredRegions: 2,
      });
      expect(res.body.direct).to.deep.equal({
        code: null,
        name: '直属学校',
        level: null,
        schoolsTotal: 1,
        schoolsActivated: 1,
        schoolActivationRate: 100,
        regionsTotal: null,
        regionsActivated: null,
        regionActivationRate: null,
        coveredRegions: null,
      });
      const rows = Object.fromEntries(res.body.children.map((r: { code: string }) => [r.code, r]));
      expect(Object.keys(rows)).to.deep.equal(['350302', '350303', '350304', '350305', '350322']);
      expect(rows['350302']).to.deep.include({
        name: '城厢区',
        schoolsTotal: 3,
        schoolsActivated: 2,
        schoolActivationRate: 66.67,
        regionsTotal: 1,
        regionsActivated: 1,
        regionActivationRate: 100,
        coveredRegions: 1,
      });
      expect(rows['350303']).to.deep.include({
        schoolsTotal: 1,
        schoolsActivated: 0,
        schoolActivationRate: 0,
      });
      expect(rows['350303']).to.deep.include({ regionsActivated: 0, coveredRegions: 0 });
      expect(rows['350304']).to.deep.include({ schoolsTotal: 1, schoolsActivated: 0, regionsActivated: 0 });
      expect(rows['350305']).to.deep.include({
        schoolsTotal: 0,
        schoolActivationRate: null,
        regionsTotal: 1,
      });
    });

    it('drills down by asking for a child, and the province sees the city as one row', async () => {
      const county = await api('/regions/350302/activation', { token: tokens.ptCity });
      expect(county.status).to.equal(200);
      expect(county.body.totals).to.deep.include({ schoolsTotal: 3, schoolsActivated: 2, regionsTotal: 1 });
      expect(county.body.direct).to.deep.include({ schoolsTotal: 3, schoolsActivated: 2 });
      expect(county.body.children).to.deep.equal([]);
      const province = await api('/regions/350000/activation', { token: tokens.fjAdmin });
      const putian = province.body.children.find((r: { code: string }) => r.code === '350300');
      expect(putian).to.deep.include({
        schoolsTotal: 6,
        schoolsActivated: 3,
        regionsTotal: 6,
        regionsActivated: 2,
        coveredRegions: 2,
      });
      expect(province.body.children).to.have.length(9);
    });

    it('answers 403 to outsiders and school admins, 400 to a malformed code', async () => {
      for (const who of ['xmAdmin', 'sA', 'p4', 'fzAdmin']) {
        const res = await api('/regions/350300/activation', { token: tokens[who] });
        expect(res.status, who).to.equal(403);
      }
      expect((await api('/regions/3503/activation', { token: tokens.ptCity })).status).to.equal(400);
      expect((await api('/regions/350300/activation?x=1', { token: tokens.ptCity })).status).to.equal(400);
    });
  });
});
