import { expect } from 'chai';
import { LoginEvent } from '../../../server/src/usage/model';
import { User } from '../../../server/src/accounts/model';
import {
  finishFirstLogin,
  manualClock,
  PASSWORD,
  regionUser,
  school,
  schoolAdmin,
  schoolBinding,
} from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-03 10:00 in Shanghai.
const clock = manualClock('2027-01-03T10:00:00+08:00');

describe('usage statistics: 用户注册、应用分析 (issue 15 item 8; seed 003 part 2)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const usage = (code: string, token: string, query = '') =>
    server.api(`/regions/${code}/usage${query}`, { token });

  before(async () => {
    server = await startTestServer('usage', { options: { clock } });
    await regionUser('fjSuper', '350000', 'super');
    await regionUser('fjAdmin', '350000', 'admin');
    await regionUser('fzSuper', '350100', 'super');
    await regionUser('fzAuditor', '350100', 'auditor');
    await regionUser('glAdmin', '350102', 'admin');
    await regionUser('xmSuper', '350200', 'super');
    const gl = await school('鼓楼一小', '350102');
    const tj = await school('台江一小', '350103');
    const direct = await school('福州直属中学', '350100');
    await schoolAdmin('glSchool', gl);
    await schoolAdmin('tjSchool', tj);
    await schoolAdmin('directSchool', direct);
    const teacher = await regionUser('glTeacher', '350102', 'admin');
    await User.updateOne(
      { _id: teacher._id },
      { $set: { bindings: [{ ...schoolBinding(gl, 'teacher'), active: true }] } },
    );
    // Logins: two days ago glSchool; today glSchool twice, fzAuditor once, directSchool once.
    clock.set('2027-01-01T09:00:00+08:00');
    await server.login('glSchool', PASSWORD);
    clock.set('2027-01-03T08:00:00+08:00');
    await server.login('glSchool', PASSWORD);
    await server.login('glSchool', PASSWORD);
    await server.login('fzAuditor', PASSWORD);
    await server.login('directSchool', PASSWORD);
    clock.set('2027-01-03T10:00:00+08:00');
    for (const name of ['fjSuper', 'fjAdmin', 'fzSuper', 'xmSuper'])
      t[name] = await server.login(name, PASSWORD);
    await finishFirstLogin('admin');
    t.national = await server.login('admin', 'Admin12345');
  });
  after(async () => {
    await server?.close();
  });

  it('every login is recorded with the regions of the user’s bindings and the Shanghai day', async () => {
    const events = await LoginEvent.find({}).lean();
    expect(events).to.have.length(10);
    const early = events.find((e) => e.day === '2027-01-01')!;
    expect(early.paths).to.deep.equal(['000000', '350000', '350100', '350102']);
  });

  it('counts registered and active users by role, per subregion and the region’s own staff and direct schools', async () => {
    const res = await usage('350100', t.fzSuper, '?from=2026-12-31&to=2027-01-03&activeDays=7');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.roles.map((r: any) => r.label)).to.include.members([
      '超级管理员',
      '审核员',
      '学校管理员',
      '教师',
    ]);
    const { total, children } = res.body;
    expect(total.registered).to.include({
      total: 7,
      'region.super': 1,
      'region.auditor': 1,
      'region.admin': 1,
      'school.admin': 3,
      'teacher.teacher': 1,
    });
    // fzSuper logged in just now, fzAuditor, glSchool and directSchool earlier.
    expect(total.active).to.include({ total: 4, 'region.super': 1, 'region.auditor': 1, 'school.admin': 2 });
    const gulou = children.find((c: any) => c.code === '350102');
    expect(gulou.registered).to.include({
      total: 3,
      'region.admin': 1,
      'school.admin': 1,
      'teacher.teacher': 1,
    });
    expect(gulou.active.total).to.equal(1);
    const own = children.find((c: any) => c.code === '350100:direct');
    expect(own.registered).to.include({
      total: 3,
      'region.super': 1,
      'region.auditor': 1,
      'school.admin': 1,
    });
    expect(res.body.logins.days).to.deep.equal([
      { day: '2026-12-31', logins: 0, users: 0 },
      { day: '2027-01-01', logins: 1, users: 1 },
      { day: '2027-01-02', logins: 0, users: 0 },
      { day: '2027-01-03', logins: 5, users: 4 },
    ]);
    const narrow = await usage('350100', t.fzSuper, '?activeDays=1');
    expect(narrow.body.total.active.total).to.equal(4);
  });

  it('the province super admin drills down; the national admin stands in above the provinces', async () => {
    const res = await usage('350000', t.fjSuper);
    expect(res.status).to.equal(200);
    expect(res.body.children.find((c: any) => c.code === '350100').registered.total).to.equal(7);
    expect(res.body.logins.days).to.have.length(30);
    expect((await usage('350102', t.fjSuper)).status).to.equal(200);
    expect((await usage('000000', t.national)).status).to.equal(200);
  });

  it('refuses other roles, other regions and bad ranges', async () => {
    const admin = await usage('350000', t.fjAdmin);
    expect(admin.status).to.equal(403);
    expect(admin.body.error.code).to.equal('ROLE_FORBIDDEN');
    const outsider = await usage('350100', t.xmSuper);
    expect(outsider.status).to.equal(403);
    expect(outsider.body.error.code).to.equal('OUTSIDE_JURISDICTION');
    expect((await usage('350000', t.fzSuper)).status).to.equal(403);
    const reversed = await usage('350100', t.fzSuper, '?from=2027-01-03&to=2027-01-01');
    expect(reversed.status).to.equal(400);
    expect(reversed.body.error.details.property).to.equal('from');
    const tooLong = await usage('350100', t.fzSuper, '?from=2026-01-01&to=2027-01-01');
    expect(tooLong.status).to.equal(400);
    const badDate = await usage('350100', t.fzSuper, '?from=yesterday');
    expect(badDate.status).to.equal(400);
    expect(badDate.body.error.details.property).to.equal('from');
    expect((await usage('350100', t.fzSuper, '?foo=1')).status).to.equal(400);
    expect((await usage('359999', t.fjSuper)).status).to.equal(404);
  });
});
