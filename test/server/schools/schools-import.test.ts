import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { User, type UserDoc } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { AuditEntry } from '../../../server/src/audit/model';
import { School, SchoolImport, type SchoolDoc } from '../../../server/src/schools/model';
import { IMPORT_STALE_MS, resumeInterruptedImports } from '../../../server/src/schools/service';
import { startTestServer, type TestServer } from '../../helpers/server';
import { buildXlsx, inlineCell } from '../../helpers/xlsx-parts';

const PASSWORD = 'Pass12345';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADERS = [
  '学校名称',
  '学校类型',
  '所属地区代码',
  '是否薄弱学校',
  '学制',
  '办别',
  '城乡类型',
  '学校地址',
  '学校邮编',
];

async function xlsxOf(rows: unknown[][], headers: string[] = HEADERS): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('学校');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('POST /schools/import (seed 000 §2.2)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};

  async function upload(
    token: string,
    file: Buffer,
    opts: { multipart?: boolean; query?: string; contentType?: string } = {},
  ) {
    const url = `${server.url}/api/v1/schools/import${opts.query ?? ''}`;
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    let body: FormData | Blob;
    if (opts.multipart ?? true) {
      const form = new FormData();
      form.append('file', new Blob([file], { type: XLSX }), '学校导入.xlsx');
      body = form;
    } else {
      headers['Content-Type'] = opts.contentType ?? XLSX;
      body = new Blob([file]);
    }
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as any };
  }

  before(async () => {
    server = await startTestServer('schools_import');
    const hash = await hashPassword(PASSWORD);
    const region = (role: string, code: string, regionPath: string[]) => ({
      kind: 'region',
      role,
      regionCode: code,
      regionPath,
    });
    const users: [string, Record<string, unknown>][] = [
      ['fz', region('admin', '350100', ['000000', '350000'])],
      ['fzInspector', region('inspector', '350100', ['000000', '350000'])],
      ['xm', region('admin', '350200', ['000000', '350000'])],
    ];
    for (const [loginName, binding] of users) {
      await User.create({
        loginName,
        name: loginName,
        passwordHash: hash,
        mustChangePassword: false,
        bindings: [binding],
      });
      t[loginName] = await server.login(loginName, PASSWORD);
    }
    const existing = await server.api('/schools', {
      token: t.fz,
      body: { name: '鼓楼已有小学', type: '小学', regionCode: '350102' },
    });
    expect(existing.status).to.equal(201);
    t.school = await server.login(existing.body.admin.loginName, '123456');
  });
  after(async () => {
    await server?.close();
  });

  it('validates every row, reports each bad one by row number in Chinese, imports nothing', async () => {
    const schools = await School.countDocuments();
    const users = await User.countDocuments();
    const file = await xlsxOf([
      ['鼓楼导入一小', '小学', '350102', '否'], // row 2: fine
      ['', '小学', '350102'], // row 3: no name
      ['鼓楼导入二小', '小学', '3501'], // row 4: bad code
      ['某大学', '大学', '350102'], // row 5: bad type
      ['鼓楼导入一小', '初中', '350102'], // row 6: duplicate of row 2
      ['鼓楼已有小学', '小学', '350102'], // row 7: already exists
      ['思明导入小学', '小学', '350203'], // row 8: outside the city
      ['鼓楼导入三小', '小学', '359999', '也许'], // row 9: unknown region and bad 是否
      ['鼓楼导入四小', '小学', '350102', '是', '六三制', '民办', '乡村', '地址', '1234'], // row 10: postcode
      ['鼓楼导入五小', '小学', '000000'], // row 11: national
    ]);
    const res = await upload(t.fz, file);
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('IMPORT_INVALID');
    expect(res.body.error.message).to.match(/^导入文件中有 9 行数据有误，未导入任何学校/);
    const messages = res.body.error.details.rows.map((r: { message: string }) => r.message);
    expect(messages).to.include.members([
      '第 3 行：学校名称不能为空',
      '第 4 行：所属地区代码「3501」应为 6 位数字',
      '第 5 行：学校类型「大学」不在可选范围内',
      '第 6 行：学校名称「鼓楼导入一小」与第 2 行重复（同一地区）',
      '第 7 行：地区「鼓楼区」已有名为「鼓楼已有小学」的学校',
      '第 8 行：地区「思明区」（350203）不在您的管辖范围内',
      '第 9 行：所属地区代码「359999」不存在',
      '第 9 行：是否薄弱学校「也许」应填写「是」或「否」',
      '第 10 行：学校邮编「1234」应为 6 位数字',
      '第 11 行：地区「全国」（000000）不在您的管辖范围内',
    ]);
    expect(res.body.error.details.rows.map((r: { row: number }) => r.row)).to.not.include(2);
    expect(res.body.error.details.badRows).to.equal(9);
    expect(await School.countDocuments()).to.equal(schools);
    expect(await User.countDocuments()).to.equal(users);
  });

  it('imports every row with its admin account (multipart upload)', async () => {
    const file = await xlsxOf([
      ['鼓楼导入一小', '小学', '350102', '是', '六三制', '教育部门', '城区', '鼓楼区导入路 1 号', '350001'],
      ['鼓楼导入二小', '9年一贯制', 350102],
      ['福州直管导入中学', '高中', '350100'],
      ['', '', ''],
      ['台江导入幼儿园', '幼儿园', '350103', '否'],
    ]);
    const res = await upload(t.fz, file);
    expect(res.status).to.equal(201);
    expect(res.body.created).to.equal(4);
    expect(res.body.initialPassword).to.equal('123456');
    expect(res.body.schools.map((s: { name: string }) => s.name)).to.deep.equal([
      '鼓楼导入一小',
      '鼓楼导入二小',
      '福州直管导入中学',
      '台江导入幼儿园',
    ]);
    const first = await School.findOne({ name: '鼓楼导入一小' }).lean<SchoolDoc>();
    expect(first).to.deep.include({
      type: '小学',
      regionCode: '350102',
      weak: true,
      schoolSystem: '六三制',
      address: '鼓楼区导入路 1 号',
      postcode: '350001',
      status: '正常',
      initialized: false,
    });
    expect(first!.regionPath).to.deep.equal(['000000', '350000', '350100', '350102']);
    expect(first!.setup).to.equal(undefined);
    expect(await SchoolImport.countDocuments({ state: 'done' })).to.equal(1);
    expect((await School.findOne({ name: '鼓楼导入二小' }).lean<SchoolDoc>())!.type).to.equal('九年一贯制');
    const loginName = res.body.schools[0].loginName;
    expect(loginName).to.match(/^s350102\d{4}$/);
    const admin = await User.findOne({ loginName }).lean<UserDoc>();
    expect(admin!.mustChangePassword).to.equal(true);
    expect(String(admin!.bindings[0].schoolId)).to.equal(String(first!._id));
    const login = await server.api('/auth/login', { body: { account: loginName, password: '123456' } });
    expect(login.status).to.equal(200);
    const audit = await AuditEntry.find({ action: 'school.import' }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0].changes.created).to.deep.equal({ before: null, after: 4 });
    expect(audit[0].changes.schools.after).to.include(`${first!._id} 350102 鼓楼导入一小 ${loginName}`);
  });

  it('resumeInterruptedImports() finishes a written import (accounts, list rows) and leaves a live one alone', async () => {
    // The list index of 鼓楼区 is built before the crash, so the rows must be written by the resume.
    const listed = async () =>
      (await server.api('/schools?region=350102&q=%E4%B8%AD%E6%96%AD&page=1&pageSize=20', { token: t.fz }))
        .body;
    expect((await listed()).total).to.equal(0);
    const school = await School.create({
      name: '中断导入小学',
      type: '小学',
      regionCode: '350102',
      regionPath: ['000000', '350000', '350100', '350102'],
    });
    const longAgo = new Date(Date.now() - 120_000);
    await SchoolImport.create({
      _id: 'crashed-import',
      state: 'writing',
      schoolIds: [school._id],
      created: 0,
      startedAt: longAgo,
      beatAt: longAgo,
    });
    // Another instance's import that still beats is not touched.
    await SchoolImport.create({
      _id: 'live-import',
      state: 'writing',
      schoolIds: [],
      created: 0,
      startedAt: new Date(),
      beatAt: new Date(),
      owner: 'another-host:1',
    });
    const resumed = await resumeInterruptedImports({ clock: () => new Date() });
    expect(resumed).to.include({ finished: 1, rolledBack: 0, waiting: 1 });
    expect(resumed.retryInMs)
      .to.be.greaterThan(0)
      .and.at.most(IMPORT_STALE_MS + 100);
    const admin = await User.findOne({ 'bindings.schoolId': school._id }).lean<UserDoc>();
    expect(admin!.loginName).to.match(/^s350102\d{4}$/);
    expect(admin!.mustChangePassword).to.equal(true);
    const job = await SchoolImport.findById('crashed-import').lean();
    expect(job).to.deep.include({ state: 'done', created: 1 });
    expect((await SchoolImport.findById('live-import').lean())!.state).to.equal('writing');
    expect((await listed()).items.map((s: { name: string }) => s.name)).to.deep.equal(['中断导入小学']);
    const audit = await AuditEntry.find({ targetId: 'crashed-import' }).lean();
    expect(audit.map((a) => [a.action, a.changes.resumed?.after])).to.deep.equal([['school.import', true]]);
    await SchoolImport.deleteOne({ _id: 'live-import' });
  });

  it('accepts a raw XLSX body and a default region for rows that leave the code empty', async () => {
    const file = await xlsxOf([
      ['仓山导入小学', '小学'],
      ['仓山导入中学', '初中', ''],
    ]);
    const res = await upload(t.fz, file, { multipart: false, query: '?regionCode=350104' });
    expect(res.status).to.equal(201);
    expect(res.body.schools.map((s: { regionCode: string }) => s.regionCode)).to.deep.equal([
      '350104',
      '350104',
    ]);
  });

  it('imports files other programs write (OpenXML SDK prefixes, absolute part names, no cell references) and padded numbers as shown', async () => {
    const x = 'x:';
    const row = (...cells: string[]) => `<${x}row>${cells.join('')}</${x}row>`;
    const file = await buildXlsx({
      prefix: 'x',
      absoluteTargets: true,
      rows:
        row(...['学校名称', '学校类型', '所属地区代码', '学校邮编'].map((h) => inlineCell(h, undefined, x))) +
        row(
          inlineCell('鼓楼格式导入小学', undefined, x),
          inlineCell('小学', undefined, x),
          `<${x}c><${x}v>350102</${x}v></${x}c>`,
          `<${x}c s="1"><${x}v>10010</${x}v></${x}c>`,
        ),
      styles: { numFmts: { 164: '000000' }, cellXfs: [0, 164] },
    });
    const res = await upload(t.fz, file);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const school = await School.findOne({ name: '鼓楼格式导入小学' }).lean<SchoolDoc>();
    expect(school).to.deep.include({ regionCode: '350102', postcode: '010010' });
  });

  it('imports workbooks LibreOffice saved: formula results, merged cells, padded numbers; a #N/A is a row error', async () => {
    const fixture = (name: string) =>
      readFileSync(join(process.cwd(), 'test', 'fixtures', 'other-programs', name));
    const bad = await upload(t.fz, fixture('libreoffice-formula-na.xlsx'));
    expect(bad.status, JSON.stringify(bad.body)).to.equal(400);
    expect(bad.body.error.details.rows).to.deep.equal([
      { row: 4, field: 'name', message: '第 4 行：「学校名称」公式的计算结果是错误值 #N/A' },
    ]);
    const good = await upload(t.fz, fixture('libreoffice-schools.xlsx'));
    expect(good.status, JSON.stringify(good.body)).to.equal(201);
    const schools = await School.find({ name: /LibreOffice/ })
      .sort({ name: 1 })
      .lean<SchoolDoc[]>();
    expect(schools.map((s) => [s.name, s.type, s.regionCode, s.postcode ?? null])).to.deep.equal([
      ['鼓楼区LibreOffice合并乙小学', '小学', '350102', null],
      ['鼓楼区LibreOffice合并甲小学', '小学', '350102', '010010'],
    ]);
  });

  it('round-trips the downloaded template', async () => {
    const download = await fetch(`${server.url}/api/v1/schools/import-template`, {
      headers: { Authorization: `Bearer ${t.fz}` },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download.arrayBuffer()) as ArrayBuffer);
    const sheet = workbook.getWorksheet('学校')!;
    sheet.getRow(2).values = ['晋安模板小学', '小学', '350111', '否'];
    sheet.getRow(2).commit();
    const res = await upload(t.fz, Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(res.status).to.equal(201);
    expect(res.body.created).to.equal(1);
  });

  it('rejects files that are not the template, in Chinese', async () => {
    const cases: [Buffer, string, string][] = [
      [Buffer.from('not a spreadsheet'), 'IMPORT_BAD_HEADER', '学校名称'],
      [Buffer.from('d0cf11e0a1b11ae10000', 'hex'), 'IMPORT_UNSUPPORTED_FORMAT', '请另存为 XLSX 或 CSV'],
      [await xlsxOf([['x', 'y']], ['名称', '类型']), 'IMPORT_BAD_HEADER', '学校名称'],
      [await xlsxOf([['某小学', '350102']], ['学校名称', '所属地区代码']), 'IMPORT_BAD_HEADER', '学校类型'],
      [await xlsxOf([]), 'IMPORT_EMPTY', '没有学校数据'],
    ];
    for (const [file, code, text] of cases) {
      const res = await upload(t.fz, file);
      expect(res.status, code).to.equal(400);
      expect(res.body.error.code).to.equal(code);
      expect(res.body.error.message).to.include(text);
    }
    const json = await server.api('/schools/import', { token: t.fz, body: { rows: [] } });
    expect(json.status).to.equal(415);
    expect(json.body.error.message).to.include('multipart/form-data');
    const noFile = await fetch(`${server.url}/api/v1/schools/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.fz}` },
      body: (() => {
        const form = new FormData();
        form.append('note', 'hello');
        return form;
      })(),
    });
    expect(noFile.status).to.equal(400);
    const badQuery = await upload(t.fz, await xlsxOf([['a小学', '小学']]), { query: '?regionCode=abc' });
    expect(badQuery.status).to.equal(400);
  });

  it('403 for read-only roles, school admins, outsiders of the default region', async () => {
    const schools = await School.countDocuments();
    const file = await xlsxOf([['越权导入小学', '小学', '350102']]);
    const inspector = await upload(t.fzInspector, file);
    expect(inspector.status).to.equal(403);
    expect(inspector.body.error.code).to.equal('ROLE_FORBIDDEN');
    const school = await upload(t.school, file);
    expect(school.status).to.equal(403);
    const outside = await upload(t.xm, file, { query: '?regionCode=350102' });
    expect(outside.status).to.equal(403);
    expect(outside.body.error.code).to.equal('OUTSIDE_JURISDICTION');
    const rowOutside = await upload(t.xm, file);
    expect(rowOutside.status).to.equal(400);
    expect(rowOutside.body.error.details.rows[0].message).to.equal(
      '第 2 行：地区「鼓楼区」（350102）不在您的管辖范围内',
    );
    expect(await School.countDocuments()).to.equal(schools);
  });
});
