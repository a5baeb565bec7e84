// End to end on the H5 build in Chromium, demo world: what newcomers trying the quick start found.
// The first-login forms name the fields still missing; an SMS code asked again too soon says how long
// to wait and counts down; the region charts draw one row per bar (no overlapping labels); the
// 包含未认证教师 text stands clear of its switch; the 激活进度 table fits the 375 px screen.
// Screenshots n01…n07 at 375×812 go to artifacts/screenshots/.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { User } from '../../server/src/accounts/model';
import { REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { manualClock, PASSWORD, regionUser } from '../helpers/fixtures';
import {
  choose,
  fill,
  launchH5Browser,
  newPhonePage,
  see,
  settle,
  shot,
  signIn,
  tap,
  WEB_ROOT,
} from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

describe('what newcomers found (H5 in Chromium, demo world)', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-24T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let province: Page;
  let fresh: Page;
  /** The page the running test acts on (shot when it fails). */
  let focus: Page | undefined;

  before(async function () {
    this.timeout(15 * 60_000);
    browser = await launchH5Browser();
    server = await startTestServer('e2e_newcomer', {
      env: { WEB_ROOT, DEMO_DATA: '1' },
      options: { clock },
    });
    // A county admin at the personal-information step; another (outside the demo province, so its
    // region form was never filled) at the region-form step.
    await regionUser('e2eNew', '350102', 'admin');
    await regionUser('e2eForm', '360102', 'admin');
    await User.updateMany(
      { loginName: { $in: ['e2eNew', 'e2eForm'] } },
      { $set: { mustChangePassword: false, profileCompleted: false } },
    );
    await User.updateOne({ loginName: 'e2eForm' }, { $set: { profileCompleted: true } });
    province = (await newPhonePage(browser)).page;
    await signIn(province, server.url, '350000admin', REGION_DEMO_PASSWORD);
  });
  afterEach(async function () {
    const page = focus;
    focus = undefined;
    if (this.currentTest?.state === 'failed' && page && !page.isClosed())
      await shot(page, `failed-n-${this.currentTest.title.slice(0, 30).replace(/[^\p{L}\p{N}]+/gu, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const formError = (page: Page, text: string | RegExp) =>
    page.locator('.taro_page_show .form-error, .taro_page_show .field-error', { hasText: text }).first();

  it('the personal-information step names each missing field', async () => {
    fresh = focus = (await newPhonePage(browser)).page;
    await signIn(fresh, server.url, 'e2eNew', PASSWORD, '保存并进入');
    await fill(fresh, 'name', '林晓');
    await tap(fresh, '保存并进入');
    await formError(fresh, '请填写：性别、手机号、电子邮箱').waitFor();
    await shot(fresh, 'n01-profile-missing', '.form-error');
  });

  it('the region-form step names the questions left, the follow-ups a 是 opens included', async () => {
    const page = (focus = (await newPhonePage(browser)).page);
    await signIn(page, server.url, 'e2eForm', PASSWORD, '填写地区信息化情况');
    await tap(page, '保存并进入');
    await formError(
      page,
      '请填写：是否组织统一使用了教育资源公共服务平台、是否具有到校的教育城域网',
    ).waitFor();
    await choose(page, 'platformUsed', '是');
    await choose(page, 'metroNetwork', '是');
    await tap(page, '保存并进入');
    await formError(page, '请填写：平台来源、互联网总出口带宽、互联网接入运营商').waitFor();
    await shot(page, 'n02-region-form-missing', '.field-error');
    await page.close();
  });

  it('an SMS code asked again too soon says how many seconds to wait, and the button counts down', async () => {
    focus = fresh;
    await fill(fresh, 'mobile', '13912345678');
    await tap(fresh, '获取验证码');
    await see(fresh, /开发模式验证码：\d{6}/);
    // Leaving the page forgets the countdown; the server still refuses a resend within the minute.
    await fresh.reload();
    await fill(fresh, 'mobile', '13912345678');
    await tap(fresh, '获取验证码');
    await formError(fresh, /验证码发送过于频繁，请 \d+ 秒后再试/).waitFor();
    await see(fresh, /^\d+ 秒后重发$/);
    await shot(fresh, 'n03-sms-too-soon', '.form-error');
  });

  /** The drawn height in px of the page's bar chart. */
  async function barChart(page: Page): Promise<number> {
    const canvas = page.locator('.taro_page_show [data-chart="bar"] canvas').first();
    await canvas.waitFor();
    return (await canvas.boundingBox())!.height;
  }

  it('statistics: one row per region in the bar chart, so names and figures do not overlap', async () => {
    focus = province;
    await province.goto(`${server.url}/charts/region-stats/index`);
    await tap(province, '校校通');
    // 福建省 has 9 cities (and its directly managed schools): at least 26 px a row.
    expect(await barChart(province)).to.be.at.least(9 * 26);
    await shot(province, 'n04-statistics-bars', '.taro_page_show [data-chart="bar"]');
  });

  it('training: 包含未认证教师 stands clear of its switch, and the bars get a row each', async () => {
    focus = province;
    await province.goto(`${server.url}/charts/region-training/index`);
    const row = province.locator('.taro_page_show [data-switch="unverified"]').first();
    await row.waitFor();
    await settle(province);
    const text = (await row.getByText('包含未认证教师').first().boundingBox())!;
    const toggle = (await row.locator('.nut-switch').first().boundingBox())!;
    expect(toggle.x - (text.x + text.width), 'gap between the text and the switch').to.be.at.least(8);
    expect(await barChart(province)).to.be.at.least(9 * 26);
    await shot(province, 'n05-training-switch', '.taro_page_show [data-switch="unverified"]');
    await shot(province, 'n06-training-bars', '.taro_page_show [data-chart="bar"]');
  });

  it('permission codes: the 激活进度 table fits the 375 px screen', async () => {
    focus = province;
    await province.goto(`${server.url}/pages/permission-codes/index`);
    await see(province, '福州市');
    await settle(province);
    const right = await province
      .locator('.taro_page_show .dt-inner')
      .first()
      .evaluate((e) => e.getBoundingClientRect().right);
    expect(right).to.be.at.most(375 + 1);
    await shot(province, 'n07-activation-table');
  });
});
