// End to end on the H5 build in Chromium against a real server holding the demo world: the region
// pages of issue 13/14 that carry charts and figures. The statistics page shows the API's figure and
// drills down; the training table shows the API's numbers (also without unverified teachers); a notice
// composed in the app for 小学 of one county reaches a school admin there and not one of another
// county; the bot and permission-code pages work. Screenshots c01…c12 at 375×812 go to
// artifacts/screenshots/.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { formatPercent, periodLabel } from '@eduprogress/shared';
import { REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { BOT_TOKEN } from '../helpers/bot';
import { School } from '../../server/src/schools/model';
import { finishFirstLogin, manualClock, PASSWORD, schoolAdmin } from '../helpers/fixtures';
import {
  WEB_ROOT,
  eventually,
  launchH5Browser,
  newPhonePage,
  overflowing,
  see,
  shot,
  signIn,
  tap,
} from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

const NOTICE_TITLE = '关于鼓楼区小学开展2026年秋季信息化应用展示活动的通知（请各小学认真组织、按时报送材料）';

describe('region pages with charts (H5 in Chromium, demo world)', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-24T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let province: Page;
  /** The page the running test acts on (shot when it fails). */
  let focus: Page | undefined;
  let provinceToken: string;

  before(async function () {
    this.timeout(15 * 60_000);
    browser = await launchH5Browser();
    server = await startTestServer('e2e_charts', {
      env: { WEB_ROOT, DEMO_DATA: '1', BOT_TOKEN },
      options: { clock },
    });
    provinceToken = await server.login('350000admin', REGION_DEMO_PASSWORD);
    province = (await newPhonePage(browser)).page;
    await signIn(province, server.url, '350000admin', REGION_DEMO_PASSWORD);
  });
  afterEach(async function () {
    const page = focus ?? province;
    focus = undefined;
    if (this.currentTest?.state === 'failed' && page && !page.isClosed())
      await shot(page, `failed-c-${this.currentTest.title.slice(0, 30).replace(/[^\p{L}\p{N}]+/gu, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const api = async (path: string, token = provinceToken) => {
    const res = await server.api(path, { token });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body;
  };
  const figure = (page: Page, key: string) =>
    page.locator(`.taro_page_show [data-indicator="${key}"] .figure-num`).first();
  const row = (page: Page, key: string) => page.locator(`.taro_page_show [data-row="${key}"]`).first();

  it('statistics: the page shows the API’s figures, charts them and drills down to a city', async () => {
    await province.goto(`${server.url}/charts/region-stats/index`);
    await tap(province, '校校通');
    const api350000 = await api('/regions/350000/statistics?category=schoolNet&page=broadband');
    const first = api350000.indicators.find((d: { kind: string }) => d.kind !== 'distribution');
    await eventually(
      () => figure(province, first.key).textContent(),
      api350000.total.values[first.key].display,
    );
    expect(api350000.total.units).to.be.greaterThan(0);
    // Both charts are drawn (a canvas each).
    await province.locator('.taro_page_show [data-chart="bar"] canvas').first().waitFor();
    await province.locator('.taro_page_show [data-chart="line"] canvas').first().waitFor();
    await shot(province, 'c01-statistics');
    expect(await overflowing(province)).to.deep.equal([]);

    const city = api350000.children.find((c: { direct: boolean }) => !c.direct);
    await row(province, city.code).click();
    await province.locator('.taro_page_show .crumb-here', { hasText: city.name }).waitFor();
    const apiCity = await api(`/regions/${city.code}/statistics?category=schoolNet&page=broadband`);
    await eventually(
      () => figure(province, first.key).textContent(),
      apiCity.total.values[first.key].display,
    );
    await shot(province, 'c02-statistics-city', '.taro_page_show .dt');

    await tap(province, '学校明细');
    const list = await api(`/regions/${city.code}/statistics/schools?category=schoolNet&pageSize=20`);
    await see(province, new RegExp(`共 ${list.total} 所`));
    await see(province, list.items[0].name);
    await shot(province, 'c03-statistics-schools');
    const download = province.waitForEvent('download');
    await tap(province, '导出 Excel');
    expect((await download).suggestedFilename()).to.equal(
      `${city.name}-${periodLabel(api350000.period)}-校校通-学校明细.xlsx`,
    );
  });

  it('training: the by-region table shows the API’s numbers, with and without unverified teachers', async () => {
    const training = (await api('/trainings')).items[0];
    const stats = await api(`/trainings/${training.id}/stats`);
    await province.goto(`${server.url}/charts/region-training/index`);
    const cells = (r: Record<string, number | null>) => [
      String(r.participants),
      formatPercent(r.participationRate),
      String(r.learners),
      formatPercent(r.learnRate),
      r.avgHours === null ? '—' : String(r.avgHours),
      String(r.completers),
      formatPercent(r.completionRate),
      String(r.nonCompleters),
      formatPercent(r.nonCompletionRate),
    ];
    const cellsOf = (key: string) => row(province, key).locator('.dt-cell').allTextContents();
    await eventually(() => cellsOf(`region-${stats.total.code}`), cells(stats.total));
    expect(stats.children).to.not.be.empty;
    for (const child of stats.children)
      expect(await cellsOf(`${child.kind}-${child.code}`), child.name).to.deep.equal(cells(child));
    await province.locator('.taro_page_show [data-chart="bar"] canvas').first().waitFor();
    await shot(province, 'c04-training');

    const verified = await api(`/trainings/${training.id}/stats?includeUnverified=false`);
    expect(verified.total.participants).to.be.lessThan(stats.total.participants);
    await province.locator('.taro_page_show [data-switch="unverified"] .nut-switch').first().click();
    await eventually(() => cellsOf(`region-${stats.total.code}`), cells(verified.total));

    const city = stats.children.find((c: { kind: string }) => c.kind === 'region');
    await row(province, `region-${city.code}`).click();
    const cityStats = await api(
      `/trainings/${training.id}/stats?region=${city.code}&includeUnverified=false`,
    );
    await eventually(() => cellsOf(`region-${city.code}`), cells(cityStats.total));
    await tap(province, '折线图');
    await province.locator('.taro_page_show [data-chart="line"] canvas').first().waitFor();
    await shot(province, 'c05-training-city-line', '.taro_page_show [data-chart="line"]');
    const download = province.waitForEvent('download');
    await tap(province, '导出 Excel');
    expect((await download).suggestedFilename()).to.match(/福州市-按区域统计\.xlsx$/);

    await tap(province, '按学员');
    const teachers = await api(`/trainings/${training.id}/teachers?region=${city.code}&pageSize=5`);
    const name = teachers.items[0].name as string;
    await province.locator('.taro_page_show [data-field="teacherName"] input').first().fill(name);
    await tap(province, '搜索');
    const found = await api(
      `/trainings/${training.id}/teachers?region=${city.code}&q=${encodeURIComponent(name)}&pageSize=20`,
    );
    await see(province, new RegExp(`共 ${found.total} 人`));
    await see(province, new RegExp(`${name}（`));
    await shot(province, 'c06-training-teachers');
    // The by-teacher export is named by the region's name, not its code.
    const teachersDownload = province.waitForEvent('download');
    await tap(province, '导出 Excel');
    expect((await teachersDownload).suggestedFilename()).to.equal(
      `${training.name}-${city.name}-学员明细.xlsx`,
    );
  });

  it('a notice composed for 小学 of a county reaches a school admin there and not one of another county', async () => {
    const inside = await School.findOne({ regionCode: '350102', type: '小学' }).lean();
    const outside = await School.findOne({ regionCode: '350103', type: '小学' }).lean();
    expect(inside && outside, 'demo 小学 in 鼓楼区 and 台江区').to.be.ok;
    await schoolAdmin('e2eInside', inside!);
    await schoolAdmin('e2eOutside', outside!);
    await finishFirstLogin('e2eInside');
    await finishFirstLogin('e2eOutside');

    const county = (focus = (await newPhonePage(browser)).page);
    await signIn(county, server.url, '350102admin', REGION_DEMO_PASSWORD);
    await county.goto(`${server.url}/pages/notice-compose/index`);
    await county.locator('.taro_page_show [data-field="title"] input').first().fill(NOTICE_TITLE);
    await county
      .locator('.taro_page_show [data-field="content"] textarea')
      .first()
      .fill('请各小学于12月10日前报送展示材料。\n联系人：电教站 王老师');
    await county.locator('.taro_page_show [data-chips="schoolTypes"] .chip', { hasText: /^小学$/ }).click();
    const chooser = county.waitForEvent('filechooser');
    await tap(county, '添加附件');
    await (
      await chooser
    ).setFiles({
      name: '展示活动方案.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('活动方案：各校推荐一节信息化应用示范课。'),
    });
    await see(county, '展示活动方案.txt');
    await see(county, /已存为草稿/);
    await shot(county, 'c07-notice-compose');
    await tap(county, '发布');
    await tap(county, '确定');
    await see(county, NOTICE_TITLE);

    const insideToken = await server.login('e2eInside', PASSWORD);
    const outsideToken = await server.login('e2eOutside', PASSWORD);
    const received = (await api('/notices', insideToken)).items as { id: string; title: string }[];
    const notice = received.find((n) => n.title === NOTICE_TITLE);
    expect(notice, 'in the inbox of the 鼓楼区 小学').to.be.ok;
    expect(
      ((await api('/notices', outsideToken)).items as { title: string }[]).map((n) => n.title),
    ).not.to.include(NOTICE_TITLE);
    expect((await server.api(`/notices/${notice!.id}`, { token: outsideToken })).status).to.equal(403);

    // The school admin opens it in the app; the county sees the read count move.
    const school = (await newPhonePage(browser)).page;
    await signIn(school, server.url, 'e2eInside', PASSWORD);
    await school.goto(`${server.url}/pages/notice/index?id=${notice!.id}`);
    await see(school, '请各小学于12月10日前报送展示材料。');
    await see(school, /展示活动方案\.txt/);
    const countyToken = await server.login('350102admin', REGION_DEMO_PASSWORD);
    const reads = await api(`/notices/${notice!.id}/reads`, countyToken);
    expect(reads.totals.read).to.equal(1);
    await county.reload();
    await tap(county, '已发通知');
    await tap(county, NOTICE_TITLE);
    await see(county, `已读 1 / ${reads.totals.recipients} 人`);
    await shot(county, 'c08-notice-reads');
    expect(await overflowing(county)).to.deep.equal([]);
  });

  it('bot: a binding code for a group and the bound groups', async () => {
    await province.goto(`${server.url}/pages/bot-groups/index`);
    await tap(province, '生成绑定码');
    const code = await province
      .locator('.taro_page_show [data-binding-code]')
      .first()
      .getAttribute('data-binding-code');
    expect(code).to.match(/^[0-9A-Z]{8}$/);
    // The bot spends the code in a group; the page then lists the group.
    const topic = '福建省教育信息化工作群（2026年秋季学期进展上报专用）';
    const bound = await server.api('/bot/rooms/bind', {
      body: { code, roomId: 'room-e2e-charts', roomTopic: topic },
      headers: { Authorization: `Bot ${BOT_TOKEN}` },
    });
    expect(bound.status, JSON.stringify(bound.body)).to.equal(200);
    await province.reload();
    await see(province, topic);
    await see(province, '尚未推送');
    await shot(province, 'c09-bot');
  });

  it('permission codes: activation progress drills down; a code is issued once and listed', async () => {
    const activation = await api('/regions/350000/activation');
    await province.goto(`${server.url}/pages/permission-codes/index`);
    // The 学校 column: 已激活/总数 over the rate.
    const cells = (r: { schoolsTotal: number; schoolsActivated: number }) => [
      `${r.schoolsActivated}/${r.schoolsTotal}`,
    ];
    const firstCells = async (key: string) =>
      (await row(province, key).locator('.dt-cell').first().locator('.block').allTextContents()).slice(0, 1);
    await eventually(() => firstCells('350000'), cells(activation.totals));
    await shot(province, 'c10-activation');
    const city = activation.children[0];
    await row(province, city.code).click();
    const cityActivation = await api(`/regions/${city.code}/activation`);
    await eventually(() => firstCells(city.code), cells(cityActivation.totals));
    await tap(province, '权限码');
    await tap(province, '生成权限码');
    const plain = await province
      .locator('.taro_page_show [data-plain-code]')
      .first()
      .getAttribute('data-plain-code');
    const listed = await api('/permission-codes?kind=region');
    expect(listed.items.some((c: { state: string }) => c.state === 'unused')).to.equal(true);
    expect(JSON.stringify(listed)).not.to.include(plain!);
    await see(province, '未使用');
    await shot(province, 'c11-permission-codes');
  });
});
