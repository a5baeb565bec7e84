import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { User, type UserDoc } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { School, type SchoolDoc } from '../../../server/src/schools/model';
import {
  PASSWORD as PASS,
  plainSchool,
  regionBinding,
  schoolBinding,
  type BindingInput,
} from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('school-admin accounts (seed 000 part 3)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let hash: string;
  let schoolA: SchoolDoc;
  let schoolB: SchoolDoc;
  let directC: SchoolDoc;
  const tokens: Record<string, string> = {};
  const users: Record<string, UserDoc> = {};

  async function makeUser(key: string, bindings: BindingInput[], extra: Record<string, unknown> = {}) {
    const user = await User.create({
      loginName: key,
      name: `用户${key}`,
      passwordHash: hash,
      mustChangePassword: false,
      bindings,
      ...extra,
    });
    users[key] = user.toObject();
    return users[key];
  }

  const api: TestServer['api'] = (path, init) => server.api(path, init);
  const loginStatus = async (account: string, password: string) =>
    (await api('/auth/login', { body: { account, password } })).status;

  before(async () => {
    server = await startTestServer('school_admins');
    hash = await hashPassword(PASS);
    schoolA = await plainSchool('鼓楼第一中心小学', '350102');
    schoolB = await plainSchool('思明实验小学', '350203');
    directC = await plainSchool('福州市直属实验学校', '350100');
    await makeUser('fj', [await regionBinding('admin', '350000')]);
    await makeUser('fz', [await regionBinding('admin', '350100')]);
    await makeUser('fzInspector', [await regionBinding('inspector', '350100')]);
    await makeUser('gl', [await regionBinding('admin', '350102')]);
    await makeUser('xm', [await regionBinding('admin', '350200')]);
    await makeUser('sA', [schoolBinding(schoolA)], {
      mobile: '13812344708',
      email: 'zhang.san@example.cn',
      passwordHash: await hashPassword('Oldpass123'),
    });
    await makeUser('sB', [schoolBinding(schoolB)]);
    await makeUser('sC', [schoolBinding(directC)], { mobile: '13900001111' });
    // Holds a school-A binding and a province binding: no county admin may manage this account.
    await makeUser('mixed', [await regionBinding('admin', '350000'), schoolBinding(schoolA)]);
    // `mixed` was created active for school A too; make it inactive so school A has one active admin.
    await User.updateOne({ _id: users.mixed._id }, { $set: { 'bindings.1.active': false } });
    for (const key of ['fj', 'fz', 'fzInspector', 'gl', 'xm', 'sB', 'sC'])
      tokens[key] = await server.login(key, PASS);
    tokens.sA = await server.login('sA', 'Oldpass123');
  });
  after(async () => {
    await server?.close();
  });

  describe('GET /schools/{id}/admins', () => {
    it('shows the admins with full contacts to a region manager governing the school', async () => {
      for (const who of ['gl', 'fz', 'fj']) {
        const res = await api(`/schools/${schoolA._id}/admins`, { token: tokens[who] });
        expect(res.status, who).to.equal(200);
        expect(res.body).to.include({ total: 2, page: 1, pageSize: 20 });
        const [first, second] = res.body.items;
        expect(first).to.include({
          loginName: 'sA',
          name: '用户sA',
          mobile: '13812344708',
          email: 'zhang.san@example.cn',
          active: true,
          locked: false,
        });
        expect(second).to.include({ loginName: 'mixed', active: false });
      }
    });

    it('masks contacts for an inspector, who views but does not manage', async () => {
      const res = await api(`/schools/${schoolA._id}/admins`, { token: tokens.fzInspector });
      expect(res.status).to.equal(200);
      expect(res.body.items[0]).to.include({ mobile: '138****4708', email: 'z***@example.cn' });
    });

    it('answers 403 to an outsider region and to a school admin', async () => {
      for (const who of ['xm', 'sA', 'sB']) {
        const res = await api(`/schools/${schoolA._id}/admins`, { token: tokens[who] });
        expect(res.status, who).to.equal(403);
        expect(res.body.error.message).to.equal('该学校不在您的管辖范围内');
      }
    });

    it('rejects bad input in Chinese and answers 404 for an unknown school', async () => {
      const bad = await api('/schools/not-an-id/admins', { token: tokens.gl });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.property).to.equal('id');
      expect(bad.body.error.message).to.match(/路径参数不合法/);
      const badQuery = await api(`/schools/${schoolA._id}/admins?pageSize=0`, { token: tokens.gl });
      expect(badQuery.status).to.equal(400);
      expect(badQuery.body.error.message).to.match(/每页条数/);
      const extra = await api(`/schools/${schoolA._id}/admins?foo=1`, { token: tokens.gl });
      expect(extra.status).to.equal(400);
      const missing = await api('/schools/0123456789abcdef01234567/admins', { token: tokens.gl });
      expect(missing.status).to.equal(404);
      expect(missing.body.error.message).to.equal('学校不存在');
    });

    it('requires a login', async () => {
      expect((await api(`/schools/${schoolA._id}/admins`)).status).to.equal(401);
    });
  });

  describe('POST /users/{id}/reset-password', () => {
    it('gives a working 6-digit one-time password that forces a change and signs the old sessions out', async () => {
      const before = await User.findById(users.sB._id).lean<UserDoc>();
      const res = await api(`/users/${users.sA._id}/reset-password`, { token: tokens.gl, body: {} });
      expect(res.status).to.equal(200);
      expect(res.body.oneTimePassword).to.match(/^\d{6}$/);
      expect(res.body.user).to.include({ loginName: 'sA', mustChangePassword: true });
      expect(res.headers.get('cache-control')).to.equal('no-store');
      // The old password and the old token no longer work.
      expect(await loginStatus('sA', 'Oldpass123')).to.equal(401);
      expect((await api('/me', { token: tokens.sA })).status).to.equal(401);
      const login = await api('/auth/login', { body: { account: 'sA', password: res.body.oneTimePassword } });
      expect(login.status).to.equal(200);
      expect(login.body.user.mustChangePassword).to.equal(true);
      const me = await api('/me', { token: login.body.accessToken });
      expect(me.body.pendingSteps).to.include('changePassword');
      const changed = await api('/auth/password', {
        token: login.body.accessToken,
        body: { oldPassword: res.body.oneTimePassword, newPassword: 'Newpass123' },
      });
      expect(changed.status).to.equal(204);
      tokens.sA = await server.login('sA', 'Newpass123');
      // Nobody else was touched.
      const after = await User.findById(users.sB._id).lean<UserDoc>();
      expect(after!.passwordHash).to.equal(before!.passwordHash);
    });

    it('is refused to outsiders, auditors/inspectors and school admins, changing nothing', async () => {
      const before = (await User.findById(users.sA._id).lean<UserDoc>())!;
      for (const [who, code] of [
        ['xm', 'OUTSIDE_JURISDICTION'],
        ['fzInspector', 'ROLE_FORBIDDEN'],
        ['sB', 'ROLE_FORBIDDEN'],
      ]) {
        const res = await api(`/users/${users.sA._id}/reset-password`, { token: tokens[who], body: {} });
        expect(res.status, who).to.equal(403);
        expect(res.body.error.code, who).to.equal(code);
        expect(res.body.error.message).to.match(/[\u4e00-\u9fa5]/);
      }
      const after = (await User.findById(users.sA._id).lean<UserDoc>())!;
      expect(after.passwordHash).to.equal(before.passwordHash);
      expect(after.mustChangePassword).to.equal(false);
    });

    it('refuses an account that also holds a binding outside the caller’s subtree', async () => {
      const res = await api(`/users/${users.mixed._id}/reset-password`, { token: tokens.gl, body: {} });
      expect(res.status).to.equal(403);
      expect(res.body.error.message).to.equal('该账号还持有您管辖范围以外的身份，请联系其上级管理员处理');
      expect(await loginStatus('mixed', PASS)).to.equal(200);
    });

    it('refuses region accounts, unknown users and malformed ids', async () => {
      const region = await api(`/users/${users.xm._id}/reset-password`, { token: tokens.fj, body: {} });
      expect(region.status).to.equal(403);
      expect(region.body.error.message).to.equal('该账号不是您辖区内学校的管理员');
      const unknown = await api('/users/0123456789abcdef01234567/reset-password', {
        token: tokens.gl,
        body: {},
      });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.message).to.equal('用户不存在');
      const bad = await api('/users/xyz/reset-password', { token: tokens.gl, body: {} });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.property).to.equal('id');
    });
  });

  describe('lock and unlock', () => {
    it('a locked user cannot log in (423) and its sessions end; unlocking restores it', async () => {
      const res = await api(`/users/${users.sA._id}/lock`, { token: tokens.gl, body: {} });
      expect(res.status).to.equal(200);
      expect(res.body.user).to.include({ loginName: 'sA', locked: true });
      const login = await api('/auth/login', { body: { account: 'sA', password: 'Newpass123' } });
      expect(login.status).to.equal(423);
      expect(login.body.error.code).to.equal('ACCOUNT_DISABLED');
      expect(login.body.error.message).to.match(/锁定/);
      expect((await api('/me', { token: tokens.sA })).status).to.equal(401);
      // Locking twice is harmless.
      expect((await api(`/users/${users.sA._id}/lock`, { token: tokens.gl, body: {} })).status).to.equal(200);

      const unlock = await api(`/users/${users.sA._id}/unlock`, { token: tokens.fz, body: {} });
      expect(unlock.status).to.equal(200);
      expect(unlock.body.user.locked).to.equal(false);
      expect(await loginStatus('sA', 'Newpass123')).to.equal(200);
    });

    it('lock and unlock are refused to outsiders, inspectors and school admins, changing nothing', async () => {
      for (const path of ['lock', 'unlock']) {
        for (const who of ['xm', 'fzInspector', 'sB']) {
          const res = await api(`/users/${users.sA._id}/${path}`, { token: tokens[who], body: {} });
          expect(res.status, `${who} ${path}`).to.equal(403);
        }
      }
      expect((await User.findById(users.sA._id).lean<UserDoc>())!.locked).to.equal(false);
      const bad = await api('/users/123/lock', { token: tokens.gl, body: {} });
      expect(bad.status).to.equal(400);
    });
  });

  describe('replacing the school admin (POST /schools/{id}/admins)', () => {
    it('rejects bad input and outsiders without creating anyone', async () => {
      const count = await User.countDocuments();
      for (const body of [{ name: '' }, { name: '   ' }, { foo: 1 }, { name: 5 }]) {
        const res = await api(`/schools/${schoolA._id}/admins`, { token: tokens.gl, body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.message).to.match(/请求内容不合法/);
      }
      for (const who of ['xm', 'fzInspector', 'sC']) {
        const res = await api(`/schools/${schoolA._id}/admins`, { token: tokens[who], body: {} });
        expect(res.status, who).to.equal(403);
      }
      expect(await User.countDocuments()).to.equal(count);
    });

    it('locks the former admin, adds a new account (123456, forced change), and then refuses the unlock', async () => {
      expect((await api(`/users/${users.sA._id}/lock`, { token: tokens.gl, body: {} })).status).to.equal(200);
      const res = await api(`/schools/${schoolA._id}/admins`, { token: tokens.gl, body: { name: '李新' } });
      expect(res.status).to.equal(201);
      expect(res.body.admin.loginName).to.match(/^s350102\d{4}$/);
      expect(res.body.admin).to.include({ name: '李新', initialPassword: '123456' });
      expect(res.body.replacedUserIds).to.deep.equal([String(users.sA._id)]);

      const login = await api('/auth/login', {
        body: { account: res.body.admin.loginName, password: '123456' },
      });
      expect(login.status).to.equal(200);
      expect(login.body.user.mustChangePassword).to.equal(true);
      expect(login.body.user.bindings[0]).to.include({ kind: 'school', schoolId: String(schoolA._id) });

      const list = await api(`/schools/${schoolA._id}/admins`, { token: tokens.gl });
      expect(list.body.total).to.equal(3);
      expect(list.body.items[0]).to.include({ loginName: res.body.admin.loginName, active: true });
      expect(list.body.items.filter((i: { active: boolean }) => i.active)).to.have.length(1);
      expect(list.body.items.find((i: { loginName: string }) => i.loginName === 'sA')).to.include({
        active: false,
        locked: true,
      });

      const unlock = await api(`/users/${users.sA._id}/unlock`, { token: tokens.gl, body: {} });
      expect(unlock.status).to.equal(409);
      expect(unlock.body.error).to.include({
        code: 'ADMIN_REPLACED',
        message: '该学校已新增了接替的管理员，原管理员账号不能再解锁',
      });
      expect((await User.findById(users.sA._id).lean<UserDoc>())!.locked).to.equal(true);
      expect(await loginStatus('sA', 'Newpass123')).to.equal(423);
    });

    it('uses a default name and keeps exactly one active admin when replaced again', async () => {
      const res = await api(`/schools/${schoolA._id}/admins`, { token: tokens.fj, body: {} });
      expect(res.status).to.equal(201);
      expect(res.body.admin.name).to.equal('鼓楼第一中心小学管理员');
      const active = (await User.find({ 'bindings.schoolId': schoolA._id }).lean<UserDoc[]>()).filter((u) =>
        u.bindings.some((b) => b.schoolId?.equals(schoolA._id) && b.active),
      );
      expect(active.map((u) => u.loginName)).to.deep.equal([res.body.admin.loginName]);
    });
  });

  describe('DELETE /schools/{id}/admins/{userId}', () => {
    it('removes the current admin of a school; outsiders get 403; a non-admin 404', async () => {
      const current = (await api(`/schools/${schoolB._id}/admins`, { token: tokens.fj })).body.items[0];
      expect(current.loginName).to.equal('sB');
      const outsider = await api(`/schools/${schoolB._id}/admins/${current.id}`, {
        method: 'DELETE',
        token: tokens.fz,
      });
      expect(outsider.status).to.equal(403);
      const notAdmin = await api(`/schools/${schoolB._id}/admins/${users.gl._id}`, {
        method: 'DELETE',
        token: tokens.xm,
      });
      expect(notAdmin.status).to.equal(404);
      expect(notAdmin.body.error.message).to.equal('该用户不是本校的在任管理员');
      const res = await api(`/schools/${schoolB._id}/admins/${current.id}`, {
        method: 'DELETE',
        token: tokens.xm,
      });
      expect(res.status).to.equal(200);
      expect(res.body.removed[0]).to.include({ kind: 'school', active: false });
      // Removed without a replacement: unlocking makes no sense either.
      await api(`/users/${current.id}/lock`, { token: tokens.xm, body: {} });
      const unlock = await api(`/users/${current.id}/unlock`, { token: tokens.xm, body: {} });
      expect(unlock.status).to.equal(409);
      expect(unlock.body.error.code).to.equal('ADMIN_REMOVED');
    });
  });

  describe('GET /regions/{code}/school-admins/export', () => {
    async function download(path: string, token: string) {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return { res, buffer: Buffer.from(await res.arrayBuffer()) };
    }

    async function rowsOf(buffer: Buffer): Promise<unknown[][]> {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(buffer as unknown as ArrayBuffer);
      const rows: unknown[][] = [];
      wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    }

    it('streams the direct schools of a region with their admin accounts by default', async () => {
      const { res, buffer } = await download('/regions/350100/school-admins/export', tokens.fz);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(res.headers.get('content-disposition')).to.include(
        encodeURIComponent('福州市直管学校管理员.xlsx'),
      );
      const rows = await rowsOf(buffer);
      expect(rows[0]).to.deep.equal([
        '序号',
        '所在地区',
        '学校名称',
        '学校类型',
        '学校状态',
        '已初始化',
        '登录名',
        '管理员姓名',
        '手机',
        '电子邮件',
        '账号状态',
        '首次登录',
      ]);
      expect(rows).to.have.length(2);
      expect(rows[1].slice(0, 9)).to.deep.equal([
        1,
        '福州市',
        '福州市直属实验学校',
        '小学',
        '正常',
        '否',
        'sC',
        '用户sC',
        '13900001111',
      ]);
    });

    it('exports the whole subtree with direct=false, never a school from outside it', async () => {
      const { res, buffer } = await download('/regions/350100/school-admins/export?direct=false', tokens.fz);
      expect(res.status).to.equal(200);
      const rows = await rowsOf(buffer);
      const names = rows.slice(1).map((r) => r[2]);
      expect(names).to.have.members(['鼓楼第一中心小学', '福州市直属实验学校']);
      const gulou = rows.find((r) => r[2] === '鼓楼第一中心小学')!;
      expect(gulou[1]).to.equal('鼓楼区');
      expect(gulou[7]).to.equal('鼓楼第一中心小学管理员');
    });

    it('answers 403 (JSON) to outsiders, inspectors and school admins; 400 for bad input', async () => {
      for (const who of ['xm', 'fzInspector', 'sC', 'gl']) {
        const res = await api('/regions/350100/school-admins/export', { token: tokens[who] });
        expect(res.status, who).to.equal(403);
        expect(res.body.error.message).to.match(/[\u4e00-\u9fa5]/);
      }
      const bad = await api('/regions/350100/school-admins/export?direct=maybe', { token: tokens.fz });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.property).to.equal('direct');
      const badCode = await api('/regions/35/school-admins/export', { token: tokens.fz });
      expect(badCode.status).to.equal(400);
    });
  });

  describe('the school’s admin list (adminIds: read by _id, never a scan of the users)', () => {
    const shown = async (school: SchoolDoc) =>
      (await api(`/schools/${school._id}/admins`, { token: tokens.gl })).body.items.map(
        (i: { loginName: string }) => i.loginName,
      );
    const adminIdsOf = async (school: SchoolDoc) =>
      (await School.findById(school._id).lean<SchoolDoc>())!.adminIds?.map(String);

    it('is filled from the users once for a school written without it, then is what is read', async () => {
      const s = await plainSchool('鼓楼提示小学', '350102');
      const first = await makeUser('hintA', [schoolBinding(s)]);
      expect(await adminIdsOf(s)).to.equal(undefined);
      expect(await shown(s)).to.deep.equal(['hintA']);
      expect(await adminIdsOf(s)).to.deep.equal([String(first._id)]);
      // Written around the server (nothing of the server does this): not on the list, so not shown.
      await makeUser('hintB', [schoolBinding(s)]);
      expect(await shown(s)).to.deep.equal(['hintA']);
      // A replacement through the API is put on the list before its account exists.
      const res = await api(`/schools/${s._id}/admins`, { token: tokens.gl, body: { name: '王接替' } });
      expect(res.status).to.equal(201);
      expect(await adminIdsOf(s)).to.include(
        res.body.admin.id ??
          String((await User.findOne({ loginName: res.body.admin.loginName }).lean<UserDoc>())!._id),
      );
      expect(await shown(s)).to.have.members(['hintA', res.body.admin.loginName]);
    });

    it('lists a school created through the API with its admin, and drops an id that lost the binding', async () => {
      const created = await api('/schools', {
        token: tokens.gl,
        body: { name: '鼓楼新建小学', type: '小学', regionCode: '350102' },
      });
      expect(created.status).to.equal(201);
      const s = (await School.findById(created.body.school.id).lean<SchoolDoc>())!;
      expect(s.adminIds!.map(String)).to.deep.equal([created.body.admin.id]);
      expect(await shown(s)).to.deep.equal([created.body.admin.loginName]);
      await User.updateOne({ _id: s.adminIds![0] }, { $set: { bindings: [] } });
      expect(await shown(s)).to.deep.equal([]);
    });
  });

  describe('POST /me/binding', () => {
    it('switches the active binding for the access and the refresh token', async () => {
      const user = await makeUser('multi', [
        await regionBinding('inspector', '350200'),
        await regionBinding('auditor', '350102'),
      ]);
      const login = await api('/auth/login', { body: { account: 'multi', password: PASS } });
      const token = login.body.accessToken;
      expect((await api('/me', { token })).body.activeBinding.regionCode).to.equal('350200');
      const target = String(user.bindings[1]._id);
      const res = await api('/me/binding', { token, body: { bindingId: target } });
      expect(res.status).to.equal(200);
      expect(res.body.activeBinding).to.include({ id: target, regionCode: '350102', role: 'auditor' });
      expect(res.body.user.loginName).to.equal('multi');
      expect((await api('/me', { token })).body.activeBinding.id).to.equal(target);
      const refreshed = await api('/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(refreshed.status).to.equal(200);
      const me = await api('/me', { token: refreshed.body.accessToken });
      expect(me.body.activeBinding.id).to.equal(target);
    });

    it('refuses someone else’s binding (403), an inactive one (409) and bad input (400)', async () => {
      const token = await server.login('multi', PASS);
      const other = await api('/me/binding', {
        token,
        body: { bindingId: String(users.fz.bindings[0]._id) },
      });
      expect(other.status).to.equal(403);
      expect(other.body.error.message).to.equal('该身份不属于您');
      await User.updateOne({ loginName: 'multi' }, { $set: { 'bindings.0.active': false } });
      const inactive = await api('/me/binding', {
        token,
        body: { bindingId: String(users.multi.bindings[0]._id) },
      });
      expect(inactive.status).to.equal(409);
      expect(inactive.body.error.message).to.equal('该身份已失效，请联系上级管理员');
      for (const body of [
        {},
        { bindingId: 'x' },
        { bindingId: String(users.multi.bindings[1]._id), extra: 1 },
      ]) {
        const res = await api('/me/binding', { token, body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      expect(
        (await api('/me/binding', { body: { bindingId: String(users.multi.bindings[1]._id) } })).status,
      ).to.equal(401);
    });
  });
});
