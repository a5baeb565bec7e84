// End to end on the H5 build in Chromium for region users (issue 14), on the demo world (福建省) at
// 2027-01-03 10:00, Beijing time — the county window of 2026Q4 is open: a county admin watches a
// school's submission arrive in progress without reloading the app and returns it with a reason (the
// school sees 已退回); the province auditor decides a city's withdrawal; an inspector finds no action
// buttons. Screenshots r01–r17 of every region page at 375×812 go to artifacts/screenshots/.
import { periodLabel } from '@eduprogress/shared';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { User, type UserDoc } from '../../server/src/accounts/model';
import { SCHOOL_ADMIN_PASSWORD, REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { Report, type ReportDoc } from '../../server/src/reports/model';
import type { SchoolDoc } from '../../server/src/schools/model';
import { demoSchool, startDemoH5 } from '../helpers/demo-h5';
import { manualClock } from '../helpers/fixtures';
import { choose, newPhonePage, overflowing, see, shot, signIn, tap, tapFirst } from '../helpers/h5';
import { goodSchoolReport } from '../helpers/reports';
import type { TestServer } from '../helpers/server';

const PERIOD = '2026Q4';
/** The period as the app shows it (shared/src/labels.ts: periodLabel). */
const PERIOD_LABEL = '2026年第4季度';
const COUNTY = '350102';
/** The texts of every action button of the region pages: none may be visible to an inspector. */
const ACTIONS = [
  '退回',
  '确认退回',
  '批准撤报',
  '不批准',
  '上报本级报表',
  '填写本级数据',
  '保存',
  '重置密码',
  '锁定',
  '解锁',
  '确认为项目学校',
  '不是项目学校',
];
const RETURN_REASON = '在校生数与班级数不符，请核实后重新上报';

describe('mini-program H5 for region users, end to end', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let school: SchoolDoc;
  let schoolAdmin: UserDoc;
  let county: Page;

  before(async function () {
    this.timeout(15 * 60_000);
    ({ server, browser } = await startDemoH5('e2e_region', clock, [
      `${COUNTY}admin`,
      `${COUNTY}inspector`,
      '350000auditor',
    ]));
    // The demo county's school whose report waits to be filled in (the printed demo school login).
    ({ school, schoolAdmin } = await demoSchool(COUNTY, PERIOD, 'draft'));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && county && !county.isClosed())
      await shot(county, `r-failed-${this.currentTest.title.slice(0, 40).replace(/[^\p{L}\p{N}]+/gu, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const progress = async (token: string) =>
    (await server.api(`/regions/${COUNTY}/progress?period=${PERIOD}`, { token })).body;
  const noActions = async (page: Page, where: string) => {
    for (const text of ACTIONS) {
      const visible = await page.getByText(text, { exact: true }).filter({ visible: true }).count();
      expect(visible, `${where}：${text}`).to.equal(0);
    }
  };
  const menu = async (page: Page, title: string) => {
    await page.goto(`${server.url}/pages/home/index`);
    await see(page, '功能');
    await tap(page, title);
  };

  it('a county admin sees a school’s submission appear in progress without reloading the app', async () => {
    county = (await newPhonePage(browser)).page;
    await signIn(county, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    const token = await server.login(`${COUNTY}admin`, REGION_DEMO_PASSWORD);
    const before = await progress(token);
    // The demo's real numbers, as the API gives them.
    await see(county, `鼓楼区 · ${PERIOD_LABEL} 上报进度`);
    const row = `已报 ${before.totals.submitted}/${before.totals.units}`;
    await see(county, new RegExp(`^${row}`));
    await see(county, '本级上报时间');
    await see(county, '2027年1月1日 00:00 至 2027年1月5日 24:00');
    await shot(county, 'r01-county-home');
    expect(await overflowing(county)).to.deep.equal([]);

    const schoolToken = await server.login(schoolAdmin.loginName, SCHOOL_ADMIN_PASSWORD);
    const put = await server.api(`/schools/${school._id}/reports/${PERIOD}`, {
      method: 'PUT',
      token: schoolToken,
      body: { data: goodSchoolReport },
    });
    expect(put.status).to.equal(200);
    const submitted = await server.api(`/schools/${school._id}/reports/${PERIOD}/submit`, {
      method: 'POST',
      token: schoolToken,
    });
    expect(submitted.status).to.equal(200);
    // No reload, no navigation: the page polls.
    const navigations: string[] = [];
    county.on('framenavigated', (f) => navigations.push(f.url()));
    await see(county, new RegExp(`^已报 ${before.totals.submitted + 1}/${before.totals.units}`), 30_000);
    expect(navigations).to.deep.equal([]);
    expect((await progress(token)).totals.submitted).to.equal(before.totals.submitted + 1);
  });

  it('supervision: 填报管理, 更新管理, the overdue and the auto-submitted lists', async () => {
    await menu(county, '督促管理');
    await see(county, /学校 \d+ · 已初始化 \d+/);
    await shot(county, 'r02-supervision-fill');
    await tap(county, '更新管理');
    // The demo's schools have never saved their basic information since the import.
    await see(county, /^更早或从未更新（\d+）$/);
    await see(county, /^共 \d+ 所$/);
    await shot(county, 'r03-supervision-updates');
    await tap(county, '逾期未报');
    await see(county, '暂无逾期未报的学校（截止时间未到，或均已上报）');
    await shot(county, 'r04-supervision-overdue');
    await tap(county, '自动上报');
    const auto = await server.api(`/regions/${COUNTY}/reports?period=${PERIOD}&autoSubmitted=true`, {
      token: await server.login(`${COUNTY}admin`, REGION_DEMO_PASSWORD),
    });
    // Schools and the county's own report alike: counted as reports, not 所.
    await see(county, `共 ${auto.body.total} 份报表（学校与地区）`);
    if (auto.body.total) await see(county, auto.body.items[0].unit.name);
    await shot(county, 'r05-supervision-auto');
  });

  it('a tab whose answers take longer than the poll interval still shows them (a poll does not restart the load)', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    // Every school-list answer arrives 12 s late: longer than the pages' 10 s poll.
    let delayed = 0;
    await page.route(/\/api\/v1\/schools\?/, async (route) => {
      delayed += 1;
      await new Promise((r) => setTimeout(r, 12_000));
      await route.continue();
    });
    await menu(page, '督促管理');
    await see(page, /学校 \d+ · 已初始化 \d+/);
    await tap(page, '更新管理');
    await see(page, /^更早或从未更新（\d+）$/, 45_000);
    expect(delayed).to.be.greaterThan(0);
    await page.context().close();
  });

  it('the county admin returns the school’s report with a reason and a time limit; the school sees 已退回', async () => {
    await menu(county, '审核上报');
    await see(county, `本级报表 · ${PERIOD_LABEL}`);
    await see(county, '撤报申请');
    await shot(county, 'r06-review');
    await tap(county, '已上报');
    await see(county, school.name);
    await tap(county, school.name);
    await see(county, '疑似问题');
    await see(county, '没有疑似问题');
    await shot(county, 'r07-school-report');
    await tap(county, '退回');
    await county.locator('textarea').first().fill(RETURN_REASON);
    // The time limit is picked, not typed: a date picker from today to 30 days ahead, then a time.
    expect(await county.locator('[data-field="until"] input:not([type="hidden"])').count()).to.equal(0);
    await county.locator('.until-date').click();
    await see(county, '确定');
    const years = await county
      .locator('.weui-picker__group')
      .first()
      .locator('.weui-picker__item')
      .allInnerTexts();
    expect(years.filter((y) => y.trim())).to.deep.equal(['2027年']);
    await shot(county, 'r08a-return-date-picker');
    await tap(county, '确定');
    // The picker slides away before anything else is tapped (its mask would take the tap).
    await county.locator('.weui-mask').filter({ visible: true }).first().waitFor({ state: 'hidden' });
    await see(county, '2027年1月6日 18:00');
    await shot(county, 'r08-return-form');
    await tap(county, '确认退回');
    await see(county, '已退回');
    await see(county, '2027年1月6日 18:00');
    const report = await Report.findById(`${PERIOD}:school:${school._id}`).lean<ReportDoc>();
    expect(report?.state).to.equal('returned');
    expect(report?.history.at(-1)?.reason).to.equal(RETURN_REASON);

    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, schoolAdmin.loginName, SCHOOL_ADMIN_PASSWORD, '常用功能');
    await see(page, '已退回');
    await see(page, `退回原因：${RETURN_REASON}`);
    await see(page, '限时修改至：2027年1月6日 18:00');
    await page.context().close();
  });

  it('the region form, the schools with their filters, and a school with its admin account', async () => {
    await menu(county, '本级填报');
    await see(county, '是否组织统一使用了教育资源公共服务平台');
    await choose(county, 'platformUsed', '是');
    await choose(county, 'platformSource', '自建');
    await choose(county, 'metroNetwork', '否');
    await shot(county, 'r09-region-form');
    await tap(county, '保存');
    await see(county, '已保存');
    const saved = await Report.findById(`${PERIOD}:region:${COUNTY}`).lean<ReportDoc>();
    expect(saved?.data).to.deep.include({ platformUsed: true, platformSource: '自建', metroNetwork: false });

    await menu(county, '学校管理');
    await see(county, new RegExp(`^共 \\d+ 所 · ${PERIOD_LABEL}$`));
    await shot(county, 'r10-schools');
    await tap(county, '筛选');
    await choose(county, 'type', '小学');
    await see(county, '收起筛选');
    await shot(county, 'r11-schools-filters');
    const primary = await server.api(`/schools?region=${COUNTY}&type=${encodeURIComponent('小学')}`, {
      token: await server.login(`${COUNTY}admin`, REGION_DEMO_PASSWORD),
    });
    await see(county, new RegExp(`^共 ${primary.body.total} 所`));
    const other = primary.body.items.find((s: { id: string }) => s.id !== String(school._id));
    await tap(county, other.name);
    await see(county, '学校管理员账号');
    await shot(county, 'r12-school');
    await tap(county, '重置密码');
    await tap(county, '确定');
    await see(county, '一次性密码（仅显示这一次，请立即告知学校管理员）');
    const code = await county.locator('.once-code').first().textContent();
    expect(code).to.match(/^\d{6}$/);
    await shot(county, 'r13-school-password');
    await tap(county, '锁定');
    await see(county, '锁定后该管理员无法登录，直到解锁。确认锁定？');
    await tap(county, '确定');
    await see(county, '已锁定');
    const admin = await User.findOne({ 'bindings.schoolId': other.id }).lean<UserDoc>();
    expect(admin?.locked).to.equal(true);
    await tap(county, '解锁');
    await see(county, '正常');
  });

  it('the province auditor drills down, and decides a city’s withdrawal request', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, '350000auditor', REGION_DEMO_PASSWORD, '上报进度');
    await see(page, '福州市');
    await shot(page, 'r14-province-home');
    await tap(page, '福州市');
    await see(page, `福州市 · ${PERIOD_LABEL} 上报进度`);
    await see(page, '鼓楼区');
    await shot(page, 'r15-drill-down');
    await page.locator('.crumb', { hasText: '福建省' }).first().click();
    await see(page, `福建省 · ${PERIOD_LABEL} 上报进度`);

    await tap(page, '审核上报');
    await see(page, /^撤报申请中 · /);
    await tap(page, '福州市');
    await see(page, /撤报申请：/);
    await shot(page, 'r16-withdrawal');
    await tap(page, '批准撤报');
    // A decision is confirmed first (批准 reopens the city's report for a limited time).
    await see(page, /^确认批准福州市的撤报申请？/);
    await tap(page, '确定');
    await see(page, '限时修改至');
    const city = await Report.findById(`${PERIOD}:region:350100`).lean<ReportDoc>();
    expect(city?.state).to.equal('returned');
    await page.context().close();
  });

  it('an inspector sees every page of the county read-only: no action buttons anywhere', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}inspector`, REGION_DEMO_PASSWORD, '上报进度');
    await noActions(page, '首页');
    await menu(page, '督促管理');
    await see(page, /学校 \d+ · 已初始化/);
    await noActions(page, '督促管理');
    await menu(page, '审核上报');
    await see(page, `本级报表 · ${PERIOD_LABEL}`);
    await noActions(page, '审核上报');
    // A withdrawal request and a returned report: neither decide nor return buttons.
    await tap(page, '撤报申请');
    await see(page, /^撤报申请中 · /);
    await tapFirst(page, '.row');
    await see(page, /撤报申请：/);
    await noActions(page, '撤报申请');
    await shot(page, 'r17-inspector-withdrawal');
    await page.goto(
      `${server.url}/pages/region-unit-report/index?kind=school&id=${school._id}&period=${PERIOD}`,
    );
    await see(page, '已退回');
    await noActions(page, '已退回的报表');
    await menu(page, '本级填报');
    await see(page, '本级数据由本级管理员填写');
    await noActions(page, '本级填报');
    await menu(page, '学校管理');
    await see(page, /^共 \d+ 所/);
    await tapFirst(page, '.row');
    await see(page, '学校管理员账号');
    await noActions(page, '学校');
  });

  it('once the next quarter has begun, home and 审核上报 open where the work is and offer both periods', async () => {
    // After the windows of PERIOD, the region works on the next quarter; while PERIOD's requests still
    // wait (what the bot's 进度 shows) the pages open on PERIOD (the worklist's landing), and offer both.
    clock.set('2027-02-20T10:00:00+08:00');
    const token = await server.login('350000auditor', REGION_DEMO_PASSWORD);
    const periods = (await server.api('/periods/current', { token })).body;
    expect(periods.period).to.equal(PERIOD);
    expect(periods.working.period).to.not.equal(PERIOD);
    const waiting = (
      await server.api(`/regions/350000/reports?period=${PERIOD}&state=withdrawalRequested&direct=true`, {
        token,
      })
    ).body.total;
    const work = (await server.api('/regions/350000/worklist', { token })).body;
    expect(work.reported).to.deep.include({ period: PERIOD, withdrawalRequests: waiting });
    const landing: string = work.reported.pending ? PERIOD : periods.working.period;
    expect(work.landing).to.equal(landing);
    const other = landing === PERIOD ? periods.working.period : PERIOD;
    const tabOf = (p: string) => (p === PERIOD ? `${PERIOD_LABEL}（上报期）` : `${periodLabel(p)}（本期）`);
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, '350000auditor', REGION_DEMO_PASSWORD, '上报进度');
    await see(page, `福建省 · ${periodLabel(landing)} 上报进度`);
    await tap(page, tabOf(other));
    await see(page, `福建省 · ${periodLabel(other)} 上报进度`);
    await tap(page, '审核上报');
    await see(page, `本级报表 · ${periodLabel(landing)}`);
    if (landing !== PERIOD) await tap(page, tabOf(PERIOD));
    await see(page, `本级报表 · ${PERIOD_LABEL}`);
    if (waiting) await see(page, /^撤报申请中 · /);
    else await see(page, '没有待审批的撤报申请');
    await shot(page, 'r18-review-reported-period');
    await page.context().close();
  });
});
