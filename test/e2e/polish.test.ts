// End to end on the H5 build in Chromium, demo world at 2027-01-03 10:00 Beijing time: what the newcomer
// check found in the app. 我的身份 names the region (福建省 管理员, not 350000 管理员); periods read
// 2026年第4季度 and deadlines 2027年1月5日 24:00, never the API's codes; long school-form labels get a
// line of their own; the school form's last rows scroll clear of the action and tab bars; the bar chart.
// Screenshots p01…p05 at 375×812 go to artifacts/screenshots/.
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { UserDoc } from '../../server/src/accounts/model';
import { REGION_DEMO_PASSWORD, SCHOOL_ADMIN_PASSWORD } from '../../server/src/demo/world';
import { demoSchool, startDemoH5 } from '../helpers/demo-h5';
import { manualClock } from '../helpers/fixtures';
import { newPhonePage, see, settle, shot, SHOTS, signIn } from '../helpers/h5';
import type { TestServer } from '../helpers/server';

const COUNTY = '350102';

describe('newcomer polish (H5 in Chromium, demo world)', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let schoolAdmin: UserDoc;
  let focus: Page | undefined;

  before(async function () {
    this.timeout(15 * 60_000);
    ({ server, browser } = await startDemoH5('e2e_polish', clock, ['350000admin', `${COUNTY}admin`]));
    ({ schoolAdmin } = await demoSchool(COUNTY, '2026Q4', 'draft'));
  });
  afterEach(async function () {
    const page = focus;
    focus = undefined;
    if (this.currentTest?.state === 'failed' && page && !page.isClosed())
      await shot(page, `failed-p-${this.currentTest.title.slice(0, 30).replace(/[^\p{L}\p{N}]+/gu, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async () => (focus = (await newPhonePage(browser)).page);
  /** The text of the page in front. */
  const shown = (page: Page) => page.locator('.taro_page_show').first().innerText();

  it('我的身份 names the region, not its code', async () => {
    const page = await open();
    await signIn(page, server.url, '350000admin', REGION_DEMO_PASSWORD);
    await page.goto(`${server.url}/pages/mine/index`);
    await see(page, '福建省 管理员');
    expect(await shown(page)).to.not.include('350000 管理员');
    await shot(page, 'p01-mine-bindings');
    await page.context().close();
  });

  it('periods and deadlines read in words on the region home, never as codes', async () => {
    const page = await open();
    await signIn(page, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await see(page, '鼓楼区 · 2026年第4季度 上报进度');
    await see(page, '2027年1月1日 00:00 至 2027年1月5日 24:00');
    const text = await shown(page);
    expect(text).to.not.match(/\d{4}Q[1-4]/);
    expect(text).to.not.include('2027-01-06 00:00');
    await shot(page, 'p02-county-home');
    await page.goto(`${server.url}/charts/region-stats/index`);
    await page.locator('.taro_page_show [data-chart="bar"] canvas').first().waitFor();
    await settle(page);
    await see(page, '鼓楼区 · 2026年第4季度');
    expect(await shown(page)).to.not.match(/\d{4}Q[1-4]/);
    await shot(page, 'p03-stats-bars', '[data-chart="bar"]');
    await page.context().close();
  });

  it('the school form: long labels sit above their inputs, and the last rows scroll clear of the bars', async () => {
    const page = await open();
    await signIn(page, server.url, schoolAdmin.loginName, SCHOOL_ADMIN_PASSWORD, '常用功能');
    await page.goto(`${server.url}/pages/report/index`);
    await see(page, '2026年第4季度');
    await page.locator('.taro_page_show .field').first().waitFor();
    // Every label longer than 7 characters has the row's full width and wraps into at most two lines.
    const labels = await page.evaluate(`[...document.querySelectorAll('.taro_page_show .field')].map((f) => {
      const label = f.querySelector('.field-label');
      const row = f.querySelector('.field-row');
      return {
        text: label.textContent,
        long: f.classList.contains('field-long'),
        width: label.getBoundingClientRect().width,
        rowWidth: row.getBoundingClientRect().width,
        lines: Math.round(label.getBoundingClientRect().height / parseFloat(getComputedStyle(label).lineHeight)),
      };
    })`);
    const long = (
      labels as { text: string; long: boolean; width: number; rowWidth: number; lines: number }[]
    ).filter((l) => [...l.text].length > 7);
    expect(long.length, 'long labels on the school form').to.be.greaterThan(0);
    for (const l of long) {
      expect(l.long, l.text).to.equal(true);
      expect(l.width, l.text).to.be.closeTo(l.rowWidth, 1);
      expect(l.lines, l.text).to.be.at.most(2);
    }
    await shot(page, 'p04-school-form-labels', '.field-long');

    // Scrolled to the very end, the last field ends above the sticky actions, which end above the tab bar.
    const bottom = await page.evaluate(`(() => {
      document.querySelectorAll('.taro_page, .taro_router').forEach((e) => (e.scrollTop = e.scrollHeight));
      window.scrollTo(0, document.body.scrollHeight);
      const fields = [...document.querySelectorAll('.taro_page_show .field')];
      const last = fields[fields.length - 1].getBoundingClientRect();
      const actions = document.querySelector('.taro_page_show .sticky-actions').getBoundingClientRect();
      const tabbar = document.querySelector('.taro_page_show .tabbar').getBoundingClientRect();
      return { last: last.bottom, actionsTop: actions.top, actionsBottom: actions.bottom, tabbarTop: tabbar.top };
    })()`);
    const b = bottom as { last: number; actionsTop: number; actionsBottom: number; tabbarTop: number };
    expect(b.last, JSON.stringify(b)).to.be.at.most(b.actionsTop + 1);
    expect(b.actionsBottom, JSON.stringify(b)).to.be.at.most(b.tabbarTop + 1);
    await page.screenshot({ path: path.join(SHOTS, 'p05-school-form-end.png') });
    await page.context().close();
  });
});
