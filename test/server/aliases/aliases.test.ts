import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { User } from '../../../server/src/accounts/model';
import { AccountAlias } from '../../../server/src/aliases/model';
import { AuditEntry } from '../../../server/src/audit/model';
import type { SchoolDoc } from '../../../server/src/schools/model';
import { PASSWORD, plainSchool, regionUser, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('account aliases (seed 002 四(一))', function () {
  this.timeout(60_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let schoolA: SchoolDoc;
  let schoolB: SchoolDoc;

  async function upload(token: string, file: Buffer | string, type = 'text/csv') {
    const form = new FormData();
    form.append('file', new Blob([file], { type }), type === XLSX ? '别名.xlsx' : '别名.csv');
    const res = await fetch(`${server.url}/api/v1/account-aliases/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const aliasCount = () => AccountAlias.countDocuments();

  before(async () => {
    server = await startTestServer('aliases');
    schoolA = await plainSchool('鼓楼第一中心小学', '350102');
    schoolB = await plainSchool('思明实验小学', '350203');
    for (const [name, code] of [
      ['fz', '350100'],
      ['gl', '350102'],
      ['xm', '350200'],
    ] as const)
      ids[name] = String((await regionUser(name, code, 'admin'))._id);
    ids.glInspector = String((await regionUser('glInspector', '350102', 'inspector'))._id);
    ids.sA = String((await schoolAdmin('sA', schoolA))._id);
    ids.sA2 = String((await schoolAdmin('sA2', schoolA))._id);
    ids.sB = String((await schoolAdmin('sB', schoolB))._id);
    for (const name of ['fz', 'gl', 'xm', 'glInspector', 'sA']) t[name] = await server.login(name, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  describe('one alias at a time', () => {
    it('adds an alias that then logs in as the account, and lists it', async () => {
      const res = await server.api(`/users/${ids.sA}/aliases`, {
        token: t.gl,
        body: { alias: ' gl_old_001 ' },
      });
      expect(res.status).to.equal(201);
      expect(res.body.alias).to.equal('gl_old_001');
      const again = await server.api(`/users/${ids.sA}/aliases`, {
        token: t.fz,
        body: { alias: 'gl_old_001' },
      });
      expect(again.status, 'the same alias again changes nothing').to.equal(200);

      const login = await server.api('/auth/login', { body: { account: 'gl_old_001', password: PASSWORD } });
      expect(login.status).to.equal(200);
      expect(login.body.user.loginName).to.equal('sA');

      const list = await server.api(`/users/${ids.sA}/aliases`, { token: t.gl });
      expect(list.status).to.equal(200);
      expect(list.body.items.map((i: { alias: string }) => i.alias)).to.deep.equal(['gl_old_001']);
      const audit = await AuditEntry.findOne({ action: 'account.alias.add', targetId: ids.sA }).lean();
      expect(audit?.regionPath).to.include('350102');
    });

    it('refuses an alias already in use, as an alias or as a login name, changing nothing', async () => {
      const before = await aliasCount();
      const taken = await server.api(`/users/${ids.sA2}/aliases`, {
        token: t.gl,
        body: { alias: 'gl_old_001' },
      });
      expect(taken.status).to.equal(409);
      expect(taken.body.error.code).to.equal('ALIAS_TAKEN');
      const login = await server.api(`/users/${ids.sA2}/aliases`, { token: t.gl, body: { alias: 'sA' } });
      expect(login.status).to.equal(409);
      expect(login.body.error.message).to.include('登录名');
      expect(await aliasCount()).to.equal(before);
    });

    it('refuses aliases shaped like a mobile, an email or a system login name (400, zh-CN)', async () => {
      for (const alias of ['13812345678', 'a@b.cn', 's3501020001', 'a b', 'x']) {
        const res = await server.api(`/users/${ids.sA2}/aliases`, { token: t.gl, body: { alias } });
        expect(res.status, alias).to.equal(400);
        expect(res.body.error.code, alias).to.equal('ALIAS_INVALID');
        expect(res.body.error.details.property).to.equal('alias');
      }
      const extra = await server.api(`/users/${ids.sA2}/aliases`, {
        token: t.gl,
        body: { alias: 'ok1', x: 1 },
      });
      expect(extra.status).to.equal(400);
    });

    it('caps the aliases of one account', async () => {
      for (let i = 1; i <= 5; i++) {
        const res = await server.api(`/users/${ids.sA2}/aliases`, {
          token: t.gl,
          body: { alias: `cap${i}` },
        });
        expect(res.status).to.equal(201);
      }
      const res = await server.api(`/users/${ids.sA2}/aliases`, { token: t.gl, body: { alias: 'cap6' } });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('ALIAS_LIMIT');
    });

    it('is refused to outsiders, to non-managers and for peers (403), changing nothing', async () => {
      const before = await aliasCount();
      const cases: [string, string, string][] = [
        ['xm', ids.sA, 'OUTSIDE_JURISDICTION'],
        ['glInspector', ids.sA, 'ROLE_FORBIDDEN'],
        ['sA', ids.sA, 'ROLE_FORBIDDEN'],
        ['gl', ids.gl, 'OUTSIDE_JURISDICTION'],
        ['gl', ids.fz, 'OUTSIDE_JURISDICTION'],
      ];
      for (const [who, target, code] of cases) {
        const add = await server.api(`/users/${target}/aliases`, {
          token: t[who],
          body: { alias: `by_${who}` },
        });
        expect(add.status, who).to.equal(403);
        expect(add.body.error.code, who).to.equal(code);
        const list = await server.api(`/users/${target}/aliases`, { token: t[who] });
        expect(list.status, who).to.equal(403);
        const del = await server.api(`/users/${target}/aliases/gl_old_001`, {
          token: t[who],
          method: 'DELETE',
        });
        expect(del.status, who).to.equal(403);
      }
      expect(await aliasCount()).to.equal(before);
      const unknown = await server.api(`/users/${'0'.repeat(24)}/aliases`, { token: t.gl });
      expect(unknown.status).to.equal(404);
    });

    it('removes an alias; the alias no longer logs in', async () => {
      await server.api(`/users/${ids.sA}/aliases`, { token: t.gl, body: { alias: 'to_remove' } });
      const del = await server.api(`/users/${ids.sA}/aliases/to_remove`, { token: t.gl, method: 'DELETE' });
      expect(del.status).to.equal(204);
      const login = await server.api('/auth/login', { body: { account: 'to_remove', password: PASSWORD } });
      expect(login.status).to.equal(401);
      const again = await server.api(`/users/${ids.sA}/aliases/to_remove`, { token: t.gl, method: 'DELETE' });
      expect(again.status).to.equal(404);
    });
  });

  describe('POST /account-aliases/import', () => {
    it('checks every row first and names the bad rows, importing nothing', async () => {
      const before = await aliasCount();
      const csv = [
        '登录名,别名',
        'sA,imp_ok_1',
        'nobody,imp_x',
        'sA,13812345678',
        'sA,imp_ok_1',
        'sA2,gl_old_001',
        'sA,sB',
        ',imp_y',
      ].join('\n');
      const res = await upload(t.fz, csv);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('IMPORT_INVALID');
      const rows = res.body.error.details.rows.map((r: { row: number }) => r.row);
      expect(rows).to.deep.equal([3, 4, 5, 6, 7, 8]);
      expect(res.body.error.details.rows[0].message).to.match(/^第 3 行：登录名「nobody」不存在/);
      expect(res.body.error.details.rows[2].message).to.include('与第 2 行重复');
      expect(await aliasCount()).to.equal(before);
    });

    it('refuses a file naming accounts outside the jurisdiction (403 with the rows)', async () => {
      const before = await aliasCount();
      const res = await upload(t.gl, '登录名,别名\nsA,imp_gl_1\nsB,imp_gl_2\n');
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('OUTSIDE_JURISDICTION');
      expect(res.body.error.details.rows.map((r: { row: number }) => r.row)).to.deep.equal([3]);
      const school = await upload(t.sA, '登录名,别名\nsA,imp_s\n');
      expect(school.status).to.equal(403);
      expect(await aliasCount()).to.equal(before);
    });

    it('imports an XLSX; rows already in place count as unchanged; every alias logs in', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('别名');
      ws.addRow(['账号别名导入']);
      ws.addRow(['登录名', '别名']);
      ws.addRow(['sA', 'gl_old_001']);
      ws.addRow(['sB', 'xm_old_001']);
      ws.addRow(['gl', 'gl_admin_old']);
      const file = Buffer.from(await wb.xlsx.writeBuffer());
      const res = await upload(t.fz, file, XLSX);
      // 福州市 does not govern 思明 (厦门市): the whole file is refused.
      expect(res.status).to.equal(403);
      const natl = await regionUser('natl', '000000', 'admin');
      const ok = await upload(await server.login('natl', PASSWORD), file, XLSX);
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      expect(ok.body).to.deep.equal({ rows: 3, created: 2, unchanged: 1 });
      for (const [alias, loginName] of [
        ['xm_old_001', 'sB'],
        ['gl_admin_old', 'gl'],
      ]) {
        const login = await server.api('/auth/login', { body: { account: alias, password: PASSWORD } });
        expect(login.body.user?.loginName, alias).to.equal(loginName);
      }
      const audit = await AuditEntry.findOne({ action: 'account.alias.import' }).lean();
      expect(audit?.actorId?.equals(natl._id)).to.equal(true);
      expect(await User.countDocuments({ loginName: 'xm_old_001' })).to.equal(0);
    });

    it('refuses an empty upload and a file without the headers (400)', async () => {
      const empty = await upload(t.fz, '登录名,别名\n');
      expect(empty.status).to.equal(400);
      const header = await upload(t.fz, '姓名,手机\n张三,1\n');
      expect(header.status).to.equal(400);
      expect(header.body.error.code).to.equal('IMPORT_BAD_HEADER');
    });
  });
});
