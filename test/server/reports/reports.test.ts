import { expect } from 'chai';
import { Report } from '../../../server/src/reports/model';
import { ProgressRollup } from '../../../server/src/reports/progress';
import { School } from '../../../server/src/schools/model';
import { AuditEntry } from '../../../server/src/audit/model';
import { OutboxEvent } from '../../../server/src/outbox/model';
import { goodSchoolReport } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');

describe('reporting workflow over HTTP', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  let schoolA: string;
  let schoolB: string;

  before(async () => {
    server = await startTestServer('reports', { options: { clock } });
    const a = await school('鼓楼实验小学', '350102');
    const b = await school('鼓楼第二小学', '350102');
    schoolA = String(a._id);
    schoolB = String(b._id);
    await schoolAdmin('schoolA', a);
    await schoolAdmin('schoolB', b);
    await regionUser('countyAdmin', '350102', 'admin');
    await regionUser('countyAuditor', '350102', 'auditor');
    await regionUser('countyInspector', '350102', 'inspector');
    await regionUser('cityAdmin', '350100', 'admin');
    await regionUser('cityAuditor', '350100', 'auditor');
    await regionUser('provinceAdmin', '350000', 'admin');
    await regionUser('otherCounty', '350103', 'admin');
    for (const name of [
      'schoolA',
      'schoolB',
      'countyAdmin',
      'countyAuditor',
      'countyInspector',
      'cityAdmin',
      'cityAuditor',
      'provinceAdmin',
      'otherCounty',
    ]) {
      t[name] = await server.login(name, PASSWORD);
    }
  });
  after(async () => {
    await server?.close();
  });

  it('GET /periods/current answers the period, each window and its deadline (injected clock)', async () => {
    const res = await server.api('/periods/current');
    expect(res.status).to.equal(200);
    expect(res.body.period).to.equal('2026Q4');
    expect(res.body.openLevels).to.deep.equal(['county']);
    expect(res.body.windows[0]).to.deep.include({
      level: 'county',
      opensAt: '2027-01-01T00:00:00+08:00',
      deadline: '2027-01-06T00:00:00+08:00',
      open: true,
    });
  });

  it('GET /periods/current tells each caller the period it works on now and its deadline', async () => {
    const anonymous = (await server.api('/periods/current')).body;
    expect(anonymous.working).to.deep.equal({
      period: '2026Q4',
      level: 'county',
      deadline: '2027-01-06T00:00:00+08:00',
      opensAt: '2027-01-01T00:00:00+08:00',
      closesAt: '2027-01-06T00:00:00+08:00',
    });
    const school = (await server.api('/periods/current', { token: t.schoolA })).body;
    expect(school.working).to.deep.include({ period: '2026Q4', level: 'county' });
    const province = (await server.api('/periods/current', { token: t.provinceAdmin })).body;
    expect(province.working).to.deep.include({
      period: '2026Q4',
      level: 'province',
      deadline: '2027-01-16T00:00:00+08:00',
    });
    // (Tokens expire as the clock moves: anonymous callers work at the schools' county level.)
    clock.set('2027-02-20T10:00:00+08:00');
    try {
      // Outside the windows every level, schools included, works on the quarter under way.
      const feb = (await server.api('/periods/current')).body;
      expect(feb.working).to.deep.include({ period: '2027Q1', deadline: '2027-04-06T00:00:00+08:00' });
      expect(feb.workingByLevel.province).to.deep.include({ period: '2027Q1' });
      clock.set('2027-01-08T10:00:00+08:00');
      const jan8 = (await server.api('/periods/current')).body;
      expect(jan8.working.period).to.equal('2027Q1');
      expect(jan8.workingByLevel.city).to.deep.include({
        period: '2026Q4',
        deadline: '2027-01-11T00:00:00+08:00',
      });
    } finally {
      clock.set('2027-01-03T10:00:00+08:00');
    }
    expect((await server.api('/periods/current', { token: 'forged' })).status).to.equal(401);
  });

  it('GET /forms/school serves the JSON Schema with Chinese labels; an unknown kind is a 400', async () => {
    const res = await server.api('/forms/school');
    expect(res.body.version).to.equal(2);
    expect(res.body.schema.properties.students.title).to.equal('在校生数');
    expect((await server.api('/forms/teacher')).status).to.equal(400);
    expect((await server.api('/forms/school?version=9')).status).to.equal(404);
  });

  describe('a school report', () => {
    const path = () => `/schools/${schoolA}/reports/2026Q4`;

    it('an unsaved report is a draft', async () => {
      const res = await server.api(path(), { token: t.schoolA });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({
        state: 'draft',
        saved: false,
        deadline: '2027-01-06T00:00:00+08:00',
      });
    });

    it('bad form data is a 400 in Chinese and stores nothing', async () => {
      const res = await server.api(path(), {
        method: 'PUT',
        token: t.schoolA,
        body: { data: { ...goodSchoolReport, students: -5 } },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('FORM_INVALID');
      expect(res.body.error.details.property).to.equal('students');
      expect(res.body.error.message).to.match(/^填报内容不合法：在校生数（students）/);
      expect(await Report.countDocuments({ _id: `2026Q4:school:${schoolA}` })).to.equal(0);
    });

    it('saves a draft and flags suspected issues on the report and the school', async () => {
      const data = { ...goodSchoolReport, campusNetwork: false };
      const res = await server.api(path(), { method: 'PUT', token: t.schoolA, body: { data } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ state: 'draft', saved: true });
      expect(res.body.issues.map((i: { code: string }) => i.code)).to.deep.equal([
        'NO_NETWORK_BUT_BANDWIDTH',
      ]);
      const s = await School.findById(schoolA).lean();
      expect(s?.issueFlags).to.deep.include({ basic: [], report: ['NO_NETWORK_BUT_BANDWIDTH'] });
    });

    it('the school confirms the flag with a note; the school list flag clears', async () => {
      const res = await server.api(`${path()}/issues/NO_NETWORK_BUT_BANDWIDTH/confirm`, {
        token: t.schoolA,
        body: { note: '学校通过运营商专线上网，未建校园网' },
      });
      expect(res.status).to.equal(200);
      expect(res.body.issues[0]).to.deep.include({ status: 'confirmed' });
      expect((await School.findById(schoolA).lean())?.issueFlags?.report).to.deep.equal([]);
    });

    it('others cannot fill it: a county admin (403), another school (403), an outsider (403)', async () => {
      for (const who of ['countyAdmin', 'schoolB', 'otherCounty']) {
        const res = await server.api(path(), {
          method: 'PUT',
          token: t[who],
          body: { data: goodSchoolReport },
        });
        expect(res.status, who).to.equal(403);
      }
      for (const who of ['schoolB', 'otherCounty']) {
        expect((await server.api(path(), { token: t[who] })).status, who).to.equal(403);
        expect(
          (await server.api(`${path()}/submit`, { method: 'POST', token: t[who] })).status,
          who,
        ).to.equal(403);
      }
    });

    it('submits; the submitted report is locked against edits (409)', async () => {
      const res = await server.api(`${path()}/submit`, { method: 'POST', token: t.schoolA });
      expect(res.status).to.equal(200);
      expect(res.body.state).to.equal('submitted');
      const edit = await server.api(path(), {
        method: 'PUT',
        token: t.schoolA,
        body: { data: goodSchoolReport },
      });
      expect(edit.status).to.equal(409);
      expect(edit.body.error.message).to.equal('报表已上报，不能修改；如需修改，请向上级提交撤报申请');
    });

    it('shows in the progress totals at once', async () => {
      const res = await server.api('/regions/350102/progress?period=2026Q4', { token: t.countyAdmin });
      expect(res.status).to.equal(200);
      expect(res.body.totals).to.deep.include({ units: 2, submitted: 1, overdue: 0, rate: 50 });
      const city = await server.api('/regions/350100/progress?period=2026Q4', { token: t.cityAdmin });
      const gulou = city.body.children.find((c: { code: string }) => c.code === '350102');
      expect(gulou).to.deep.include({ units: 2, submitted: 1 });
      expect(city.body.totals).to.deep.include({ units: 2, submitted: 1 });
    });

    it('withdrawal: the school asks, a county inspector may not decide, the county admin approves, it reopens', async () => {
      const ask = await server.api(`${path()}/withdrawal`, {
        token: t.schoolA,
        body: { reason: '学生人数填错' },
      });
      expect(ask.body.state).to.equal('withdrawalRequested');
      const inspector = await server.api(`${path()}/withdrawal/decision`, {
        token: t.countyInspector,
        body: { approve: true },
      });
      expect(inspector.status).to.equal(403);
      const approve = await server.api(`${path()}/withdrawal/decision`, {
        token: t.countyAdmin,
        body: { approve: true, reason: '同意修改' },
      });
      expect(approve.status).to.equal(200);
      // Approval returns it for changes with a time limit (seed 001 §18): here the county deadline,
      // three days from now, later than the county deadline.
      expect(approve.body).to.deep.include({
        state: 'returned',
        returnDeadline: '2027-01-06T10:00:00+08:00',
      });
      const progress = await server.api('/regions/350102/progress?period=2026Q4', { token: t.countyAdmin });
      expect(progress.body.totals.submitted).to.equal(0);
      const edit = await server.api(path(), {
        method: 'PUT',
        token: t.schoolA,
        body: { data: goodSchoolReport },
      });
      expect(edit.status).to.equal(200);
      expect(
        (await server.api(`${path()}/submit`, { method: 'POST', token: t.schoolA })).body.state,
      ).to.equal('submitted');
      const states = (await Report.findById(`2026Q4:school:${schoolA}`).lean())!.history.map((h) => h.to);
      expect(states).to.deep.equal(['submitted', 'withdrawalRequested', 'returned', 'submitted']);
      const event = await OutboxEvent.findOne({ type: 'withdrawal.decided' }).lean();
      expect(event?.payload).to.deep.include({ approved: true, unit: '鼓楼实验小学' });
      expect(
        await AuditEntry.countDocuments({ targetId: `2026Q4:school:${schoolA}` }),
      ).to.be.greaterThanOrEqual(5);
    });

    it('a period outside the ones being worked on is closed (409); a malformed one is a 400', async () => {
      const old = await server.api(`/schools/${schoolA}/reports/2025Q4`, {
        method: 'PUT',
        token: t.schoolA,
        body: { data: goodSchoolReport },
      });
      expect(old.status).to.equal(409);
      expect(old.body.error.code).to.equal('PERIOD_CLOSED');
      const bad = await server.api(`/schools/${schoolA}/reports/2026Q9`, { token: t.schoolA });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.property).to.equal('period');
    });

    it('confirm "no change" copies the last reported period', async () => {
      // School B reported 2026Q3; for 2026Q4 it confirms there is no change.
      const b = (await School.findById(schoolB).lean())!;
      await Report.create({
        _id: `2026Q3:school:${schoolB}`,
        period: '2026Q3',
        unitKind: 'school',
        schoolId: b._id,
        regionCode: b.regionCode,
        regionPath: b.regionPath,
        state: 'locked',
        data: goodSchoolReport,
      });
      const res = await server.api(`/schools/${schoolB}/reports/2026Q4/confirm`, {
        method: 'POST',
        token: t.schoolB,
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ state: 'submitted', confirmedNoChange: true });
      expect(res.body.data).to.deep.equal(goodSchoolReport);
      const c = await school('鼓楼新建小学', '350102');
      await schoolAdmin('schoolC', c);
      const none = await server.api(`/schools/${c._id}/reports/2026Q4/confirm`, {
        method: 'POST',
        token: await server.login('schoolC', PASSWORD),
      });
      expect(none.status).to.equal(409);
      expect(none.body.error.code).to.equal('NOTHING_TO_CONFIRM');
    });
  });

  describe('a county report', () => {
    const path = '/regions/350102/reports/2026Q4';
    const regionData = { platformUsed: true, platformSource: '省级提供', metroNetwork: false };

    it('the admin fills; the inspector and the auditor may not fill', async () => {
      expect(
        (await server.api(path, { method: 'PUT', token: t.countyInspector, body: { data: regionData } }))
          .status,
      ).to.equal(403);
      expect(
        (await server.api(path, { method: 'PUT', token: t.countyAuditor, body: { data: regionData } }))
          .status,
      ).to.equal(403);
      // A draft may leave a required follow-up blank; 上报 may not.
      const incomplete = await server.api(path, {
        method: 'PUT',
        token: t.countyAdmin,
        body: { data: { platformUsed: true, metroNetwork: false } },
      });
      expect(incomplete.status).to.equal(200);
      const refused = await server.api(`${path}/submit`, { method: 'POST', token: t.countyAuditor });
      expect(refused.status).to.equal(400);
      expect(refused.body.error).to.deep.include({
        code: 'FORM_INCOMPLETE',
        message: '还有 1 项必填内容未填写，不能上报：平台来源',
      });
      const res = await server.api(path, { method: 'PUT', token: t.countyAdmin, body: { data: regionData } });
      expect(res.status).to.equal(200);
    });

    it('only the auditor submits; the school under it is locked; an outsider gets 403', async () => {
      expect((await server.api(`${path}/submit`, { method: 'POST', token: t.countyAdmin })).status).to.equal(
        403,
      );
      expect((await server.api(`${path}/submit`, { method: 'POST', token: t.otherCounty })).status).to.equal(
        403,
      );
      const res = await server.api(`${path}/submit`, { method: 'POST', token: t.countyAuditor });
      expect(res.status).to.equal(200);
      expect(res.body.state).to.equal('submitted');
      expect((await Report.findById(`2026Q4:school:${schoolA}`).lean())?.state).to.equal('locked');
      expect((await Report.findById(`2026Q4:school:${schoolB}`).lean())?.state).to.equal('locked');
      const city = await server.api('/regions/350100/progress?period=2026Q4', { token: t.cityAdmin });
      const gulou = city.body.children.find((c: { code: string }) => c.code === '350102');
      expect(gulou.report).to.deep.include({
        state: 'submitted',
        stateLabel: '已上报',
        autoSubmitted: false,
      });
      expect(city.body.children.find((c: { code: string }) => c.code === '350103').report.state).to.equal(
        'draft',
      );
    });

    it('a city submitting before its window opens is refused (409) with the window in Chinese', async () => {
      await server.api('/regions/350100/reports/2026Q4', {
        method: 'PUT',
        token: t.cityAdmin,
        body: { data: regionData },
      });
      const res = await server.api('/regions/350100/reports/2026Q4/submit', {
        method: 'POST',
        token: t.cityAuditor,
      });
      expect(res.status).to.equal(409);
      expect(res.body.error.message).to.equal(
        '本级上报时间为 2027年1月6日 00:00 至 2027年1月10日 24:00，当前不在上报时间内',
      );
    });

    it('the city returns the county report with a time limit; the county fixes and resubmits', async () => {
      const ret = await server.api(`${path}/return`, {
        token: t.cityAdmin,
        body: { reason: '城域网情况与实际不符', deadline: '2027-01-08T18:00:00+08:00' },
      });
      expect(ret.status).to.equal(200);
      expect(ret.body).to.deep.include({ state: 'returned', returnDeadline: '2027-01-08T18:00:00+08:00' });
      expect(
        (
          await server.api(`${path}/return`, {
            token: t.otherCounty,
            body: { reason: '无权', deadline: '2027-01-08T18:00:00+08:00' },
          })
        ).status,
      ).to.equal(403);
      clock.set('2027-01-07T09:00:00+08:00'); // past the county deadline, within the time limit
      for (const name of Object.keys(t)) t[name] = await server.login(name, PASSWORD); // tokens expired
      const fix = await server.api(path, {
        method: 'PUT',
        token: t.countyAdmin,
        body: { data: { ...regionData, metroNetwork: true, metroBandwidth: '1G', carriers: ['电信'] } },
      });
      expect(fix.status).to.equal(200);
      const again = await server.api(`${path}/submit`, { method: 'POST', token: t.countyAuditor });
      expect(again.body.state).to.equal('submitted');
      const event = await OutboxEvent.findOne({ type: 'report.returned' }).lean();
      expect(event?.payload).to.deep.include({ reason: '城域网情况与实际不符' });
    });

    it('a return deadline in the past is a 400', async () => {
      const res = await server.api(`${path}/return`, {
        token: t.cityAdmin,
        body: { reason: '再次退回', deadline: '2027-01-01T00:00:00+08:00' },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('RETURN_DEADLINE_PAST');
    });

    it('after the deadline an unsubmitted unit cannot edit (409 DEADLINE_PASSED)', async () => {
      const res = await server.api('/regions/350103/reports/2026Q4', {
        method: 'PUT',
        token: t.otherCounty,
        body: { data: regionData },
      });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('DEADLINE_PASSED');
      expect(res.body.error.message).to.match(/^本级上报截止时间 2027年1月5日 24:00 已过，不能再填报或上报/);
    });
  });

  describe('supervision of what was reported', () => {
    it('progress: an outsider gets 403, a bad period 400; the recount repairs a corrupted rollup', async () => {
      expect((await server.api('/regions/350100/progress', { token: t.otherCounty })).status).to.equal(403);
      expect(
        (await server.api('/regions/350102/progress?period=x', { token: t.countyAdmin })).status,
      ).to.equal(400);
      // A school was added after the first count (units are refreshed by the recount, see docs).
      await server.api('/regions/350100/progress/recount?period=2026Q4', {
        method: 'POST',
        token: t.cityAdmin,
      });
      const before = (await server.api('/regions/350100/progress?period=2026Q4', { token: t.cityAdmin }))
        .body;
      await ProgressRollup.collection.updateOne(
        { _id: '2026Q4:350100' as any },
        { $set: { 'totals.submitted': 999, 'totals.units': 5 } },
      );
      const corrupted = (await server.api('/regions/350100/progress?period=2026Q4', { token: t.cityAdmin }))
        .body;
      expect(corrupted.totals.units).to.equal(5);
      const recount = await server.api('/regions/350100/progress/recount?period=2026Q4', {
        method: 'POST',
        token: t.cityAdmin,
      });
      expect(recount.status).to.equal(200);
      const after = (await server.api('/regions/350100/progress?period=2026Q4', { token: t.cityAdmin })).body;
      expect(after.totals).to.deep.equal(before.totals);
      expect(
        (await server.api('/regions/350100/progress/recount', { method: 'POST', token: t.otherCounty }))
          .status,
      ).to.equal(403);
      // An inspector reads progress but may not trigger the recount (a heavy write).
      expect((await server.api('/regions/350102/progress', { token: t.countyInspector })).status).to.equal(
        200,
      );
      const byInspector = await server.api('/regions/350102/progress/recount', {
        method: 'POST',
        token: t.countyInspector,
      });
      expect(byInspector.status).to.equal(403);
      expect(byInspector.body.error).to.deep.include({
        code: 'ROLE_REQUIRED',
        message: '只有管理员或审核员可以重新统计上报进度',
      });
    });

    it('supervision lists per child the schools initialized and reported', async () => {
      const res = await server.api('/regions/350100/supervision?period=2026Q4', { token: t.cityAdmin });
      expect(res.status).to.equal(200);
      const gulou = res.body.rows.find((r: { code: string }) => r.code === '350102');
      expect(gulou).to.deep.include({ schools: 3, schoolsReported: 3, schoolsInitialized: 2 });
      expect(gulou.admins).to.deep.equal({ total: 3, initialized: 0 });
      expect((await server.api('/regions/350100/supervision', { token: t.schoolA })).status).to.equal(403);
    });

    it('project school: the school declares, the county confirms; others get 403', async () => {
      expect(
        (
          await server.api(`/schools/${schoolA}/project-school`, {
            method: 'PUT',
            token: t.schoolB,
            body: { declared: true },
          })
        ).status,
      ).to.equal(403);
      const declare = await server.api(`/schools/${schoolA}/project-school`, {
        method: 'PUT',
        token: t.schoolA,
        body: { declared: true },
      });
      expect(declare.body.projectSchool).to.equal('declared');
      expect(
        (
          await server.api(`/schools/${schoolA}/project-school/confirm`, {
            token: t.otherCounty,
            body: { isProjectSchool: true },
          })
        ).status,
      ).to.equal(403);
      const confirm = await server.api(`/schools/${schoolA}/project-school/confirm`, {
        token: t.countyAdmin,
        body: { isProjectSchool: true },
      });
      expect(confirm.body.projectSchool).to.equal('confirmed');
      expect((await School.findById(schoolA).lean())?.projectSchool).to.equal('confirmed');
    });
  });
});
