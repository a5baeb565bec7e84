// The unit report page draws its buttons from the report's `actions` (the server's answer), end to end
// on the H5 build in Chromium, on the demo world at 2027-01-03 10:00 Beijing time (the county window of
// 2026Q4 open): the county refuses (不批准) a school's withdrawal request only with a reason and after a
// confirmation, and the school sees that reason; once the county's own report is reported, 退回 and
// 批准撤报 are gone from the school's report page (the server would refuse them, 409 UPPER_REPORTED),
// while 不批准 stays. Screenshots ra01–ra03 go to artifacts/screenshots/.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { User, type UserDoc } from '../../server/src/accounts/model';
import { SCHOOL_ADMIN_PASSWORD, REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { Report, type ReportDoc } from '../../server/src/reports/model';
import { finishFirstLogin, manualClock } from '../helpers/fixtures';
import { reportCountyUpward } from '../helpers/reports';
import { WEB_ROOT, launchChromium, newPhonePage, prepareH5, see, shot, signIn, tap } from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

const PERIOD = '2026Q4';
const COUNTY = '350102';
const REJECTION = '在校生数与学籍系统一致，无需撤报';

/** How many visible buttons read `text`. */
const buttons = (page: Page, text: string) =>
  page.locator('.nut-button').filter({ hasText: text, visible: true }).count();

describe('report actions in the app follow the server’s list', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let schoolId = '';
  let schoolAdmin: UserDoc;
  let schoolToken = '';
  const unitPage = () =>
    `${server.url}/pages/region-unit-report/index?kind=school&id=${schoolId}&period=${PERIOD}`;

  before(async function () {
    this.timeout(15 * 60_000);
    await prepareH5();
    server = await startTestServer('e2e_review_actions', {
      env: { WEB_ROOT, DEMO_DATA: '1' },
      options: { clock },
    });
    for (const login of [`${COUNTY}admin`, `${COUNTY}auditor`]) await finishFirstLogin(login);
    const submitted = await Report.findOne({
      period: PERIOD,
      unitKind: 'school',
      regionCode: COUNTY,
      state: 'submitted',
    }).lean<ReportDoc>();
    schoolId = String(submitted!.schoolId);
    schoolAdmin = (await User.findOne({ 'bindings.schoolId': submitted!.schoolId }).lean<UserDoc>())!;
    await finishFirstLogin(schoolAdmin.loginName);
    schoolToken = await server.login(schoolAdmin.loginName, SCHOOL_ADMIN_PASSWORD);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const ask = async () => {
    const res = await server.api(`/schools/${schoolId}/reports/${PERIOD}/withdrawal`, {
      token: schoolToken,
      body: { reason: '在校生数填错，需要撤回修改' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };

  it('不批准 asks for a reason and a confirmation; the school sees the reason', async () => {
    await ask();
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await page.goto(unitPage());
    await see(page, '批准撤报');
    await tap(page, '不批准');
    await see(page, '不批准时请写明原因，申请单位将看到这一原因');
    expect((await Report.findById(`${PERIOD}:school:${schoolId}`).lean<ReportDoc>())?.state).to.equal(
      'withdrawalRequested',
    );
    await page.locator('.decision textarea').first().fill(REJECTION);
    await tap(page, '不批准');
    await see(page, /^确认不批准.*的撤报申请？/);
    await shot(page, 'ra01-reject-confirm');
    await tap(page, '确定');
    await see(page, REJECTION);
    const report = await Report.findById(`${PERIOD}:school:${schoolId}`).lean<ReportDoc>();
    expect(report?.state).to.equal('submitted');
    expect(report?.history.at(-1)?.reason).to.equal(REJECTION);
    await page.context().close();

    const school = (await newPhonePage(browser)).page;
    await signIn(school, server.url, schoolAdmin.loginName, SCHOOL_ADMIN_PASSWORD, '常用功能');
    await school.goto(`${server.url}/pages/report/index`);
    await see(school, new RegExp(`^撤报申请未获批准（.*）：${REJECTION}$`));
    await shot(school, 'ra02-school-sees-rejection');
    await school.context().close();
  });

  it('once the county has reported, 退回 and 批准撤报 are absent; 不批准 stays', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await page.goto(unitPage());
    await see(page, '报表历史');
    expect(await buttons(page, '退回')).to.equal(1);
    await page.context().close();

    // The county reports its own data upward: what it reviewed is locked.
    const admin = await server.login(`${COUNTY}admin`, REGION_DEMO_PASSWORD);
    const auditor = await server.login(`${COUNTY}auditor`, REGION_DEMO_PASSWORD);
    await reportCountyUpward(server, COUNTY, PERIOD, { admin, auditor });
    await ask();

    const again = (await newPhonePage(browser)).page;
    await signIn(again, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await again.goto(unitPage());
    await see(again, '报表历史');
    await see(again, '不批准');
    await shot(again, 'ra03-upper-reported-no-return');
    expect(await buttons(again, '退回')).to.equal(0);
    expect(await buttons(again, '批准撤报')).to.equal(0);
    expect(await buttons(again, '不批准')).to.equal(1);
    // The server agrees: a return now is refused.
    const ret = await server.api(`/schools/${schoolId}/reports/${PERIOD}/return`, {
      token: admin,
      body: { reason: '请核实', deadline: '2027-01-05T18:00:00+08:00' },
    });
    expect(ret.status).to.equal(409);
    expect(ret.body.error.code).to.equal('UPPER_REPORTED');
    await again.context().close();
  });
});
