import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { Report } from '../../../server/src/reports/model';
import { manualClock, PASSWORD, plainSchool, regionUser, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// Seed 000 §4.1 首次登陆: 第一步 个人信息, 第二步 地区信息化情况 (the region form) before other work.
describe('region admins’ first login: the region form (seed 000 §4.1)', function () {
  this.timeout(60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  const t: Record<string, string> = {};
  const regionData = { platformUsed: true, platformSource: '省级提供', metroNetwork: false };

  const done = (loginName: string) =>
    User.updateOne({ loginName }, { $set: { profileCompleted: true, mustChangePassword: false } });

  before(async () => {
    server = await startTestServer('first_login_region', { options: { clock } });
    await regionUser('gl', '350102', 'admin');
    await regionUser('gl2', '350102', 'admin');
    await regionUser('glAuditor', '350102', 'auditor');
    await regionUser('tj', '350103', 'admin');
    await regionUser('natl', '000000', 'admin');
    await schoolAdmin('sA', await plainSchool('鼓楼第一中心小学', '350102'));
    for (const u of ['gl', 'gl2', 'glAuditor', 'natl', 'sA']) await done(u);
    // 台江区's admin has not completed the profile: the steps come in order, the form only after it.
    for (const u of ['gl', 'gl2', 'glAuditor', 'tj', 'natl', 'sA']) t[u] = await server.login(u, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  it('refuses other work with 403 FIRST_LOGIN_REQUIRED naming the step, region and period', async () => {
    const res = await server.api('/schools', { token: t.gl });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('FIRST_LOGIN_REQUIRED');
    expect(res.body.error.details).to.deep.equal({
      pendingSteps: ['fillRegionForm'],
      regionCode: '350102',
      period: '2026Q4',
    });
    expect(res.body.error.message).to.include('地区信息化情况');
    const me = await server.api('/me', { token: t.gl });
    expect(me.status).to.equal(200);
    expect(me.body.pendingSteps).to.deep.equal(['fillRegionForm']);
  });

  it('asks nobody else: auditors, the national level, school admins, nor an admin before the profile', async () => {
    for (const who of ['glAuditor', 'natl', 'sA', 'tj']) {
      const me = await server.api('/me', { token: t[who] });
      expect(me.body.pendingSteps, who).to.not.include('fillRegionForm');
    }
    expect((await server.api('/regions/350103/progress?period=2026Q4', { token: t.tj })).status).to.equal(
      200,
    );
    expect((await server.api('/schools', { token: t.glAuditor })).status).to.equal(200);
  });

  it('keeps jurisdiction on the routes open during the step (an outsider’s region: 403, nothing written)', async () => {
    const other = await server.api('/regions/350103/reports/2026Q4', {
      method: 'PUT',
      token: t.gl,
      body: { data: regionData },
    });
    expect(other.status).to.equal(403);
    expect(other.body.error.code).to.not.equal('FIRST_LOGIN_REQUIRED');
    expect(await Report.exists({ _id: '2026Q4:region:350103' })).to.equal(null);
  });

  it('refuses a bad form (400) and stays on the step', async () => {
    const bad = await server.api('/regions/350102/reports/2026Q4', {
      method: 'PUT',
      token: t.gl,
      body: { data: { platformUsed: '是' } },
    });
    expect(bad.status).to.equal(400);
    expect((await server.api('/schools', { token: t.gl })).status).to.equal(403);
  });

  it('an incomplete draft is saved but does not finish the step (the form needs every required answer)', async () => {
    const draft = await server.api('/regions/350102/reports/2026Q4', {
      method: 'PUT',
      token: t.gl,
      body: { data: { platformUsed: true } },
    });
    expect(draft.status, JSON.stringify(draft.body)).to.equal(200);
    expect((await server.api('/schools', { token: t.gl })).status).to.equal(403);
    expect((await server.api('/me', { token: t.gl })).body.pendingSteps).to.include('fillRegionForm');
  });

  it('opens everything once the region form is saved, for every admin of the region', async () => {
    const form = await server.api('/forms/region', { token: t.gl });
    expect(form.status).to.equal(200);
    const read = await server.api('/regions/350102/reports/2026Q4', { token: t.gl });
    expect(read.status).to.equal(200);
    const save = await server.api('/regions/350102/reports/2026Q4', {
      method: 'PUT',
      token: t.gl,
      body: { data: regionData },
    });
    expect(save.status, JSON.stringify(save.body)).to.equal(200);
    expect((await server.api('/schools', { token: t.gl })).status).to.equal(200);
    expect((await server.api('/me', { token: t.gl })).body.pendingSteps).to.deep.equal([]);
    expect((await server.api('/schools', { token: t.gl2 })).status).to.equal(200);
  });

  it('asks a profile-completed admin of a region whose report was never saved by a person', async () => {
    await done('tj');
    // An auto-submitted report (no person saved it) does not count as the form filled.
    await Report.create({
      _id: '2026Q3:region:350103',
      period: '2026Q3',
      unitKind: 'region',
      regionCode: '350103',
      regionPath: ['000000', '350000', '350100'],
      state: 'submitted',
      autoSubmitted: true,
      version: 1,
      history: [{ at: new Date('2026-10-06T00:00:00+08:00'), from: 'draft', to: 'submitted', auto: true }],
    });
    const res = await server.api('/schools', { token: t.tj });
    expect(res.status).to.equal(403);
    expect(res.body.error.details.pendingSteps).to.deep.equal(['fillRegionForm']);
  });
});
