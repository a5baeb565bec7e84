import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { User } from '../../../server/src/accounts/model';
import { AuditEntry } from '../../../server/src/audit/model';
import { OutboxEvent } from '../../../server/src/outbox/model';
import { runDueDeadlines } from '../../../server/src/reports/autosubmit';
import { Report } from '../../../server/src/reports/model';
import { School } from '../../../server/src/schools/model';
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

// 2027-01-08 10:00 in Shanghai: 2026Q4's county window (1–5 Jan) has closed, the provinces' and the
// 部属高校' (11–15 Jan) is still ahead (seed 002 §18).
const clock = manualClock('2027-01-08T10:00:00+08:00');
const P = '2026Q4';

describe('部属高校: a university the national level manages, reporting to the ministry (issue 15 item 2; seed 002 §7, §13, §18)', function () {
  this.timeout(180_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  let uni: string;
  let quiet: string;
  let direct: string;
  const report = (id: string) => `/schools/${id}/reports/${P}`;
  const designate = (id: string, token: string, higherEducation: unknown) =>
    server.api(`/schools/${id}/higher-education`, { method: 'PUT', body: { higherEducation }, token });
  const progress = (code: string, token = t.natAdmin) =>
    server.api(`/regions/${code}/progress?period=${P}`, { token });

  before(async () => {
    server = await startTestServer('ministry_unis', { options: { clock } });
    await regionUser('natAdmin', '000000', 'admin');
    await regionUser('natInspector', '000000', 'inspector');
    await regionUser('fjAdmin', '350000', 'admin');
    await regionUser('fjAuditor', '350000', 'auditor');
    await regionUser('xmAdmin', '350200', 'admin');
    const u = await school('厦门部属大学', '350000', { type: '高职' });
    const q = await school('福州部属学院', '350100', { type: '高职' });
    const d = await school('福建省直中学', '350000', { type: '高中' });
    [uni, quiet, direct] = [u, q, d].map((s) => String(s._id));
    await schoolAdmin('uniAdmin', u);
    await schoolAdmin('directAdmin', d);
    for (const name of [
      'natAdmin',
      'natInspector',
      'fjAdmin',
      'fjAuditor',
      'xmAdmin',
      'uniAdmin',
      'directAdmin',
    ])
      t[name] = await server.login(name, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  it('only the national admin makes a school a 部属高校; it moves under the national level', async () => {
    for (const who of ['fjAdmin', 'fjAuditor', 'natInspector', 'uniAdmin']) {
      const res = await designate(uni, t[who], 'ministry');
      expect(res.status, who).to.equal(403);
    }
    expect((await designate(uni, t.fjAdmin, 'ministry')).body.error.code).to.equal('NATIONAL_ONLY');
    expect((await designate(uni, t.xmAdmin, 'ministry')).body.error.code).to.equal('OUTSIDE_JURISDICTION');
    expect((await designate(uni, t.natAdmin, 'federal')).status).to.equal(400);
    expect(await School.countDocuments({ regionCode: '000000' })).to.equal(0);

    const res = await designate(uni, t.natAdmin, 'ministry');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ higherEducation: 'ministry', regionCode: '000000', locatedIn: '350000' });
    expect(res.body.regionPath).to.deep.equal(['000000']);
    // A city's school too (the national level is every region's common superior).
    const other = await designate(quiet, t.natAdmin, 'ministry');
    expect(other.body).to.include({ regionCode: '000000', locatedIn: '350000' });
    // The university's own accounts move with it.
    const admin = await User.findOne({ loginName: 'uniAdmin' }).lean();
    expect(admin!.bindings[0]).to.include({ regionCode: '000000' });
    expect(admin!.bindings[0].regionPath).to.deep.equal(['000000']);
    expect(await AuditEntry.countDocuments({ action: 'school.higherEducation' })).to.equal(2);
    expect(await AuditEntry.countDocuments({ action: 'school.transfer' })).to.equal(2);
  });

  it('the province no longer governs it; the national level hands out its accounts (seed 002 §13)', async () => {
    expect((await server.api(`/schools/${uni}`, { token: t.fjAdmin })).status).to.equal(403);
    expect((await server.api(report(uni), { token: t.fjAuditor })).status).to.equal(403);
    expect((await server.api(`/schools/${uni}`, { token: t.natInspector })).status).to.equal(200);
    const fjList = await server.api('/schools?pageSize=50', { token: t.fjAdmin });
    expect(fjList.body.items.map((s: any) => s.name)).to.not.include('厦门部属大学');
    const natList = await server.api('/schools?region=000000&direct=true&pageSize=50', { token: t.natAdmin });
    expect(natList.status, JSON.stringify(natList.body)).to.equal(200);
    expect(natList.body.items.map((s: any) => s.name).sort()).to.deep.equal(['厦门部属大学', '福州部属学院']);

    const refused = await server.api(`/schools/${uni}/staff`, {
      body: { role: 'auditor' },
      token: t.fjAdmin,
    });
    expect(refused.status).to.equal(403);
    const auditor = await server.api(`/schools/${uni}/staff`, {
      body: { role: 'auditor', name: '李审核' },
      token: t.natAdmin,
    });
    expect(auditor.status, JSON.stringify(auditor.body)).to.equal(201);
    await finishFirstLogin(auditor.body.loginName);
    t.auditor = await server.login(auditor.body.loginName, '123456');
  });

  it('reports in the provinces’ window, and only the national level returns it or decides its withdrawal', async () => {
    const fill = await server.api(report(uni), {
      method: 'PUT',
      token: t.uniAdmin,
      body: { data: goodSchoolReport },
    });
    expect(fill.status, JSON.stringify(fill.body)).to.equal(200);
    expect(fill.body.level).to.equal('province');
    expect(fill.body.window.opensAt).to.match(/^2027-01-11/);
    expect(fill.body.deadline).to.match(/^2027-01-1[56]/);
    const submit = await server.api(`${report(uni)}/submit`, { method: 'POST', token: t.auditor });
    expect(submit.status, JSON.stringify(submit.body)).to.equal(200);

    const back = { reason: '数据需核对', deadline: '2027-01-14T18:00:00+08:00' };
    for (const who of ['fjAdmin', 'fjAuditor', 'xmAdmin']) {
      const res = await server.api(`${report(uni)}/return`, { body: back, token: t[who] });
      expect(res.status, who).to.equal(403);
      expect(res.body.error.code, who).to.equal('OUTSIDE_JURISDICTION');
    }
    const inspector = await server.api(`${report(uni)}/return`, { body: back, token: t.natInspector });
    expect(inspector.status).to.equal(403);
    expect(inspector.body.error.code).to.equal('UPPER_LEVEL_ONLY');
    expect((await Report.findById(`${P}:school:${uni}`).lean())!.state).to.equal('submitted');
    const returned = await server.api(`${report(uni)}/return`, { body: back, token: t.natAdmin });
    expect(returned.status, JSON.stringify(returned.body)).to.equal(200);
    expect(returned.body.state).to.equal('returned');

    expect((await server.api(`${report(uni)}/submit`, { method: 'POST', token: t.auditor })).status).to.equal(
      200,
    );
    const ask = await server.api(`${report(uni)}/withdrawal`, {
      body: { reason: '有一项填错' },
      token: t.uniAdmin,
    });
    expect(ask.status, JSON.stringify(ask.body)).to.equal(200);
    const decision = { approve: true };
    const fj = await server.api(`${report(uni)}/withdrawal/decision`, { body: decision, token: t.fjAdmin });
    expect(fj.status).to.equal(403);
    const nat = await server.api(`${report(uni)}/withdrawal/decision`, { body: decision, token: t.natAdmin });
    expect(nat.status, JSON.stringify(nat.body)).to.equal(200);
    expect(nat.body.state).to.equal('returned');
    const again = await server.api(`${report(uni)}/submit`, { method: 'POST', token: t.auditor });
    expect(again.body.state).to.equal('submitted');
  });

  it('progress counts 部属高校 under the national level, not under the province', async () => {
    // 福建省's own direct school reports too, to the province.
    const body = { data: goodSchoolReport };
    expect((await server.api(report(direct), { method: 'PUT', token: t.directAdmin, body })).status).to.equal(
      200,
    );
    expect(
      (await server.api(`${report(direct)}/submit`, { method: 'POST', token: t.directAdmin })).status,
    ).to.equal(200);
    const national = await progress('000000');
    expect(national.status, JSON.stringify(national.body)).to.equal(200);
    const row = national.body.children.find((c: any) => c.direct);
    expect(row).to.include({ code: '000000:direct', name: '部属高校', units: 2, submitted: 1 });
    const fujian = national.body.children.find((c: any) => c.code === '350000');
    expect(fujian).to.include({ units: 1, submitted: 1 });
    expect(national.body.totals).to.include({ units: 3, submitted: 2 });
    const province = await progress('350000', t.fjAdmin);
    expect(province.body.totals).to.include({ units: 1 });
    // The national level's list of units below it names them; the province's does not.
    const units = await server.api(`/regions/000000/reports?period=${P}&direct=true`, { token: t.natAdmin });
    expect(units.body.items.map((r: any) => r.unit.name)).to.include('厦门部属大学');
    const fjUnits = await server.api(`/regions/350000/reports?period=${P}`, { token: t.fjAdmin });
    expect(fjUnits.body.items.map((r: any) => r.unit.name)).to.not.include('厦门部属大学');
  });

  it('at the provinces’ deadline a 部属高校 not reported is reported as it stands, and stays submitted', async () => {
    clock.set('2027-01-16T00:05:00+08:00');
    // Eight days on, the access tokens have expired: sign in again.
    for (const name of ['natAdmin', 'fjAdmin']) t[name] = await server.login(name, PASSWORD);
    const runs = await runDueDeadlines({ clock, calendar: DEFAULT_CALENDAR }, { owner: 'test' });
    expect(runs.filter((r) => r.outcome === 'failed')).to.deep.equal([]);
    const quietReport = await Report.findById(`${P}:school:${quiet}`).lean();
    expect(quietReport).to.include({ state: 'submitted', autoSubmitted: true, regionCode: '000000' });
    // Reported by its auditor before: untouched, and not locked (the national level reports to no one).
    const uniReport = await Report.findById(`${P}:school:${uni}`).lean();
    expect(uniReport).to.include({ state: 'submitted', autoSubmitted: false });
    // The province's direct school is locked by the province's close, as before.
    expect((await Report.findById(`${P}:school:${direct}`).lean())!.state).to.equal('locked');
    const national = await progress('000000');
    expect(national.body.children.find((c: any) => c.direct)).to.include({
      units: 2,
      submitted: 2,
      autoSubmitted: 1,
      overdue: 0,
    });
    const pushed = await OutboxEvent.findOne({ _id: `deadline.passed:${P}:province:000000` }).lean();
    expect(pushed?.payload).to.include({ autoSubmittedSchools: 1 });
    // 数据统计 adds up the reported data the same way (the auto-submitted 部属高校 carries none): the nation
    // holds the 部属高校 and 福建省's direct school, the 部属高校 row the one, 福建省 its own one.
    const stats = await server.api(`/regions/000000/statistics?period=${P}&category=schoolNet`, {
      token: t.natAdmin,
    });
    expect(stats.status, JSON.stringify(stats.body)).to.equal(200);
    expect(stats.body.total.units).to.equal(2);
    expect(stats.body.children.find((c: any) => c.direct)).to.include({ name: '部属高校', units: 1 });
    expect(stats.body.children.find((c: any) => c.code === '350000')).to.include({ units: 1 });
    const fjStats = await server.api(`/regions/350000/statistics?period=${P}&category=schoolNet`, {
      token: t.fjAdmin,
    });
    expect(fjStats.body.total.units).to.equal(1);
    // Run again (a second instance, a restart): nothing changes.
    await runDueDeadlines({ clock, calendar: DEFAULT_CALENDAR }, { owner: 'test-2' });
    expect((await Report.findById(`${P}:school:${quiet}`).lean())!.history).to.have.length(1);
  });

  it('a base-data share naming the province it stands in does not move it away from the national level', async () => {
    const code = await server.api(`/basedata/schools/${uni}/code`, {
      method: 'PUT',
      body: { schoolCode: '4135010001' },
      token: t.natAdmin,
    });
    expect(code.status, JSON.stringify(code.body)).to.equal(200);
    const share = '学校标识码,学校名称,所在地区代码,学校类型\r\n4135010001,厦门部属大学,350000,高职\r\n';
    const res = await fetch(`${server.url}/api/v1/basedata/imports?kind=schools`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.natAdmin}`, 'Content-Type': 'text/csv' },
      body: share,
    });
    const preview = (await res.json()) as { counts: Record<string, number> };
    expect(res.status, JSON.stringify(preview)).to.equal(201);
    expect(preview.counts).to.include({ move: 0, unchanged: 1 });
  });

  it('only the national level gives a 部属高校 back to its province', async () => {
    expect((await designate(uni, t.fjAdmin, 'provincial')).status).to.equal(403);
    const res = await designate(uni, t.natAdmin, 'provincial');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ higherEducation: 'provincial', regionCode: '350000', locatedIn: null });
    expect((await server.api(`/schools/${uni}`, { token: t.fjAdmin })).status).to.equal(200);
    const plain = await designate(quiet, t.natAdmin, null);
    expect(plain.body).to.include({ higherEducation: null, regionCode: '350000' });
  });
});
