// GET /regions/{code}/reports: the reports below a region, by state, auto-submission and directness,
// for the mini-program's supervision and review pages; jurisdiction and bad input.
import { expect } from 'chai';
import { goodSchoolReport } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const PERIOD = '2026Q4';

describe('GET /regions/{code}/reports (reports of the units below a region)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  let schoolA: string;
  let schoolB: string;

  before(async () => {
    server = await startTestServer('unit_reports', { options: { clock } });
    const a = await school('鼓楼实验小学', '350102');
    const b = await school('鼓楼第二小学', '350102');
    schoolA = String(a._id);
    schoolB = String(b._id);
    await schoolAdmin('urSchoolA', a);
    await schoolAdmin('urSchoolB', b);
    await regionUser('urCountyAdmin', '350102', 'admin');
    await regionUser('urCountyInspector', '350102', 'inspector');
    await regionUser('urCityAuditor', '350100', 'auditor');
    await regionUser('urOtherCounty', '350103', 'admin');
    for (const n of [
      'urSchoolA',
      'urSchoolB',
      'urCountyAdmin',
      'urCountyInspector',
      'urCityAuditor',
      'urOtherCounty',
    ])
      t[n] = await server.login(n, PASSWORD);
    for (const [id, token] of [
      [schoolA, t.urSchoolA],
      [schoolB, t.urSchoolB],
    ]) {
      const put = await server.api(`/schools/${id}/reports/${PERIOD}`, {
        method: 'PUT',
        token,
        body: { data: goodSchoolReport },
      });
      expect(put.status).to.equal(200);
    }
    const submitted = await server.api(`/schools/${schoolA}/reports/${PERIOD}/submit`, {
      method: 'POST',
      token: t.urSchoolA,
    });
    expect(submitted.status).to.equal(200);
    const withdrawal = await server.api(`/schools/${schoolA}/reports/${PERIOD}/withdrawal`, {
      token: t.urSchoolA,
      body: { reason: '漏报新建多媒体教室，申请撤报补充' },
    });
    expect(withdrawal.status).to.equal(200);
  });
  after(async () => {
    await server?.close();
  });

  it('lists the withdrawal requests below the county with the unit, its region and the reason', async () => {
    const res = await server.api(`/regions/350102/reports?period=${PERIOD}&state=withdrawalRequested`, {
      token: t.urCountyAdmin,
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ period: PERIOD, total: 1, page: 1 });
    expect(res.body.items[0]).to.deep.include({
      state: 'withdrawalRequested',
      stateLabel: '撤报申请中',
      autoSubmitted: false,
      lastReason: '漏报新建多媒体教室，申请撤报补充',
    });
    expect(res.body.items[0].unit).to.deep.equal({
      kind: 'school',
      id: schoolA,
      name: '鼓楼实验小学',
      regionCode: '350102',
      regionName: '鼓楼区',
    });
  });

  it('filters by state and directness; the city sees its county’s schools, not as direct units', async () => {
    const drafts = await server.api(`/regions/350102/reports?period=${PERIOD}&state=draft`, {
      token: t.urCountyInspector,
    });
    expect(drafts.status, JSON.stringify(drafts.body)).to.equal(200);
    expect(drafts.body.items.map((r: any) => r.unit.id)).to.deep.equal([schoolB]);
    const city = await server.api(`/regions/350100/reports?period=${PERIOD}`, { token: t.urCityAuditor });
    expect(city.body.total).to.equal(2);
    const cityDirect = await server.api(`/regions/350100/reports?period=${PERIOD}&direct=true`, {
      token: t.urCityAuditor,
    });
    expect(cityDirect.body.total).to.equal(0);
    const auto = await server.api(`/regions/350102/reports?period=${PERIOD}&autoSubmitted=true`, {
      token: t.urCountyAdmin,
    });
    expect(auto.body.total).to.equal(0);
  });

  it('answers 403 to an outsider and to a school, and a zh-CN 400 to a bad state', async () => {
    const outsider = await server.api(`/regions/350102/reports?period=${PERIOD}`, {
      token: t.urOtherCounty,
    });
    expect(outsider.status).to.equal(403);
    expect(outsider.body.error.code).to.equal('OUTSIDE_JURISDICTION');
    const school = await server.api(`/regions/350102/reports?period=${PERIOD}`, { token: t.urSchoolA });
    expect(school.status).to.equal(403);
    const bad = await server.api(`/regions/350102/reports?state=finished`, { token: t.urCountyAdmin });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/报表状态/);
  });
});
