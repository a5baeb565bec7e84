// The demo world's trainings (issue 5): alive statistics on first start.
import { expect } from 'chai';
import { REGION_DEMO_PASSWORD } from '../../../server/src/demo/world';
import { Teacher } from '../../../server/src/teachers/model';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('demo world: two trainings with records on first start', function () {
  this.timeout(180_000);
  let server: TestServer;
  let token: string;
  const clock = () => new Date('2026-11-24T10:00:00+08:00');

  before(async () => {
    server = await startTestServer('demo_trainings', { env: { DEMO_DATA: '1' }, options: { clock } });
    token = await server.login('350000admin', REGION_DEMO_PASSWORD);
  });
  after(() => server?.close());

  it('lists one running and one ended training of the demo province', async () => {
    const res = await server.api('/trainings', { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.items.map((t: { status: string }) => t.status).sort()).to.deep.equal([
      'ended',
      'running',
    ]);
    for (const t of res.body.items) expect(t).to.include({ regionCode: '350000' });
  });

  it('has statistics with learners, completers and unverified teachers in them', async () => {
    const teachers = await Teacher.countDocuments({ regionPath: '350000' });
    const trainings = (await server.api('/trainings', { token })).body.items;
    expect(trainings.length).to.be.greaterThan(0);
    for (const t of trainings) {
      const all = (await server.api(`/trainings/${t.id}/stats`, { token })).body;
      const verified = (await server.api(`/trainings/${t.id}/stats?includeUnverified=false`, { token })).body;
      const total = all.total;
      expect(total.participants, t.name)
        .to.be.greaterThan(teachers / 2)
        .and.at.most(teachers);
      expect(total.learners).to.be.greaterThan(0).and.lessThan(total.participants);
      expect(total.completers).to.be.greaterThan(0).and.lessThan(total.learners);
      expect(total.completers + total.nonCompleters).to.equal(total.participants);
      expect(verified.total.participants).to.be.greaterThan(0).and.lessThan(total.participants);
      // The cities below the province, each drillable.
      expect(all.children.length).to.be.greaterThan(1);
    }
  });

  it('has 专任教师数 loaded: 参训率 is a figure for the province and each city', async () => {
    const running = (await server.api('/trainings', { token })).body.items[0];
    const stats = (await server.api(`/trainings/${running.id}/stats`, { token })).body;
    expect(stats.total.participationRate).to.be.a('number').and.greaterThan(0).and.at.most(100);
    // Every child region has a figure; the row of the province's direct schools has no 专任教师数 of its own.
    const regions = stats.children.filter((c: { name: string }) => !c.name.includes('直属'));
    expect(regions.length).to.be.greaterThan(1);
    for (const child of regions) expect(child.participationRate, child.name).to.be.a('number');
  });

  it('every role can be tried: region accounts act at once, a teacher sees its hours, notices wait', async () => {
    const labels = server.bootstrap.demo!.logins.map((l) => l.loginName);
    expect(labels).to.include.members(['350000admin', '350000auditor', '350000inspector', 't3501020001']);
    const county = await server.login('350102admin', REGION_DEMO_PASSWORD);
    const inbox = await server.api('/notices', { token: county });
    expect(inbox.status, JSON.stringify(inbox.body)).to.equal(200);
    expect(inbox.body.total).to.be.at.least(3);
    // The province's own group and pages have something to read too (the bot's 公告 in the demo).
    const province = await server.login('350000inspector', REGION_DEMO_PASSWORD);
    expect((await server.api('/notices', { token: province })).body.total).to.be.at.least(1);
    const teacher = await server.login('t3501020001', REGION_DEMO_PASSWORD);
    const mine = await server.api('/me/trainings', { token: teacher });
    expect(mine.status, JSON.stringify(mine.body)).to.equal(200);
    expect(mine.body.items).to.have.length(2);
    // The printed school admin shows the first login: initial password, change required first.
    const school = server.bootstrap.demo!.logins.find((l) => l.loginName.startsWith('s'))!;
    const schoolToken = await server.login(school.loginName, school.password);
    expect((await server.api('/me', { token: schoolToken })).body.pendingSteps).to.include('changePassword');
    expect((await server.api('/notices', { token: schoolToken })).body.error.code).to.equal(
      'FIRST_LOGIN_REQUIRED',
    );
  });
});
