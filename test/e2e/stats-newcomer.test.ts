// End to end on the H5 build in Chromium, demo world, 375 px: the 数据统计 page as a newcomer read it
// (issue 13 findings). 统计单位 says what it counts and equals the list mode's 共 N 所; the list mode
// names the period and category in words; the trend draws no data as gaps with every period labelled;
// the 各下级地区 table shows every column. Screenshots n01…n05 go to artifacts/screenshots/.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { periodLabel, schoolListTitle, statisticsUnitsLabel, statisticsUnitsNote } from '@eduprogress/shared';
import { REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { manualClock } from '../helpers/fixtures';
import {
  WEB_ROOT,
  launchH5Browser,
  newPhonePage,
  overflowing,
  see,
  settle,
  shot,
  signIn,
  tap,
} from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

describe('数据统计 read by a newcomer (H5 in Chromium, demo world, 375 px)', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-24T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let token: string;

  before(async function () {
    this.timeout(15 * 60_000);
    browser = await launchH5Browser();
    server = await startTestServer('e2e_stats_newcomer', {
      env: { WEB_ROOT, DEMO_DATA: '1' },
      options: { clock },
    });
    token = await server.login('350000admin', REGION_DEMO_PASSWORD);
    page = (await newPhonePage(browser)).page;
    await signIn(page, server.url, '350000admin', REGION_DEMO_PASSWORD);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page && !page.isClosed())
      await shot(page, `failed-n-${this.currentTest.title.slice(0, 30).replace(/[^\p{L}\p{N}]+/gu, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const api = async (path: string) => {
    const res = await server.api(path, { token });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body;
  };
  const unitsLine = () => page.locator('.taro_page_show .units-line').first().textContent();

  it('统计单位 says what it counts, and the list mode lists exactly those schools, in words', async () => {
    await page.goto(`${server.url}/charts/region-stats/index`);
    const points = await api('/regions/350000/statistics?category=teachingPoint&page=basic');
    await see(page, statisticsUnitsLabel(points.total, points.category.regionReports));
    await see(
      page,
      statisticsUnitsNote(points.category.label, points.category.schoolTypes, points.category.regionReports),
    );
    await shot(page, 'n01-statistics-units');

    await tap(page, '校校通');
    const city = await api('/regions/350100/statistics?category=schoolNet&page=broadband');
    await page.locator('.taro_page_show [data-row="350100"]').first().click();
    await page.locator('.taro_page_show .crumb-here', { hasText: '福州市' }).waitFor();
    expect(await unitsLine()).to.equal(statisticsUnitsLabel(city.total, true));
    expect(city.total.schools).to.be.greaterThan(0);
    expect(city.total.regionReports).to.be.greaterThan(0);
    await tap(page, '学校明细');
    const list = await api('/regions/350100/statistics/schools?category=schoolNet&pageSize=1');
    expect(list.total).to.equal(city.total.schools);
    await see(page, schoolListTitle('福州市', city.period, '校校通', city.total.schools));
    expect(schoolListTitle('福州市', city.period, '校校通', 1)).to.include(periodLabel(city.period));
    await shot(page, 'n02-statistics-schools');
    expect(await overflowing(page)).to.deep.equal([]);
  });

  it('the trend: no data is null (a gap), the last period has data', async () => {
    await page.goto(`${server.url}/charts/region-stats/index`);
    const stats = await api('/regions/350000/statistics?category=teachingPoint&page=basic');
    const first = stats.indicators.find((d: { kind: string }) => d.kind !== 'distribution');
    const chart = await api(`/regions/350000/statistics/chart?indicator=${first.key}`);
    expect(chart.trend).to.have.length(8);
    expect(chart.trend[7].value).to.not.equal(null);
    expect(chart.trend.slice(0, 7).map((p: { value: number | null }) => p.value)).to.include(null);
    await page.locator('.taro_page_show [data-chart="line"] canvas').first().waitFor();
    await see(page, `${first.unit}（最近 8 期）`);
    await settle(page);
    await shot(page, 'n03-statistics-trend', '.taro_page_show [data-chart="line"]');
  });

  it('各下级地区 at 375 px: every column of the table can be read', async () => {
    await page.goto(`${server.url}/charts/region-stats/index`);
    await see(page, '各下级地区');
    await see(page, '← 表格可左右滑动查看全部列 →');
    const heads = page.locator('.taro_page_show .dt-head .dt-cell');
    expect(await heads.count()).to.be.greaterThan(3);
    await shot(page, 'n04-statistics-table', '.taro_page_show .dt');
    expect(await overflowing(page)).to.deep.equal([]);
    // Every header and figure lies inside the screen once the table is scrolled to it, and no header
    // is cut (its text fits its cell).
    const cut = await page.evaluate(`(() => {
      const out = [];
      const scroller = document.querySelector('.taro_page_show .dt-scroll');
      const cells = [...document.querySelectorAll('.taro_page_show .dt-head .dt-cell, .taro_page_show .dt-body .dt-cell')];
      for (const cell of cells) {
        cell.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        const r = cell.getBoundingClientRect();
        if (r.right > window.innerWidth + 1 || r.left < -1) out.push('outside: ' + cell.textContent);
        const text = cell.firstElementChild || cell;
        if (text.scrollWidth > cell.clientWidth + 1) out.push('cut: ' + cell.textContent);
      }
      // Scrolled to its last column, every row still shows its region's name at the left.
      scroller.scrollLeft = scroller.scrollWidth;
      const left = scroller.getBoundingClientRect().left;
      for (const name of document.querySelectorAll('.taro_page_show .dt-scroll .dt-name')) {
        const r = name.getBoundingClientRect();
        if (Math.abs(r.left - left) > 1) out.push('name scrolled away: ' + name.textContent);
      }
      return out;
    })()`);
    expect(cut).to.deep.equal([]);
    await shot(page, 'n05-statistics-table-scrolled', '.taro_page_show .dt');
  });
});
