// End to end on the H5 build in Chromium for the seeds' requests (issue 15): a county admin's first
// login ends with the region form (seed 000 §4.1) and files a school-deletion request (seed 001 §11)
// that the national admin approves; a province files its monthly report (seed 001 第二十条) and the
// national level sees it filed. Screenshots go to artifacts/screenshots/ (git-ignored).
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { User } from '../../server/src/accounts/model';
import { FirstLoginStep } from '../../server/src/first-login/region-form';
import { MonthlyReport } from '../../server/src/monthly-reports/model';
import { School } from '../../server/src/schools/model';
import { manualClock, PASSWORD, plainSchool, regionUser } from '../helpers/fixtures';
import { launchH5Browser, newPhonePage, see, shot, tap, WEB_ROOT } from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

describe('mini-program H5: school requests, the region form step and the monthly report', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-20T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  let schoolId: string;

  before(async function () {
    this.timeout(15 * 60_000);
    browser = await launchH5Browser();
    server = await startTestServer('e2e_seeds', {
      env: { WEB_ROOT, REPORT_CYCLE: 'monthly' },
      options: { clock },
    });
    for (const [login, code] of [
      ['e2eGl', '350102'],
      ['e2eFj', '350000'],
      ['e2eNatl', '000000'],
    ]) {
      await regionUser(login, code, 'admin');
      await User.updateOne(
        { loginName: login },
        { $set: { profileCompleted: true, name: `${login}管理员` } },
      );
    }
    // 福建省 filled its region form before: only 鼓楼区's admin meets the step here.
    await FirstLoginStep.create({ _id: 'regionForm:350000', period: '2026-10', at: clock() });
    schoolId = String((await plainSchool('鼓楼撤并小学', '350102', { initialized: true }))._id);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A phone-sized page signed in as `login` (through the login page). */
  async function signedIn(login: string): Promise<Page> {
    const { page } = await newPhonePage(browser);
    await page.goto(`${server.url}/`);
    await page.locator('[data-field="account"] input').first().fill(login);
    await page.locator('[data-field="password"] input').first().fill(PASSWORD);
    await press(page, '登录');
    return page;
  }
  const press = tap;
  const visible = (page: Page, text: string | RegExp) => see(page, text);
  const picture = shot;

  it('a county admin fills the region form at first login, then files a deletion request', async () => {
    const page = await signedIn('e2eGl');
    await visible(page, '填写地区信息化情况');
    await page.locator('[data-field="platformUsed"] .choice-item', { hasText: '是' }).first().click();
    await page.locator('[data-field="platformSource"] .choice-item', { hasText: '省级提供' }).first().click();
    await page.locator('[data-field="metroNetwork"] .choice-item', { hasText: '否' }).first().click();
    await picture(page, 'seeds-01-region-form-step');
    await press(page, '保存并进入');
    await visible(page, /上报进度/);

    await page.goto(`${server.url}/pages/school-requests/index`);
    await visible(page, '提出申请');
    await page.locator('[data-field="schoolQuery"] input').first().fill('撤并');
    await press(page, '查找');
    await press(page, '鼓楼撤并小学');
    await page.locator('textarea').first().fill('该校已于 2026 年 9 月撤并');
    await picture(page, 'seeds-02-school-request-form');
    await press(page, '提交申请');
    await visible(page, '待审批');
  });

  it('the national admin approves it; the school is gone', async () => {
    const page = await signedIn('e2eNatl');
    await visible(page, '我的');
    await page.goto(`${server.url}/pages/school-requests/index`);
    await visible(page, /鼓楼撤并小学/);
    await page.locator('[data-field="comment"] input').first().fill('同意撤销');
    await picture(page, 'seeds-03-school-request-decide');
    await press(page, '批准');
    await visible(page, '已批准');
    expect(await School.exists({ _id: schoolId })).to.equal(null);
  });

  it('a province files its monthly report; the national level sees it filed', async () => {
    const province = await signedIn('e2eFj');
    await visible(province, '我的');
    await province.goto(`${server.url}/pages/monthly-reports/index`);
    await visible(province, '2026年11月 月报');
    await province
      .locator('textarea')
      .first()
      .fill('本月完成全省中小学宽带提速。\n启动教师信息技术能力培训。');
    await picture(province, 'seeds-04-monthly-report');
    await press(province, '报送');
    await visible(province, '已报送');
    const stored = await MonthlyReport.findById('2026-11:350000').lean();
    expect(stored).to.deep.include({
      status: 'filed',
      content: '<p>本月完成全省中小学宽带提速。</p><p>启动教师信息技术能力培训。</p>',
    });

    const national = await signedIn('e2eNatl');
    await visible(national, '我的');
    await national.goto(`${server.url}/pages/monthly-reports/index`);
    await visible(national, /已报送 1 \/ \d+ 个省份/);
    await national.locator('[data-province="350000"]').getByText('已报送').waitFor({ timeout: 20_000 });
    await picture(national, 'seeds-05-monthly-overview');
  });
});
