// The region pages' small wrongs a newcomer found, end to end on the H5 build in Chromium, on the demo
// world at 2026-11-30 10:00 Beijing time — between windows: the working quarter 2026Q4 is still empty
// and the demo's work (withdrawal requests, returns) sits in 2026Q3, the quarter reported up.
// - The county admin lands on 2026Q3 (where its work is), its tab carries the count of waiting items,
//   and 审核上报's 撤报申请 tab the number of requests to decide (server worklist).
// - The inspector's 本级填报 looks read-only: options grey and untappable, inputs disabled.
// - A finished empty list shows the empty message alone (no ring that reads as a spinner).
// Screenshots l01–l04 go to artifacts/screenshots/.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { finishFirstLogin, manualClock } from '../helpers/fixtures';
import {
  WEB_ROOT,
  fill,
  launchChromium,
  newPhonePage,
  prepareH5,
  see,
  settle,
  shot,
  signIn,
} from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

const COUNTY = '350102';

describe('region pages land where the work is and look as they behave', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-30T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    this.timeout(15 * 60_000);
    await prepareH5();
    server = await startTestServer('e2e_region_landing', {
      env: { WEB_ROOT, DEMO_DATA: '1' },
      options: { clock },
    });
    for (const login of [`${COUNTY}admin`, `${COUNTY}inspector`]) await finishFirstLogin(login);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the county admin lands on 2026Q3 with its waiting items counted on the tabs', async () => {
    const token = await server.login(`${COUNTY}admin`, REGION_DEMO_PASSWORD);
    const work = (await server.api(`/regions/${COUNTY}/worklist`, { token })).body;
    expect(work.working.period).to.equal('2026Q4');
    expect(work.reported.period).to.equal('2026Q3');
    expect(work.reported.pending, JSON.stringify(work)).to.be.above(0);
    expect(work.landing).to.equal('2026Q3');

    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    const on = page.locator('[data-field="period"] .segment-on').filter({ visible: true }).first();
    await on.waitFor();
    expect(await on.innerText()).to.contain('2026年第3季度');
    expect(await on.locator('.segment-badge').innerText()).to.equal(String(work.reported.pending));
    await shot(page, 'l01-county-home-lands-on-work');

    await page.goto(`${server.url}/pages/region-review/index`);
    await see(page, '本级报表历史');
    const tab = page.locator('[data-field="tab"] .segment', { hasText: '撤报申请' }).first();
    if (work.reported.withdrawalRequests > 0)
      expect(await tab.locator('.segment-badge').innerText()).to.equal(
        String(work.reported.withdrawalRequests),
      );
    else expect(await tab.locator('.segment-badge').count()).to.equal(0);
    await shot(page, 'l02-review-tab-badges');
    await page.context().close();
  });

  it('the inspector’s 本级填报 is read-only in look: grey options that ignore taps, disabled inputs', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}inspector`, REGION_DEMO_PASSWORD, '上报进度');
    await page.goto(`${server.url}/pages/region-form/index`);
    await see(page, '本级数据由本级管理员填写');
    await settle(page);
    const choices = await page.locator('.schema-form .choice').count();
    expect(choices).to.be.above(0);
    expect(await page.locator('.schema-form .choice.choice-disabled').count()).to.equal(choices);
    const item = page.locator('.schema-form .choice-item').first();
    const pointerEvents = await item.evaluate(
      (el) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { pointerEvents: string } }
        ).getComputedStyle(el).pointerEvents,
    );
    expect(pointerEvents).to.equal('none');
    const before = await page.locator('.schema-form .choice-item-on').count();
    await item.click({ force: true });
    expect(await page.locator('.schema-form .choice-item-on').count()).to.equal(before);
    expect(await page.locator('.schema-form-readonly').count()).to.equal(1);
    await shot(page, 'l03-inspector-region-form-read-only');
    await page.context().close();
  });

  it('an empty school list shows its message alone, no spinner-like ring', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, `${COUNTY}admin`, REGION_DEMO_PASSWORD, '上报进度');
    await page.goto(`${server.url}/pages/region-schools/index`);
    await page.locator('.row').filter({ visible: true }).first().waitFor();
    await fill(page, 'q', '没有这个名字的学校');
    await see(page, '没有符合条件的学校');
    await settle(page);
    const empty = page.locator('.state-empty').filter({ visible: true }).first();
    expect(await empty.innerText()).to.equal('没有符合条件的学校');
    // Nothing drawn beside the message: no spinner, no round mark.
    expect(await empty.locator('.empty-mark, .nut-empty-image, .nut-loading').count()).to.equal(0);
    expect(await page.locator('.state-loading, .nut-loading, .empty-mark').count()).to.equal(0);
    await shot(page, 'l04-empty-list');
    await page.context().close();
  });
});
