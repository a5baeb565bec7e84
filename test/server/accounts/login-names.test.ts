// One login-name format for school admins wherever the account is made (README): `s` + managing region
// code + 4-digit sequence — creation, import and replacement draw from the same sequence, never twice.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { User } from '../../../server/src/accounts/model';
import { PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('school-admin login names', function () {
  this.timeout(120_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer('login_names');
    await regionUser('taijiang', '350103', 'admin');
    // An account made before the counter existed (demo data, an older server) is never given again.
    await User.create({
      loginName: 's3501030001',
      name: '旧账号',
      passwordHash: 'x',
      mustChangePassword: false,
    });
    token = await server.login('taijiang', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  it('creation, replacement and import continue one sequence per region', async () => {
    const created: string[] = [];
    for (const name of ['台江一小', '台江二小']) {
      const res = await server.api('/schools', { token, body: { name, type: '小学', regionCode: '350103' } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      created.push(res.body.admin.loginName);
    }
    expect(created).to.deep.equal(['s3501030002', 's3501030003']);

    const schoolId = (await server.api('/schools?q=台江一小', { token })).body.items[0].id;
    const replaced = await server.api(`/schools/${schoolId}/admins`, { token, body: { name: '新管理员' } });
    expect(replaced.status, JSON.stringify(replaced.body)).to.equal(201);
    expect(replaced.body.admin.loginName).to.equal('s3501030004');

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('学校');
    sheet.addRow(['学校名称', '学校类型', '所属地区代码']);
    sheet.addRow(['台江三小', '小学', '350103']);
    sheet.addRow(['台江四小', '小学', '350103']);
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(await workbook.xlsx.writeBuffer())], { type: XLSX }), 'x.xlsx');
    const res = await fetch(`${server.url}/api/v1/schools/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await res.json()) as { schools: { loginName: string }[] };
    expect(res.status, JSON.stringify(body)).to.equal(201);
    expect(body.schools.map((s) => s.loginName).sort()).to.deep.equal(['s3501030005', 's3501030006']);
  });
});
