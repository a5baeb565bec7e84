import { expect } from 'chai';
import { AuditEntry } from '../../../server/src/audit/model';
import {
  finishFirstLogin,
  manualClock,
  PASSWORD,
  regionUser,
  school,
  schoolAdmin,
} from '../../helpers/fixtures';
import { goodSchoolReport } from '../../helpers/reports';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-08 10:00 in Shanghai: 2026Q4's county window (1–5 Jan) has closed, the province's (11–15 Jan)
// is still ahead (seed 002 §18).
const clock = manualClock('2027-01-08T10:00:00+08:00');
const P = '2026Q4';

describe('universities: own 管理员, 审核员, 视察员, the province’s window (issue 15 item 2; seed 002 §7, §18)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  let uni: string;
  let county: string;
  const report = (id: string) => `/schools/${id}/reports/${P}`;

  before(async () => {
    server = await startTestServer('universities', { options: { clock } });
    await regionUser('fjAdmin', '350000', 'admin');
    await regionUser('glAdmin', '350102', 'admin');
    await regionUser('xmAdmin', '350200', 'admin');
    const u = await school('福建示范大学', '350000', { type: '机构' });
    const c = await school('鼓楼中心小学', '350102');
    uni = String(u._id);
    county = String(c._id);
    await schoolAdmin('uniAdmin', u);
    await schoolAdmin('countySchool', c);
    for (const name of ['fjAdmin', 'glAdmin', 'xmAdmin', 'uniAdmin', 'countySchool'])
      t[name] = await server.login(name, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  it('the province designates its direct school a university; others are refused', async () => {
    const put = (id: string, token: string, higherEducation: unknown = 'provincial') =>
      server.api(`/schools/${id}/higher-education`, { method: 'PUT', body: { higherEducation }, token });
    expect((await put(uni, t.xmAdmin)).status).to.equal(403);
    expect((await put(uni, t.glAdmin)).status).to.equal(403);
    expect((await put(uni, t.uniAdmin)).status).to.equal(403);
    expect((await put(uni, t.fjAdmin, 'federal')).status).to.equal(400);
    // A 部属高校 is the national level's (test/server/universities/ministry-universities.test.ts).
    expect((await put(uni, t.fjAdmin, 'ministry')).body.error.code).to.equal('NATIONAL_ONLY');
    const countyRes = await put(county, t.fjAdmin);
    expect(countyRes.status).to.equal(400);
    expect(countyRes.body.error.code).to.equal('NOT_PROVINCE_DIRECT');
    const res = await put(uni, t.fjAdmin);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.higherEducation).to.equal('provincial');
    expect(await AuditEntry.countDocuments({ action: 'school.higherEducation' })).to.equal(1);
  });

  it('a university gets its own 审核员 and 视察员; an ordinary school has one admin only', async () => {
    const add = (id: string, token: string, body: unknown) =>
      server.api(`/schools/${id}/staff`, { body, token });
    expect((await add(uni, t.xmAdmin, { role: 'auditor' })).status).to.equal(403);
    expect((await add(uni, t.fjAdmin, { role: 'admin' })).status).to.equal(400);
    const ordinary = await add(county, t.glAdmin, { role: 'auditor' });
    expect(ordinary.status).to.equal(409);
    expect(ordinary.body.error.code).to.equal('NOT_UNIVERSITY');
    const auditor = await add(uni, t.fjAdmin, { role: 'auditor', name: '王审核' });
    expect(auditor.status, JSON.stringify(auditor.body)).to.equal(201);
    expect(auditor.body).to.include({ role: 'auditor', name: '王审核', initialPassword: '123456' });
    const inspector = await add(uni, t.fjAdmin, { role: 'inspector' });
    expect(inspector.status).to.equal(201);
    const list = await server.api(`/schools/${uni}/staff`, { token: t.fjAdmin });
    expect(list.body.items.map((s: any) => s.role).sort()).to.deep.equal(['admin', 'auditor', 'inspector']);
    expect((await server.api(`/schools/${uni}/staff`, { token: t.xmAdmin })).status).to.equal(403);
    for (const [key, loginName] of [
      ['auditor', auditor.body.loginName],
      ['inspector', inspector.body.loginName],
    ]) {
      await finishFirstLogin(loginName);
      t[key] = await server.login(loginName, '123456');
    }
  });

  it('reports in the province’s window: its admin fills, its 审核员 reports, its 视察员 looks on', async () => {
    // The county's deadline has passed for a county school, not for the university.
    const late = await server.api(report(county), {
      method: 'PUT',
      token: t.countySchool,
      body: { data: goodSchoolReport },
    });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('DEADLINE_PASSED');
    const fill = await server.api(report(uni), {
      method: 'PUT',
      token: t.uniAdmin,
      body: { data: goodSchoolReport },
    });
    expect(fill.status, JSON.stringify(fill.body)).to.equal(200);
    expect(fill.body.level).to.equal('province');
    expect(fill.body.window.opensAt).to.match(/^2027-01-11/);
    const inspectorFill = await server.api(report(uni), {
      method: 'PUT',
      token: t.inspector,
      body: { data: goodSchoolReport },
    });
    expect(inspectorFill.status).to.equal(403);
    expect((await server.api(report(uni), { token: t.inspector })).status).to.equal(200);
    const edit = await server.api(`/schools/${uni}`, {
      method: 'PATCH',
      token: t.inspector,
      body: { address: '福州' },
    });
    expect(edit.status).to.equal(403);
    for (const who of ['uniAdmin', 'inspector']) {
      const res = await server.api(`${report(uni)}/submit`, { method: 'POST', token: t[who] });
      expect(res.status, who).to.equal(403);
      expect(res.body.error.code, who).to.equal('ROLE_REQUIRED');
    }
    const submit = await server.api(`${report(uni)}/submit`, { method: 'POST', token: t.auditor });
    expect(submit.status, JSON.stringify(submit.body)).to.equal(200);
    expect(submit.body.state).to.equal('submitted');
  });
});
