// End to end on the H5 build in Chromium, demo world (福建省): the county auditor reports the county's
// own report upward from 审核上报 — refused before the county window opens (2027-01-01), done inside it
// (2027-01-03), the state then 已上报; and 项目学校 (seed 000 §4.3): a 教学点 declares in 学校基本信息,
// its county confirms on the school's page, and the school sees the confirmation. Screenshots a01–a06 at
// 375×812 go to artifacts/screenshots/.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { User, type UserDoc } from '../../server/src/accounts/model';
import { REGION_DEMO_PASSWORD, SCHOOL_ADMIN_PASSWORD } from '../../server/src/demo/world';
import { Report, type ReportDoc } from '../../server/src/reports/model';
import { School, type SchoolDoc } from '../../server/src/schools/model';
import { startDemoH5 } from '../helpers/demo-h5';
import { finishFirstLogin, manualClock } from '../helpers/fixtures';
import { choose, newPhonePage, see, shot, signIn, tap } from '../helpers/h5';
import type { TestServer } from '../helpers/server';

const PERIOD = '2026Q4';
const COUNTY = '350102';
const SUBMIT = '上报本级报表';

describe('region acts in the mini-program H5: the auditor reports upward, 项目学校 declared and confirmed', function () {
  this.timeout(15 * 60_000);
  // Before the county window of 2026Q4 (2027-01-01 00:00 to 2027-01-05 24:00).
  const clock = manualClock('2026-12-28T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    this.timeout(15 * 60_000);
    ({ server, browser } = await startDemoH5('e2e_region_acts', clock, [
      `${COUNTY}admin`,
      `${COUNTY}auditor`,
    ]));
  });
  afterEach(async function () {
    const open = browser?.contexts().flatMap((c) => c.pages()) ?? [];
    // list-checked: the pages still open when a test failed (none when it passed).
    if (this.currentTest?.state === 'failed')
      for (const [i, page] of open.entries()) await shot(page, `a-failed-${i}`);
    // list-checked: the contexts left open, closed before the next test.
    for (const c of browser?.contexts() ?? []) await c.close();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the county auditor reports the county’s own report in its window; the state shows 已上报', async () => {
    // The county admin fills and saves 本级填报 first (the auditor reports what the admin filled).
    const { page: admin } = await newPhonePage(browser);
    await signIn(admin, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await tap(admin, '本级填报');
    await see(admin, '是否组织统一使用了教育资源公共服务平台');
    await choose(admin, 'platformUsed', '是');
    await choose(admin, 'platformSource', '自建');
    await choose(admin, 'metroNetwork', '否');
    await tap(admin, '保存');
    await see(admin, '已保存');
    await admin.context().close();

    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}auditor`, REGION_DEMO_PASSWORD, '上报进度');
    await tap(page, '审核上报');
    // Not yet open: the button says so and cannot be tapped.
    await see(page, '当前不在本级上报时间内');
    expect(await page.getByText(SUBMIT, { exact: true }).count()).to.equal(0);
    await shot(page, 'a01-auditor-before-window');

    clock.set('2027-01-03T10:00:00+08:00');
    await page.goto(`${server.url}/pages/home/index`);
    await see(page, '上报进度');
    await tap(page, '审核上报');
    await see(page, '2027年1月1日 00:00 至 2027年1月5日 24:00');
    await shot(page, 'a02-auditor-in-window');
    await tap(page, SUBMIT);
    await see(page, '上报后本级数据将锁定，确认向上级上报？');
    await tap(page, '确定');
    await page.locator('.state-tag').filter({ hasText: '已上报', visible: true }).first().waitFor();
    expect(await page.getByText(SUBMIT, { exact: true }).filter({ visible: true }).count()).to.equal(0);
    await shot(page, 'a03-auditor-submitted');
    const report = await Report.findById(`${PERIOD}:region:${COUNTY}`).lean<ReportDoc>();
    expect(report?.state).to.equal('submitted');
    expect(report?.data).to.deep.include({ platformUsed: true, platformSource: '自建', metroNetwork: false });
    // Home shows the county's own report 已上报 too.
    await page.goto(`${server.url}/pages/home/index`);
    await page
      .locator('[data-row="own-report"] .state-tag')
      .filter({ hasText: '已上报', visible: true })
      .first()
      .waitFor();
    await page.context().close();
  });

  it('a 教学点 declares itself a 项目学校; the county confirms it; the school sees 区县已确认', async () => {
    const school = await School.findOne({ regionCode: COUNTY, type: '教学点' }).lean<SchoolDoc>();
    expect(school, 'a demo 教学点 of the county').to.exist;
    expect(school!.projectSchool).to.equal(undefined);
    const schoolAdmin = (await User.findOne({ 'bindings.schoolId': school!._id }).lean<UserDoc>())!;
    await finishFirstLogin(schoolAdmin.loginName);

    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, schoolAdmin.loginName, SCHOOL_ADMIN_PASSWORD, '常用功能');
    await tap(page, '学校基本信息');
    await see(page, '“教学点数字教育资源全覆盖”项目学校');
    await see(page, '未申报');
    await tap(page, '申报为项目学校');
    await see(page, '已申报，待区县确认');
    await shot(page, 'a04-school-declared');
    expect((await School.findById(school!._id).lean<SchoolDoc>())?.projectSchool).to.equal('declared');

    const { page: county } = await newPhonePage(browser);
    await signIn(county, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await tap(county, '学校管理');
    await see(county, /^共 \d+ 所/);
    await county.locator('[data-field="q"] input').first().fill(school!.name);
    await tap(county, school!.name);
    await see(county, '学校已申报，待区县确认');
    await tap(county, '确认为项目学校');
    await see(county, '区县已确认');
    await shot(county, 'a05-county-confirmed');
    expect((await School.findById(school!._id).lean<SchoolDoc>())?.projectSchool).to.equal('confirmed');
    await county.context().close();

    // The school's page, opened afresh: the county's confirmation, and no button to change it.
    await page.goto(`${server.url}/pages/home/index`);
    await tap(page, '学校基本信息');
    await see(page, '区县已确认；如有变化请联系区县管理员');
    expect(await page.getByText('撤销申报', { exact: true }).count()).to.equal(0);
    await shot(page, 'a06-school-confirmed');
    await page.context().close();
  });
});
