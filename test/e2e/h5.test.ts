// End to end on the mini-program's H5 build in Debian's Chromium (playwright-core, no browser download),
// against a real server and database: a school admin's first login, report, return and resubmission;
// a teacher's hours. Screenshots of each main page at 375×812 go to artifacts/screenshots/ (git-ignored).
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { User } from '../../server/src/accounts/model';
import { hashPassword } from '../../server/src/accounts/passwords';
import { RecordingSmsProvider } from '../../server/src/accounts/sms';
import { Report } from '../../server/src/reports/model';
import { manualClock, regionUser } from '../helpers/fixtures';
import {
  WEB_ROOT,
  choose,
  fill,
  launchChromium,
  newPhonePage,
  overflowing,
  prepareH5,
  see,
  shot,
  tap,
} from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

const SCHOOL_NAME = '鼓楼区第一实验小学（集团）温泉校区附属教学楼名称很长的学校';
const PERIOD = '2026Q4';
const NEW_PASSWORD = 'School2026!';

/** A complete report as the form is filled in: inputs by field path, 是/否 choices by field path. */
const NUMBERS: Record<string, number> = {
  classes: 12,
  teachers: 30,
  students: 480,
  bandwidthMbps: 200,
  computerRooms: 1,
  recordingRooms: 0,
  classrooms: 12,
  multimediaWithNetwork: 10,
  multimediaWithoutNetwork: 0,
  interactiveWithNetwork: 2,
  interactiveWithoutNetwork: 0,
  'teacherTerminals.desktop': 10,
  'teacherTerminals.laptop': 20,
  'teacherTerminals.tablet': 0,
  'studentTerminals.desktop': 40,
  'studentTerminals.laptop': 0,
  'studentTerminals.tablet': 0,
  teacherSpaces: 30,
  studentSpaces: 400,
};
const CHOICES: Record<string, string> = { minoritySchool: '否', campusNetwork: '是' };

describe('mini-program H5 in Chromium, end to end', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-20T10:00:00+08:00');
  const sms = new RecordingSmsProvider();
  let server: TestServer;
  let browser: Browser;
  let countyToken: string;
  let schoolId: string;
  let adminLogin: string;
  let initialPassword: string;

  before(async function () {
    this.timeout(15 * 60_000);
    await prepareH5();
    server = await startTestServer('e2e_h5', { env: { WEB_ROOT }, options: { clock, sms } });
    await regionUser('e2eCounty', '350102', 'admin');
    await regionUser('e2eProvince', '350000', 'admin');
    countyToken = await server.login('e2eCounty', 'Pass12345');
    const created = await server.api('/schools', {
      token: countyToken,
      body: { name: SCHOOL_NAME, type: '小学', regionCode: '350102' },
    });
    expect(created.status).to.equal(201);
    schoolId = created.body.school.id;
    adminLogin = created.body.admin.loginName;
    initialPassword = created.body.admin.initialPassword;
    browser = await launchChromium();
  });
  afterEach(async function () {
    // What the page looked like when a step failed.
    if (this.currentTest?.state === 'failed' && admin && !admin.isClosed())
      await shot(admin, `failed-${this.currentTest.title.slice(0, 40).replace(/[^\p{L}\p{N}]+/gu, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const newPage = (): Promise<{ context: BrowserContext; page: Page }> => newPhonePage(browser);

  let admin: Page;

  it('a school admin logs in, changes the initial password and completes the profile with the SMS code', async () => {
    admin = (await newPage()).page;
    const missing: string[] = [];
    admin.on('response', (res) => {
      if (res.status() === 404) missing.push(res.url());
    });
    await admin.goto(`${server.url}/`);
    await see(admin, '教育信息化进展上报 · 教师研修学时');
    expect(missing, 'nothing the page loads is missing (the icon included)').to.deep.equal([]);
    await shot(admin, '01-login');
    await fill(admin, 'account', adminLogin);
    await fill(admin, 'password', initialPassword);
    await tap(admin, '登录');

    await see(admin, '修改初始密码');
    await fill(admin, 'oldPassword', initialPassword);
    await fill(admin, 'newPassword', NEW_PASSWORD);
    await fill(admin, 'confirmPassword', NEW_PASSWORD);
    await shot(admin, '02-first-login-password');
    await tap(admin, '确认修改');

    await see(admin, '完善个人信息');
    await fill(admin, 'name', '林校长');
    await choose(admin, 'gender', '女');
    await fill(admin, 'mobile', '13905910001');
    await tap(admin, '获取验证码');
    // The dev build shows the development provider's code; it is the one "sent".
    const shown = await admin
      .getByText(/开发模式验证码：\d{6}/)
      .first()
      .textContent({ timeout: 20_000 });
    const code = /(\d{6})/.exec(shown ?? '')![1];
    expect(code).to.equal(sms.lastCodeFor('13905910001'));
    await fill(admin, 'smsCode', code);
    await fill(admin, 'email', 'lin@example.cn');
    await shot(admin, '03-first-login-profile');
    await tap(admin, '保存并进入');

    await see(admin, '常用功能');
    const user = await User.findOne({ loginName: adminLogin }).lean();
    expect(user).to.deep.include({ mustChangePassword: false, mobile: '13905910001' });
  });

  it('home shows the period worked on, its deadline, 填报中 and what is missing', async () => {
    await see(admin, '2026年第4季度');
    await see(admin, '填报中');
    await see(admin, '2027年1月5日 24:00');
    await see(admin, '请确认学校基本信息中的「城乡类型」');
    await see(admin, '本期数据尚未保存');
    await see(admin, SCHOOL_NAME);
    await shot(admin, '04-home');
  });

  it('the school completes 城乡类型 in its basic information', async () => {
    await tap(admin, '学校基本信息');
    await see(admin, '首次进入请确认城乡类型（城区、镇区或乡村）并保存');
    await choose(admin, 'urbanRural', '乡村');
    await shot(admin, '05-school-info');
    await tap(admin, '保存');
    await see(admin, '已保存');
    expect((await server.api(`/schools/${schoolId}`, { token: countyToken })).body.urbanRural).to.equal(
      '乡村',
    );
  });

  it('fills the report with the server’s inline errors, keeps an offline draft and saves it when back online', async () => {
    await admin.goto(`${server.url}/pages/report/index`);
    await see(admin, '宽带网络校校通');
    await fill(admin, 'classes', '1001');
    // The same sentence the server gives for 1001 (test/miniprogram proves them equal).
    await see(admin, '不应大于 1000');
    await shot(admin, '06-report-inline-error');
    for (const [field, value] of Object.entries(NUMBERS)) await fill(admin, field, String(value));
    for (const [field, text] of Object.entries(CHOICES)) await choose(admin, field, text);
    await see(admin, /草稿已保存/);
    const saved = await Report.findById(`${PERIOD}:school:${schoolId}`).lean();
    expect(saved?.data).to.deep.include({ classes: 12, students: 480 });

    await admin.context().setOffline(true);
    await fill(admin, 'teacherSpaces', '31');
    await see(admin, '网络不可用：草稿已保存在本机，联网后自动保存');
    await shot(admin, '07-report-offline');
    await admin.context().setOffline(false);
    await see(admin, /草稿已保存/);
    const synced = await Report.findById(`${PERIOD}:school:${schoolId}`).lean();
    expect(synced?.data.teacherSpaces).to.equal(31);
  });

  it('submits the report', async () => {
    await tap(admin, '上报');
    await see(admin, '上报后数据将锁定，确认上报本期数据？');
    await tap(admin, '确定');
    await see(admin, '报表已上报，不能修改');
    await shot(admin, '08-report-submitted');
    const report = await Report.findById(`${PERIOD}:school:${schoolId}`).lean();
    expect(report?.state).to.equal('submitted');
  });

  it('the county returns it over the API; the school admin sees 已退回 with the reason and time limit', async () => {
    const returned = await server.api(`/schools/${schoolId}/reports/${PERIOD}/return`, {
      token: countyToken,
      body: { reason: '在校生数与班级数不符，请核实后重新上报', deadline: '2026-11-25T18:00:00+08:00' },
    });
    expect(returned.status).to.equal(200);
    await admin.goto(`${server.url}/pages/home/index`);
    await see(admin, '已退回');
    await see(admin, '退回原因：在校生数与班级数不符，请核实后重新上报');
    await see(admin, '限时修改至：2026年11月25日 18:00');
    await shot(admin, '09-home-returned');
  });

  it('the school admin corrects the report and resubmits', async () => {
    await admin.goto(`${server.url}/pages/report/index`);
    await see(admin, /已退回：在校生数与班级数不符/);
    await fill(admin, 'students', '460');
    await see(admin, /草稿已保存/);
    await tap(admin, '上报');
    await tap(admin, '确定');
    await see(admin, '报表已上报，不能修改');
    const report = await Report.findById(`${PERIOD}:school:${schoolId}`).lean();
    expect(report?.state).to.equal('submitted');
    expect(report?.data.students).to.equal(460);
    await admin.goto(`${server.url}/pages/home/index`);
    await see(admin, '已上报');
  });

  it('notices with an unread badge and attachments, teacher verification, training statistics', async () => {
    const notice = await server.api('/notices', {
      token: countyToken,
      body: {
        title: '关于做好2026年第四季度教育信息化进展数据填报工作的通知',
        content: '<p>请各校在截止时间前完成填报。</p>',
        scope: { levels: [], schoolTypes: ['小学'] },
        draft: true,
      },
    });
    expect(notice.status).to.equal(201);
    const attach = await server.api(
      `/notices/${notice.body.id}/attachments?filename=${encodeURIComponent('填报说明.txt')}`,
      {
        token: countyToken,
        body: '填报说明',
        headers: { 'Content-Type': 'text/plain' },
      },
    );
    expect(attach.status).to.equal(201);
    expect(
      (await server.api(`/notices/${notice.body.id}/publish`, { token: countyToken, method: 'POST' })).status,
    ).to.equal(200);

    await admin.goto(`${server.url}/pages/notices/index`);
    await see(admin, '关于做好2026年第四季度教育信息化进展数据填报工作的通知');
    expect(await admin.locator('.tabbar-badge').first().textContent()).to.equal('1');
    await shot(admin, '10-notices');
    await tap(admin, '关于做好2026年第四季度教育信息化进展数据填报工作的通知');
    await see(admin, '请各校在截止时间前完成填报。');
    await see(admin, /填报说明\.txt/);
    await shot(admin, '11-notice');
    expect(await overflowing(admin)).to.deep.equal([]);

    await admin.goto(`${server.url}/pages/teachers/index`);
    await see(admin, '审核状态');
    await shot(admin, '12-teachers');
    await admin.goto(`${server.url}/pages/training-stats/index`);
    await see(admin, '暂无培训');
  });

  it('a teacher logs in and sees their hours against the cap', async () => {
    const teacher = await User.create({
      loginName: 'e2eTeacher',
      name: '陈老师',
      mobile: '13905910002',
      passwordHash: await hashPassword('Teach12345'),
      mustChangePassword: false,
      bindings: [],
    });
    const teacherToken = await server.login('e2eTeacher', 'Teach12345');
    const applied = await server.api('/me/teacher-application', {
      token: teacherToken,
      body: {
        schoolId,
        regionCode: '350102',
        name: '陈老师',
        stage: '小学',
        subject: '数学',
        title: '一级教师',
        idType: '居民身份证',
        idNumber: '350102198001011233', // GB 11643 check digit valid
      },
    });
    expect(applied.status).to.equal(201);
    const provinceToken = await server.login('e2eProvince', 'Pass12345');
    const training = await server.api('/trainings', {
      token: provinceToken,
      body: {
        name: '2026年中小学教师信息技术应用能力提升培训',
        startAt: '2026-10-15',
        endAt: '2027-02-12',
        hourCap: 50,
      },
    });
    expect(training.status).to.equal(201);
    const imported = await server.api(`/trainings/${training.body.id}/records/import`, {
      token: provinceToken,
      body: '账号,获得学时,实际学习时长\n13905910002,32.5,20:15:00',
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(imported.body).to.include({ failed: 0 });
    expect(teacher.id).to.be.a('string');

    const { page } = await newPage();
    await page.goto(`${server.url}/`);
    await fill(page, 'account', 'e2eTeacher');
    await fill(page, 'password', 'Teach12345');
    await tap(page, '登录');
    await see(page, '已获学时 32.5 / 上限 50');
    await see(page, '20:15:00');
    await see(page, '未完成');
    await shot(page, '13-teacher-trainings');
    await tap(page, '审核状态');
    await see(page, '待审核');
    await shot(page, '14-teacher-verification');

    // The school admin's pages now have a teacher to verify and statistics to show.
    await admin.goto(`${server.url}/pages/training-stats/index`);
    await see(admin, '各学科参训人数');
    await shot(admin, '15-training-stats');
    await admin.goto(`${server.url}/pages/teachers/index`);
    await see(admin, '陈老师');
    await tap(admin, '不通过');
    await admin.locator('textarea').first().fill('证件号码与姓名不符');
    await tap(admin, '确认不通过');
    await see(admin, '没有符合条件的教师');

    await page.goto(`${server.url}/pages/my-verification/index`);
    await see(page, '未通过原因：证件号码与姓名不符');
    await shot(page, '16-teacher-rejected');
  });
});
