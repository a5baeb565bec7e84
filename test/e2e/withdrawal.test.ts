// 申请撤报 in the app (seed 001 §18), end to end on the H5 build in Chromium, on the demo world (福建省)
// at 2027-01-03 10:00 Beijing time, the county window of 2026Q4 open: a school admin whose report is
// 已上报 files a withdrawal with a reason and the county sees it pending in 审核上报; a county admin
// files one for the county's own reported report; the county's inspector is offered no 申请撤报.
// The national admin (no report of its own) gets no 本级填报, reviews the provinces in 审核上报 and opens
// a province's 本级报表 from the home drill-down. Screenshots w01–w09 go to artifacts/screenshots/.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { UserDoc } from '../../server/src/accounts/model';
import { SCHOOL_ADMIN_PASSWORD, REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { Report, type ReportDoc } from '../../server/src/reports/model';
import type { SchoolDoc } from '../../server/src/schools/model';
import { demoSchool, startDemoH5 } from '../helpers/demo-h5';
import { manualClock } from '../helpers/fixtures';
import { reportCountyUpward } from '../helpers/reports';
import { newPhonePage, see, shot, signIn, tap } from '../helpers/h5';
import type { TestServer } from '../helpers/server';

const PERIOD = '2026Q4';
const COUNTY = '350102';
const SCHOOL_REASON = '在校生数填错，需要撤回修改';
const COUNTY_REASON = '本级城域网情况填错，需要撤回修改';

/** How many 申请撤报 buttons the page shows (the report history names the action too, as text). */
const offered = (page: Page) =>
  page.locator('.nut-button').filter({ hasText: '申请撤报', visible: true }).count();

describe('申请撤报 in the mini-program H5, end to end', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let school: SchoolDoc;
  let schoolAdmin: UserDoc;

  before(async function () {
    this.timeout(15 * 60_000);
    ({ server, browser } = await startDemoH5('e2e_withdrawal', clock, [
      'admin',
      `${COUNTY}admin`,
      `${COUNTY}auditor`,
      `${COUNTY}inspector`,
    ]));
    // A demo school of the county whose report is already 已上报.
    ({ school, schoolAdmin } = await demoSchool(COUNTY, PERIOD, 'submitted'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a school admin files a withdrawal of the submitted report; the county sees it pending', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, schoolAdmin.loginName, SCHOOL_ADMIN_PASSWORD, '常用功能');
    await page.goto(`${server.url}/pages/report/index`);
    await see(page, '报表已上报，不能修改');
    await shot(page, 'w01-school-report-submitted');
    await tap(page, '申请撤报');
    await see(page, '撤报原因');
    // No reason: refused in the app, nothing sent.
    await tap(page, '确认申请');
    await see(page, '撤报原因至少 2 个字');
    await page.locator('[data-field="withdrawal-reason"] textarea').first().fill(SCHOOL_REASON);
    await shot(page, 'w02-school-withdrawal-form', '.withdrawal-request');
    await tap(page, '确认申请');
    await see(page, '报表撤报申请中，不能修改');
    expect(await offered(page)).to.equal(0);
    await shot(page, 'w03-school-withdrawal-requested');
    const report = await Report.findById(`${PERIOD}:school:${school._id}`).lean<ReportDoc>();
    expect(report?.state).to.equal('withdrawalRequested');
    expect(report?.history.at(-1)?.reason).to.equal(SCHOOL_REASON);
    await page.context().close();

    const county = (await newPhonePage(browser)).page;
    await signIn(county, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await county.goto(`${server.url}/pages/region-review/index`);
    await see(county, school.name);
    await see(county, `撤报申请中 · ${SCHOOL_REASON}`);
    await county.context().close();
  });

  it('the national admin: no 本级填报, 审核上报 lists the provinces, a province’s 本级报表 opens', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, 'admin', 'Admin12345', '上报进度');
    await see(page, '审核上报');
    expect(await page.locator('[data-menu="region-form"]').count()).to.equal(0);
    // No report of its own: neither its state nor a window on the national home.
    expect(await page.locator('[data-row="own-report"]').filter({ visible: true }).count()).to.equal(0);
    expect(await page.getByText('本级上报时间').filter({ visible: true }).count()).to.equal(0);
    await tap(page, '福建省');
    await see(page, /^福建省 · .* 上报进度$/);
    await page.locator('[data-row="own-report"]').filter({ visible: true }).first().click();
    await page.waitForURL(/region-unit-report\/index\?kind=region&id=350000&period=/);
    await see(page, '报表历史');
    await shot(page, 'w07-national-province-report');

    await page.goto(`${server.url}/pages/region-form/index`);
    await see(page, '全国不填报本级报表');
    await shot(page, 'w08-national-region-form');
    await page.goto(`${server.url}/pages/region-review/index`);
    await see(page, '撤报申请');
    // The demo's 福建省 report was returned by the nation: the provinces' list shows it.
    await tap(page, '已退回');
    await page.locator('[data-row="350000"]').filter({ visible: true }).first().waitFor();
    expect(await page.getByText('该地区不参与逐级上报').count()).to.equal(0);
    expect(await page.getByText('重试', { exact: true }).count()).to.equal(0);
    await shot(page, 'w09-national-review');
    await page.context().close();
  });

  it('a county admin files a withdrawal of the county’s own reported report; an inspector is offered none', async () => {
    // The county's auditor reports the county's own data upward (the API, as in the region tests).
    await reportCountyUpward(server, COUNTY, PERIOD, {
      admin: await server.login(`${COUNTY}admin`, REGION_DEMO_PASSWORD),
      auditor: await server.login(`${COUNTY}auditor`, REGION_DEMO_PASSWORD),
    });

    const { page: inspector } = await newPhonePage(browser);
    await signIn(inspector, server.url, `${COUNTY}inspector`, REGION_DEMO_PASSWORD, '上报进度');
    await inspector.goto(`${server.url}/pages/region-review/index`);
    await see(inspector, '本级报表历史');
    expect(await offered(inspector)).to.equal(0);
    await inspector.context().close();

    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await page.goto(`${server.url}/pages/region-form/index`);
    await see(page, '本级报表已上报，不能修改');
    await shot(page, 'w04-region-form-submitted');
    await page.goto(`${server.url}/pages/region-review/index`);
    await see(page, '本级报表历史');
    // The window in the shared labels' words on both ends (shared/src/labels.ts).
    await see(page, '2027年1月1日 00:00 至 2027年1月5日 24:00');
    await tap(page, '申请撤报');
    await page.locator('[data-field="withdrawal-reason"] textarea').first().fill(COUNTY_REASON);
    await shot(page, 'w05-review-withdrawal-form', '.withdrawal-request');
    await tap(page, '确认申请');
    // The county's own state tag (the list below already shows the school's pending request).
    await page.locator('.state-tag').filter({ hasText: '撤报申请中', visible: true }).first().waitFor();
    await shot(page, 'w06-review-withdrawal-requested');
    const report = await Report.findById(`${PERIOD}:region:${COUNTY}`).lean<ReportDoc>();
    expect(report?.state).to.equal('withdrawalRequested');
    expect(report?.history.at(-1)?.reason).to.equal(COUNTY_REASON);
    expect(await offered(page)).to.equal(0);
    await page.context().close();
  });
});
