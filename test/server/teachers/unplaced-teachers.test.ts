import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { AuditEntry } from '../../../server/src/audit/model';
import { School } from '../../../server/src/schools/model';
import { Teacher } from '../../../server/src/teachers/model';
import { UnplacedTeacher } from '../../../server/src/teachers/unplaced';
import { PASSWORD, plainSchool, regionUser, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { hashPassword } from '../../../server/src/accounts/passwords';

// Seed 003 第五部分 问题 1: 学校不在列表中 → 选择「其他」; 县区管理员 新增学校 / 确认学校.
describe('teachers whose school is missing (seed 003 问题 1)', function () {
  this.timeout(60_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let school: Awaited<ReturnType<typeof plainSchool>>;
  const application = (name: string) => ({
    schoolId: 'other',
    regionCode: '350102',
    name,
    stage: '小学',
    subject: '语文',
    title: '一级教师',
    idType: '其他',
    idNumber: 'A1234567',
  });

  before(async () => {
    server = await startTestServer('unplaced_teachers');
    school = await plainSchool('鼓楼第一中心小学', '350102');
    await regionUser('gl', '350102', 'admin');
    await regionUser('glInspector', '350102', 'inspector');
    await regionUser('fz', '350100', 'admin');
    await regionUser('xm', '350200', 'admin');
    await schoolAdmin('sA', school);
    const hash = await hashPassword(PASSWORD);
    for (const [loginName, mobile] of [
      ['zhao', '19800001111'],
      ['li', '19800002222'],
      ['zhou', '19800003333'],
    ])
      await User.create({
        loginName,
        name: loginName,
        mobile,
        passwordHash: hash,
        mustChangePassword: false,
      });
    // A teacher written before the hint list existed: the first read fills the list from the teachers.
    await Teacher.create({
      name: '早老师',
      mobile: '19800009999',
      regionCode: '350102',
      regionPath: ['000000', '350000', '350100', '350102'],
      stage: '初中',
      subject: '数学',
      title: '二级教师',
      verification: 'pending',
      appliedAt: new Date('2026-01-01T00:00:00+08:00'),
    });
    for (const u of ['gl', 'glInspector', 'fz', 'xm', 'sA', 'zhao', 'li', 'zhou'])
      t[u] = await server.login(u, PASSWORD);
    for (const [u, name] of [
      ['zhao', '赵老师'],
      ['li', '李老师'],
      ['zhou', '周老师'],
    ]) {
      const res = await server.api('/me/teacher-application', { token: t[u], body: application(name) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      ids[u] = res.body.teacher.id;
    }
  });
  after(async () => {
    await server?.close();
  });

  it('lists the teachers who chose 「其他」 to the county and the city admins, masked', async () => {
    for (const who of ['gl', 'fz']) {
      const code = who === 'gl' ? '350102' : '350100';
      const res = await server.api(`/regions/${code}/unplaced-teachers`, { token: t[who] });
      expect(res.status, who).to.equal(200);
      expect(res.body.total).to.equal(4);
      expect(res.body.items.map((i: { name: string }) => i.name)).to.deep.equal([
        '早老师',
        '赵老师',
        '李老师',
        '周老师',
      ]);
      expect(res.body.items[1].account).to.equal('198****1111');
    }
  });

  it('is refused to outsiders, inspectors and school admins (403), and checks its input (400)', async () => {
    for (const [who, code] of [
      ['xm', '350102'],
      ['gl', '350103'],
      ['glInspector', '350102'],
      ['sA', '350102'],
      ['zhao', '350102'],
    ]) {
      const res = await server.api(`/regions/${code}/unplaced-teachers`, { token: t[who] });
      expect(res.status, `${who} ${code}`).to.equal(403);
    }
    const before = await Teacher.findById(ids.zhao).lean();
    const outsider = await server.api(`/teachers/${ids.zhao}/placement`, {
      token: t.xm,
      body: { schoolId: String(school._id) },
    });
    expect(outsider.status).to.equal(403);
    const foreignSchool = await plainSchool('思明实验小学', '350203');
    const wrongSchool = await server.api(`/teachers/${ids.zhao}/placement`, {
      token: t.gl,
      body: { schoolId: String(foreignSchool._id) },
    });
    expect(wrongSchool.status).to.equal(403);
    expect(wrongSchool.body.error.code).to.equal('OUTSIDE_JURISDICTION');
    for (const body of [
      {},
      { schoolId: String(school._id), newSchool: { name: 'x', type: '小学', regionCode: '350102' } },
      { schoolId: 'x' },
    ]) {
      const res = await server.api(`/teachers/${ids.zhao}/placement`, { token: t.gl, body });
      expect(res.status, JSON.stringify(body)).to.equal(400);
    }
    expect(await Teacher.findById(ids.zhao).lean()).to.deep.equal(before);
  });

  it('places a teacher in an existing school: moved, binding follows, school admin verifies, teacher told', async () => {
    const res = await server.api(`/teachers/${ids.zhao}/placement`, {
      token: t.gl,
      body: { schoolId: String(school._id) },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.teacher).to.include({ schoolName: '鼓楼第一中心小学', verification: 'pending' });
    const user = await User.findOne({ loginName: 'zhao' }).lean();
    expect(user!.bindings.find((b) => b.kind === 'teacher')?.schoolId?.equals(school._id)).to.equal(true);
    const mine = await server.api('/me/teacher', { token: t.zhao });
    expect(mine.body.teacher).to.include({ otherSchool: false, schoolName: '鼓楼第一中心小学' });
    const inbox = await server.api('/me/messages', { token: t.zhao });
    expect(inbox.body.items[0].title).to.equal('您已被安排到学校');
    const list = await server.api(`/schools/${school._id}/teachers`, { token: t.sA });
    expect(list.body.items.map((i: { name: string }) => i.name)).to.include('赵老师');
    const verify = await server.api(`/teachers/${ids.zhao}/verify`, {
      token: t.sA,
      body: { decision: 'approve' },
    });
    expect(verify.status).to.equal(200);
    expect(await AuditEntry.countDocuments({ action: 'teacher.place', targetId: ids.zhao })).to.equal(1);
    expect(await UnplacedTeacher.exists({ _id: ids.zhao })).to.equal(null);
    const again = await server.api(`/teachers/${ids.zhao}/placement`, {
      token: t.gl,
      body: { schoolId: String(school._id) },
    });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('TEACHER_PLACED');
  });

  it('places a teacher in a school the county creates on the spot', async () => {
    const res = await server.api(`/teachers/${ids.li}/placement`, {
      token: t.gl,
      body: { newSchool: { name: '鼓楼新建教学点', type: '教学点', regionCode: '350102' } },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.createdSchool.admin.loginName).to.match(/^s350102\d{4}$/);
    const created = await School.findOne({ name: '鼓楼新建教学点' }).lean();
    expect((await Teacher.findById(ids.li).lean())?.schoolId?.equals(created!._id)).to.equal(true);
    const left = await server.api('/regions/350102/unplaced-teachers', { token: t.gl });
    expect(left.body.items.map((i: { name: string }) => i.name)).to.deep.equal(['早老师', '周老师']);
  });
});
