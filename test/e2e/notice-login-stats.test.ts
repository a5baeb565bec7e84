// End to end on the H5 build in Chromium against a real server holding the demo world, for gaps a
// newcomer found: a notice draft whose attachment upload failed (413) opens again from 已发通知, drops or
// retries the file, and is published or deleted; 忘记密码 on the login page resets a password by SMS (the
// test SMS adapter's code) and by e-mail (captcha, the recording mail sender's code) and signs in; the
// statistics page logs no console error (VChart's tooltip handler). Screenshots s01…s08.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { User } from '../../server/src/accounts/model';
import { RecordingSmsProvider } from '../../server/src/accounts/sms';
import { REGION_DEMO_PASSWORD } from '../../server/src/demo/world';
import { Captcha, captchaAnswerHash } from '../../server/src/password-reset/captcha';
import { RecordingEmailSender } from '../../server/src/password-reset/email';
import {
  finishFirstLogin,
  manualClock,
  PASSWORD,
  regionUser,
  school,
  schoolAdmin,
} from '../helpers/fixtures';
import { WEB_ROOT, fill, launchH5Browser, newPhonePage, see, settle, shot, signIn, tap } from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

const TOO_BIG = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20 * 1024 * 1024 + 100, 0x20)]);

describe('notice drafts, 忘记密码 and a quiet statistics page (H5 in Chromium, demo world)', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-24T10:00:00+08:00');
  const sms = new RecordingSmsProvider();
  const email = new RecordingEmailSender();
  let server: TestServer;
  let browser: Browser;
  /** The page the running test acts on (shot when it fails). */
  let focus: Page | undefined;

  before(async function () {
    this.timeout(15 * 60_000);
    browser = await launchH5Browser();
    server = await startTestServer('e2e_seeds', {
      env: { WEB_ROOT, DEMO_DATA: '1' },
      options: { clock, sms, email },
    });
  });
  afterEach(async function () {
    const page = focus;
    focus = undefined;
    if (this.currentTest?.state === 'failed' && page && !page.isClosed())
      await shot(page, `failed-s-${this.currentTest.title.slice(0, 30).replace(/[^\p{L}\p{N}]+/gu, '-')}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const sentNotices = async (token: string) => {
    const res = await server.api('/notices?box=sent&pageSize=50', { token });
    expect(res.status).to.equal(200);
    return res.body.items as { id: string; title: string; status: string; attachmentCount: number }[];
  };

  /** Writes a notice for 小学 and adds `file` as its attachment (the first one makes the draft). */
  async function composeWithFile(page: Page, title: string, file: { name: string; buffer: Buffer }) {
    await page.goto(`${server.url}/pages/notice-compose/index`);
    await page.locator('.taro_page_show [data-field="title"] input').first().fill(title);
    await page
      .locator('.taro_page_show [data-field="content"] textarea')
      .first()
      .fill('请各小学按附件要求报送。');
    await page.locator('.taro_page_show [data-chips="schoolTypes"] .chip', { hasText: /^小学$/ }).click();
    const chooser = page.waitForEvent('filechooser');
    await tap(page, '添加附件');
    await (await chooser).setFiles({ name: file.name, mimeType: 'application/pdf', buffer: file.buffer });
  }

  /** The code the dev build shows (the development SMS or mail sender's, the one "sent"). */
  async function shownCode(page: Page): Promise<string> {
    const shown = await page
      .getByText(/开发模式验证码：\d{6}/)
      .first()
      .textContent({ timeout: 20_000 });
    return /(\d{6})/.exec(shown ?? '')![1];
  }

  /** Sets the new password twice, taps submit and waits for the home page. */
  async function resetAndSignIn(page: Page, password: string, shotName: string) {
    await fill(page, 'newPassword', password);
    await fill(page, 'confirmPassword', password);
    await shot(page, shotName);
    await tap(page, '设置新密码并登录');
    await page.waitForURL(/pages\/home\/index/, { timeout: 30_000 });
    const login = await server.api('/auth/login', { body: { account: 'e2eForgot', password } });
    expect(login.status).to.equal(200);
  }

  const failedRow = (page: Page, name: string) =>
    page.locator(`.taro_page_show [data-failed="${name}"]`).first();

  it('a draft whose upload was refused (413) keeps the file to retry or remove, opens again and is published', async () => {
    const county = (focus = (await newPhonePage(browser)).page);
    const token = await server.login('350102admin', REGION_DEMO_PASSWORD);
    await signIn(county, server.url, '350102admin', REGION_DEMO_PASSWORD);
    const title = '关于报送信息化应用案例的通知（附件上传失败后发布）';
    await composeWithFile(county, title, { name: '应用案例汇编.pdf', buffer: TOO_BIG });
    const failed = failedRow(county, '应用案例汇编.pdf');
    await failed.getByText(/附件过大，单个附件不能超过 20 MB/).waitFor({ timeout: 60_000 });
    await see(county, /已存为草稿/);
    await shot(county, 's01-notice-upload-failed', '[data-failed]');
    const draft = (await sentNotices(token)).find((n) => n.title === title);
    expect(draft).to.deep.include({ status: 'draft', attachmentCount: 0 });

    // 重试 sends the same file again (refused again: still listed with the reason); 移除 drops it.
    await failed.getByText('重试', { exact: true }).click();
    await settle(county);
    // While it is sent again the row offers nothing (a 移除 then would be undone by the answer).
    await failed.getByText(/附件过大/).waitFor({ timeout: 60_000 });
    await failed.getByText('移除', { exact: true }).click();
    await failed.waitFor({ state: 'detached' });

    // Leaving the page loses nothing: 已发通知 opens the draft again in 写通知.
    await county.reload();
    await tap(county, '已发通知');
    await county
      .locator(`.taro_page_show [data-notice="${draft!.id}"]`)
      .getByText(/草稿（点击继续编辑）/)
      .click();
    await see(county, /已存为草稿/);
    expect(await county.locator('.taro_page_show [data-field="title"] input').first().inputValue()).to.equal(
      title,
    );
    const chooser = county.waitForEvent('filechooser');
    await tap(county, '添加附件');
    await (
      await chooser
    ).setFiles({ name: '报送说明.txt', mimeType: 'text/plain', buffer: Buffer.from('请于12月10日前报送。') });
    await county.locator('.taro_page_show [data-attachment="报送说明.txt"]').waitFor();
    await shot(county, 's02-notice-draft-reopened');
    await tap(county, '发布');
    await tap(county, '确定');
    await see(county, title);
    const published = (await sentNotices(token)).find((n) => n.id === draft!.id);
    expect(published).to.deep.include({ status: 'published', attachmentCount: 1 });
  });

  it('a draft whose upload was refused is deleted from 已发通知', async () => {
    const county = (focus = (await newPhonePage(browser)).page);
    const token = await server.login('350102admin', REGION_DEMO_PASSWORD);
    await signIn(county, server.url, '350102admin', REGION_DEMO_PASSWORD);
    const title = '关于信息化培训报名的通知（附件上传失败后删除）';
    await composeWithFile(county, title, { name: '报名表.pdf', buffer: TOO_BIG });
    await failedRow(county, '报名表.pdf')
      .getByText(/附件过大/)
      .waitFor({ timeout: 60_000 });
    const draft = (await sentNotices(token)).find((n) => n.title === title);
    expect(draft?.status).to.equal('draft');
    await county.reload();
    await tap(county, '已发通知');
    await county
      .locator(`.taro_page_show [data-notice="${draft!.id}"]`)
      .getByText(/草稿（点击继续编辑）/)
      .click();
    await tap(county, '删除草稿');
    await shot(county, 's03-notice-delete-draft');
    await tap(county, '确定');
    // The page goes back to 已发通知, which lists the region's notices without the draft.
    await county.locator('.taro_page_show [data-notice]').first().waitFor();
    expect(await county.locator(`.taro_page_show [data-notice="${draft!.id}"]`).count()).to.equal(0);
    expect((await sentNotices(token)).map((n) => n.id)).not.to.include(draft!.id);
  });

  it('忘记密码 by SMS: the code, the password rule in the server’s words, then signed in', async () => {
    await regionUser('e2eForgot', '350102', 'inspector');
    await finishFirstLogin('e2eForgot');
    await User.updateOne(
      { loginName: 'e2eForgot' },
      { $set: { mobile: '13905919876', mobileVerified: true, email: 'forgot.e2e@example.cn' } },
    );
    const page = (focus = (await newPhonePage(browser)).page);
    await page.goto(`${server.url}/`);
    await tap(page, '忘记密码');
    await see(page, /通过已验证的手机号或账号邮箱收取验证码/);
    await fill(page, 'mobile', '13905919876');
    await tap(page, '获取验证码');
    const code = await shownCode(page);
    expect(code).to.equal(sms.lastCodeFor('13905919876'));
    await fill(page, 'code', code);
    await fill(page, 'newPassword', 'abcdefgh');
    await fill(page, 'confirmPassword', 'abcdefgh');
    await tap(page, '设置新密码并登录');
    await page
      .locator('.taro_page_show .form-error', { hasText: '新密码至少 8 位，且须同时包含字母和数字' })
      .waitFor();
    await shot(page, 's04-forgot-sms-rule');
    await resetAndSignIn(page, 'Reset2026a', 's05-forgot-sms');
  });

  it('忘记密码 by e-mail: the captcha, the mailed code, then signed in', async () => {
    const page = (focus = (await newPhonePage(browser)).page);
    await page.goto(`${server.url}/pages/forgot-password/index`);
    await tap(page, '邮箱');
    await fill(page, 'email', 'forgot.e2e@example.cn');
    await page.locator('.taro_page_show [data-captcha]').first().waitFor();
    // The answer is only in the picture: the test sets the newest captcha's answer, as a reader would type it.
    const latest = await Captcha.findOne({}).sort({ expiresAt: -1 }).lean<{ _id: string }>();
    await Captcha.updateOne({ _id: latest!._id }, { $set: { answerHash: captchaAnswerHash('k7pq') } });
    await fill(page, 'captcha', 'K7PQ');
    await tap(page, '获取验证码');
    const code = await shownCode(page);
    expect(code).to.equal(email.lastCodeFor('forgot.e2e@example.cn'));
    await fill(page, 'code', code);
    await resetAndSignIn(page, 'Mailed2026b', 's06-forgot-email');
  });

  it('上报 with blank required fields is refused inline naming them; home lists them, not 本期数据已完整', async () => {
    const s = await school('进展通测试小学', '350102');
    await schoolAdmin('e2eBlank', s);
    await finishFirstLogin('e2eBlank');
    const page = (focus = (await newPhonePage(browser)).page);
    await signIn(page, server.url, 'e2eBlank', PASSWORD);
    await see(page, '报表还有 21 项未填：班级数、教职工数、在校生数…');
    expect(await page.getByText('本期数据已完整').count()).to.equal(0);
    await page.goto(`${server.url}/pages/report/index`);
    await fill(page, 'classes', '12');
    await tap(page, '上报');
    await page
      .locator('.taro_page_show [data-refusal]', {
        hasText: /^还有 20 项必填内容未填写，不能上报：教职工数、在校生数、是否少数民族学校、/,
      })
      .waitFor();
    await shot(page, 's08-report-blank-refused', '[data-refusal]');
    const token = await server.login('e2eBlank', PASSWORD);
    const report = await server.api(`/schools/${String(s._id)}/reports/2026Q4`, { token });
    expect(report.body.state).to.equal('draft');
  });

  it('the statistics page draws, is tapped and redrawn without a console error', async () => {
    const page = (focus = (await newPhonePage(browser)).page);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await signIn(page, server.url, '350000admin', REGION_DEMO_PASSWORD);
    await page.goto(`${server.url}/charts/region-stats/index`);
    await tap(page, '校校通');
    const bars = page.locator('.taro_page_show [data-chart="bar"] canvas').first();
    await bars.waitFor();
    await page.locator('.taro_page_show [data-chart="line"] canvas').first().waitFor();
    // Pointer moves and taps on both charts (the tooltip builds its handler then), and a redraw.
    for (const chart of ['bar', 'line']) {
      const canvas = page.locator(`.taro_page_show [data-chart="${chart}"] canvas`).first();
      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + 12);
      await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    }
    await tap(page, '班班通');
    await bars.waitFor();
    await settle(page);
    await page.waitForTimeout(1000);
    await shot(page, 's07-statistics-quiet');
    expect(errors, errors.join('\n')).to.deep.equal([]);
  });
});
