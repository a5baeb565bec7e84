import { regionRoleBinding, schoolAdminBinding, userWith } from '../../helpers/fixtures';
import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { School, type SchoolDoc } from '../../../server/src/schools/model';
import { openIdNumber, Teacher } from '../../../server/src/teachers/model';
import {
  rebuildTeacherDirectory,
  refreshTeacherDirectoryEntries,
} from '../../../server/src/teachers/service';
import { startTestServer, type TestServer } from '../../helpers/server';

const PASSWORD = 'Pass12345';
const GULOU = ['000000', '350000', '350100', '350102'];

describe('teachers: application, verification by the school admin, own status (seed 003 part 4 §2)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let school: SchoolDoc;
  let otherSchool: SchoolDoc;
  const token: Record<string, string> = {};
  let teacherId: string;

  const application = (overrides: Record<string, unknown> = {}) => ({
    schoolId: String(school._id),
    regionCode: '350102',
    name: '王老师',
    stage: '初中',
    subject: '语文',
    title: '正高级教师',
    idType: '居民身份证',
    idNumber: '350102199001010374',
    ...overrides,
  });

  before(async () => {
    server = await startTestServer('teachers');
    const hash = await hashPassword(PASSWORD);
    school = await School.create({
      name: '央馆六县第一中学',
      type: '初中',
      regionCode: '350102',
      regionPath: GULOU,
    });
    otherSchool = await School.create({
      name: '鼓楼第二中学',
      type: '初中',
      regionCode: '350102',
      regionPath: GULOU,
    });
    const schoolAdmin = (s: SchoolDoc) => [schoolAdminBinding(s)];
    await User.create([
      {
        loginName: 'wang',
        name: '王老师',
        mobile: '19800002552',
        passwordHash: hash,
        mustChangePassword: false,
      },
      {
        loginName: 'zhao',
        name: '赵老师',
        mobile: '19800003333',
        passwordHash: hash,
        mustChangePassword: false,
      },
      {
        loginName: 'qian',
        name: '钱老师',
        mobile: '19800004444',
        passwordHash: hash,
        mustChangePassword: false,
      },
      { loginName: 'nomobile', name: '无手机', passwordHash: hash, mustChangePassword: false },
      userWith('admin1', schoolAdmin(school), { name: '一中管理员', passwordHash: hash }),
      userWith('admin2', schoolAdmin(otherSchool), { name: '二中管理员', passwordHash: hash }),
      userWith('gulou', [regionRoleBinding('admin', '350102', GULOU.slice(0, 3))], {
        name: '鼓楼区',
        passwordHash: hash,
      }),
      userWith('xm', [regionRoleBinding('admin', '350200', ['000000', '350000'])], {
        name: '厦门市',
        passwordHash: hash,
      }),
      userWith('fj', [regionRoleBinding('special', '350000', ['000000'])], {
        name: '福建专项',
        passwordHash: hash,
      }),
    ]);
    // An imported teacher (on file before any account claims it), with a colleague already verified.
    await Teacher.create([
      {
        name: '钱老师',
        mobile: '19800004444',
        schoolId: school._id,
        regionPath: GULOU,
        stage: '小学',
        subject: '数学',
        title: '一级教师',
        verification: 'pending',
      },
      {
        name: '孙老师',
        mobile: '19800005555',
        schoolId: school._id,
        regionPath: GULOU,
        stage: '初中',
        subject: '英语',
        title: '高级教师',
        verification: 'approved',
      },
    ]);
    // The directory the training import reads is built now: teachers who apply later reach it as patches.
    expect(await rebuildTeacherDirectory(() => new Date())).to.deep.equal({ teachers: 2, buckets: 2 });
    for (const n of ['wang', 'zhao', 'qian', 'nomobile', 'admin1', 'admin2', 'gulou', 'xm', 'fj']) {
      token[n] = await server.login(n, PASSWORD);
    }
  });
  after(async () => {
    await server?.close();
  });

  it('a teacher applies; the ID number is stored sealed and shown masked', async () => {
    const res = await server.api('/me/teacher-application', { token: token.wang, body: application() });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.include({ status: 'pending', statusLabel: '待审核', reason: null });
    expect(res.body.teacher).to.deep.include({
      name: '王老师',
      account: '198****2552',
      schoolName: '央馆六县第一中学',
      idType: '居民身份证',
      idNumber: '35*****0374',
      otherSchool: false,
    });
    teacherId = res.body.teacher.id;
    const stored = await Teacher.findById(teacherId).lean();
    expect(JSON.stringify(stored)).to.not.contain('350102199001010374');
    expect(openIdNumber(stored!.idNumberSealed!)).to.equal('350102199001010374');
    const user = await User.findOne({ loginName: 'wang' }).lean();
    expect(user!.bindings.map((b) => [b.kind, b.regionCode, String(b.schoolId)])).to.deep.equal([
      ['teacher', '350102', String(school._id)],
    ]);
    expect((await server.api('/me/teacher', { token: token.wang })).body.status).to.equal('pending');
  });

  it('the school admin lists teachers with counts per status, title and stage', async () => {
    const all = await server.api(`/schools/${school._id}/teachers`, { token: token.admin1 });
    expect(all.status).to.equal(200);
    expect(all.body.total).to.equal(3);
    expect(all.body.counts.status).to.deep.equal({ total: 3, pending: 2, approved: 1, rejected: 0 });
    const pending = await server.api(`/schools/${school._id}/teachers?status=pending`, {
      token: token.admin1,
    });
    expect(pending.body.total).to.equal(2);
    // Title and stage counts follow the status filter, as the seed's filter bar shows them.
    expect(pending.body.counts.title).to.deep.equal({ total: 2, 正高级教师: 1, 一级教师: 1 });
    expect(pending.body.counts.stage).to.deep.equal({ total: 2, 初中: 1, 小学: 1 });
    expect(pending.body.counts.status).to.deep.equal({ total: 3, pending: 2, approved: 1, rejected: 0 });
    const wang = pending.body.items.find((t: any) => t.id === teacherId);
    expect(wang).to.deep.include({
      account: '198****2552',
      idNumber: '35*****0374',
      title: '正高级教师',
      verification: 'pending',
      verificationLabel: '待审核',
    });
    const filtered = await server.api(
      `/schools/${school._id}/teachers?status=pending&stage=${encodeURIComponent('初中')}&title=${encodeURIComponent('正高级教师')}`,
      { token: token.admin1 },
    );
    expect(filtered.body.items.map((t: any) => t.id)).to.deep.equal([teacherId]);
    // The county admin may look (read only).
    expect((await server.api(`/schools/${school._id}/teachers`, { token: token.gulou })).status).to.equal(
      200,
    );
  });

  it('rejecting needs a reason; the teacher sees it and re-applies', async () => {
    const noReason = await server.api(`/teachers/${teacherId}/verify`, {
      token: token.admin1,
      body: { decision: 'reject' },
    });
    expect(noReason.status).to.equal(400);
    expect(noReason.body.error).to.deep.include({
      code: 'REASON_REQUIRED',
      message: '审核不通过时必须填写原因',
    });
    const rejected = await server.api(`/teachers/${teacherId}/verify`, {
      token: token.admin1,
      body: { decision: 'reject', reason: '证件号码与本人不符' },
    });
    expect(rejected.status).to.equal(200);
    expect(rejected.body.teacher).to.deep.include({ verification: 'rejected', reason: '证件号码与本人不符' });
    const mine = await server.api('/me/teacher', { token: token.wang });
    expect(mine.body).to.deep.include({
      status: 'rejected',
      statusLabel: '未通过',
      reason: '证件号码与本人不符',
    });
    const twice = await server.api(`/teachers/${teacherId}/verify`, {
      token: token.admin1,
      body: { decision: 'approve' },
    });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal('TEACHER_NOT_PENDING');

    const again = await server.api('/me/teacher-application', {
      token: token.wang,
      body: application({ idNumber: '350102199001010382' }),
    });
    expect(again.status).to.equal(201);
    expect(again.body.teacher.id).to.equal(teacherId); // the same teacher, re-applying
    expect(again.body).to.deep.include({ status: 'pending', reason: null });
    const approved = await server.api(`/teachers/${teacherId}/verify`, {
      token: token.admin1,
      body: { decision: 'approve' },
    });
    expect(approved.body.teacher).to.deep.include({
      verification: 'approved',
      verificationLabel: '已通过',
      reason: null,
    });
    const same = await server.api('/me/teacher-application', {
      token: token.wang,
      body: application({ idNumber: '350102199001010382' }),
    });
    expect(same.status).to.equal(409);
    expect(same.body.error.code).to.equal('TEACHER_ALREADY_APPROVED');
  });

  it('a teacher whose school is missing chooses 「其他」 in the region (seed 003 Q1)', async () => {
    const res = await server.api('/me/teacher-application', {
      token: token.zhao,
      body: application({ schoolId: 'other', regionCode: '350102', name: '赵老师' }),
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.teacher).to.deep.include({ otherSchool: true, schoolId: null, regionCode: '350102' });
    const stored = await Teacher.findById(res.body.teacher.id).lean();
    expect(stored!.regionPath).to.deep.equal(GULOU);
    const wrongRegion = await server.api('/me/teacher-application', {
      token: token.zhao,
      body: application({ regionCode: '350103' }),
    });
    expect(wrongRegion.status).to.equal(400);
    expect(wrongRegion.body.error.code).to.equal('SCHOOL_NOT_IN_REGION');
  });

  it('an account claims the teacher imported with its mobile; a user without a mobile must add one first', async () => {
    const qian = await Teacher.findOne({ mobile: '19800004444' }).lean();
    const res = await server.api('/me/teacher-application', {
      token: token.qian,
      body: application({ name: '钱老师', stage: '小学', subject: '数学', title: '一级教师' }),
    });
    expect(res.status).to.equal(201);
    expect(res.body.teacher.id).to.equal(String(qian!._id));
    const none = await server.api('/me/teacher-application', { token: token.nomobile, body: application() });
    expect(none.status).to.equal(400);
    expect(none.body.error.code).to.equal('MOBILE_REQUIRED');
    expect((await server.api('/me/teacher', { token: token.nomobile })).body).to.deep.include({
      status: 'none',
      teacher: null,
    });
  });

  it('shows the teacher its trainings with hours, cap, study time and completion', async () => {
    const created = await server.api('/trainings', {
      token: token.fj,
      body: { name: '暑期教师研修', startAt: '2024-07-20', endAt: '2099-08-31', hourCap: 10 },
    });
    // 王老师 was created through the application: the import finds it in the teacher directory.
    const imported = await server.api(`/trainings/${created.body.id}/records/import`, {
      token: token.fj,
      body: '账号,获得学时,实际学习时长\n19800002552,10,08:28:50\n19800004444,4,02:00:00',
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(imported.body).to.include({ created: 2, failed: 0 });
    const mine = await server.api('/me/trainings', { token: token.wang });
    expect(mine.status).to.equal(200);
    expect(mine.body.items).to.have.length(1);
    expect(mine.body.items[0]).to.deep.include({
      name: '暑期教师研修',
      status: 'running',
      participating: true,
      hours: 10,
      hourCap: 10,
      studyTime: '08:28:50',
      completed: true,
    });
    const zhao = await server.api('/me/trainings', { token: token.zhao });
    expect(zhao.body.items[0]).to.deep.include({ participating: false, hours: 0, completed: false });
    // A verification shows in the training's statistics at once (钱老师 was pending).
    const before = await server.api(`/trainings/${created.body.id}/stats?includeUnverified=false`, {
      token: token.fj,
    });
    expect(before.body.total.participants).to.equal(1);
    await server.api(`/teachers/${idOf(await Teacher.findOne({ mobile: '19800004444' }).lean())}/verify`, {
      token: token.admin1,
      body: { decision: 'approve' },
    });
    const after = await server.api(`/trainings/${created.body.id}/stats?includeUnverified=false`, {
      token: token.fj,
    });
    expect(after.body.total).to.deep.include({ participants: 2, learners: 2, completers: 1 });
  });

  it('lists teachers written by other code once they are brought into the teacher directory', async () => {
    const direct = await Teacher.create({
      name: '周老师',
      mobile: '19800006666',
      schoolId: school._id,
      regionPath: GULOU,
      stage: '高中',
      subject: '物理',
      title: '二级教师',
      verification: 'pending',
    });
    const list = () =>
      server
        .api(`/schools/${school._id}/teachers?status=pending`, { token: token.admin1 })
        .then((r) => r.body);
    expect((await list()).items.map((t: any) => t.name)).to.not.include('周老师');
    await refreshTeacherDirectoryEntries(() => new Date(), [direct._id]);
    expect((await list()).items.map((t: any) => t.name)).to.include('周老师');
  });

  it('answers 403 outside the jurisdiction, per endpoint', async () => {
    const cases: [string, string, string, unknown?][] = [
      ['admin2', 'GET', `/schools/${school._id}/teachers`],
      ['xm', 'GET', `/schools/${school._id}/teachers`],
      ['wang', 'GET', `/schools/${school._id}/teachers`],
      ['admin2', 'POST', `/teachers/${teacherId}/verify`, { decision: 'approve' }],
      ['gulou', 'POST', `/teachers/${teacherId}/verify`, { decision: 'approve' }],
      ['nomobile', 'GET', '/me/trainings'],
    ];
    for (const [who, method, path, body] of cases) {
      const res = await server.api(path, { token: token[who], method, body });
      expect(res.status, `${who} ${method} ${path}`).to.equal(403);
      expect(res.body.error.message).to.match(/[\u4e00-\u9fa5]/);
    }
    const anonymous = await server.api('/me/teacher');
    expect(anonymous.status).to.equal(401);
    const bad = await server.api(`/teachers/${teacherId}/verify`, {
      token: token.admin1,
      body: { decision: 'maybe' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.property).to.equal('decision');
  });
});

const idOf = (t: { _id: unknown } | null) => String(t!._id);
