// End to end on the H5 build in Chromium for the app's uploads of issue 15: the national admin uploads a
// base-data share (a real XLSX written by exceljs) from the 基础数据同步 page, reads the preview counts and
// applies it (seed 002 §9, §10); a province attaches a file to its monthly text report, sees it listed and
// downloads it back (seed 001 第二十条). Screenshots go to artifacts/screenshots/ (git-ignored).
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { User } from '../../server/src/accounts/model';
import { BaseDataSync } from '../../server/src/basedata/model';
import { FirstLoginStep } from '../../server/src/first-login/region-form';
import { MonthlyReport } from '../../server/src/monthly-reports/model';
import { School } from '../../server/src/schools/model';
import { finishFirstLogin, manualClock, regionUser } from '../helpers/fixtures';
import { launchH5Browser, newPhonePage, overflowing, see, shot, signIn, tap, WEB_ROOT } from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A share of two new schools, as the ministry's 教育基础信息数据库 exports it (header row, then rows). */
async function schoolShare(rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('学校');
  sheet.addRow(['学校标识码', '学校名称', '所在地区代码', '学校类型']);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('mini-program H5: uploading a base-data share and monthly-report attachments (issue 15)', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2026-11-20T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    browser = await launchH5Browser();
    server = await startTestServer('e2e_uploads', {
      env: { WEB_ROOT, REPORT_CYCLE: 'monthly' },
      options: { clock },
    });
    await finishFirstLogin('admin');
    await regionUser('e2eFjAdmin', '350000', 'admin');
    await User.updateOne(
      { loginName: 'e2eFjAdmin' },
      { $set: { profileCompleted: true, name: '福建省管理员' } },
    );
    // 福建省 filled its region form before (seed 000 §4.1's first-login step is not this test's subject).
    await FirstLoginStep.create({ _id: 'regionForm:350000', period: '2026-10', at: clock() });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const newPage = async (): Promise<Page> => (await newPhonePage(browser)).page;

  /** Taps `button` and hands the file chooser it opens `file`. */
  async function upload(
    page: Page,
    button: string,
    file: { name: string; mimeType: string; buffer: Buffer },
  ) {
    const chooser = page.waitForEvent('filechooser');
    await tap(page, button);
    await (await chooser).setFiles(file);
  }

  it('the national admin uploads an XLSX share, reads the preview and applies it', async () => {
    const page = await newPage();
    await signIn(page, server.url, 'admin', 'Admin12345');
    await page.goto(`${server.url}/pages/mine/index`);
    await tap(page, '基础数据同步');
    await see(page, '还没有上传的共享数据：上传学校或行政区划共享文件后在此预览');

    // A bad row is refused with its row number, and nothing is planned.
    await upload(page, '上传学校文件', {
      name: '学校共享-有误.xlsx',
      mimeType: XLSX_TYPE,
      buffer: await schoolShare([['3501020097', '鼓楼共享甲小学', '359999', '小学']]),
    });
    await see(page, /上传失败：.*第 2 行/);
    // The toast sits over the middle of the page (全部应用 below it): it goes before the next upload.
    await page
      .getByText(/上传失败/)
      .first()
      .waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await BaseDataSync.countDocuments()).to.equal(0);

    await upload(page, '上传学校文件', {
      name: '学校共享-2026Q4.xlsx',
      mimeType: XLSX_TYPE,
      buffer: await schoolShare([
        ['3501020097', '鼓楼共享甲小学', '350102', '小学'],
        ['3501030098', '台江共享乙中学', '350103', '初中'],
      ]),
    });
    await see(page, '学校 · 待应用');
    await see(page, '新增 2');
    await see(page, '第 2 行 新增 鼓楼共享甲小学');
    await see(page, '第 3 行 新增 台江共享乙中学');
    expect(await overflowing(page)).to.deep.equal([]);
    await shot(page, 'seeds-06-basedata-upload-preview');
    expect(await School.countDocuments({ schoolCode: { $in: ['3501020097', '3501030098'] } })).to.equal(0);

    await tap(page, '全部应用');
    await tap(page, '确定');
    await see(page, '学校 · 已应用');
    expect(
      (await School.find({ schoolCode: { $in: ['3501020097', '3501030098'] } }).lean())
        .map((s) => s.name)
        .sort(),
    ).to.deep.equal(['台江共享乙中学', '鼓楼共享甲小学']);
    await shot(page, 'seeds-07-basedata-applied');
  });

  it('a province attaches a file to its monthly report, lists and downloads it, then files', async () => {
    const page = await newPage();
    await signIn(page, server.url, 'e2eFjAdmin', 'Pass12345');
    await page.goto(`${server.url}/pages/mine/index`);
    await tap(page, '省级月报');
    await see(page, '2026年11月 月报');
    await page.locator('textarea').first().fill('本月完成全省中小学宽带提速。');
    const text = '附件：全省宽带提速情况统计（2026 年 11 月）';
    await upload(page, '添加附件', {
      name: '宽带提速统计.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(text),
    });
    await see(page, '附件（1）');
    await see(page, '宽带提速统计.txt');
    await see(page, '1 KB · 下载');
    // The text typed before the upload was saved with it, not lost to the reload.
    expect(await page.locator('textarea').first().inputValue()).to.equal('本月完成全省中小学宽带提速。');
    const stored = await MonthlyReport.findById('2026-11:350000').lean();
    expect(stored?.attachments?.map((a) => a.filename)).to.deep.equal(['宽带提速统计.txt']);
    expect(await overflowing(page)).to.deep.equal([]);
    await shot(page, 'seeds-08-monthly-attachment', '.monthly-attachments');

    const download = page.waitForEvent('download');
    await tap(page, '宽带提速统计.txt');
    const file = await download;
    expect(file.suggestedFilename()).to.equal('宽带提速统计.txt');
    expect(await readFile((await file.path())!, 'utf8')).to.equal(text);

    await tap(page, '报送');
    await see(page, '已报送');
    expect((await MonthlyReport.findById('2026-11:350000').lean())?.status).to.equal('filed');
    // Filed: no more attachments (the 已报送 toast can show before the page's reload removes the button).
    await page.getByText('添加附件', { exact: true }).first().waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('the national overview opens a province’s filed monthly report, read-only', async () => {
    const page = await newPage();
    await signIn(page, server.url, 'admin', 'Admin12345');
    await page.goto(`${server.url}/pages/mine/index`);
    await tap(page, '省级月报');
    await see(page, '已报送 1 / ');
    await page.locator('.taro_page_show [data-province="350000"]').first().click();
    await see(page, '福建省 · 2026年11月 月报');
    await see(page, '宽带提速统计.txt');
    const textarea = page.locator('.taro_page_show textarea').first();
    expect(await textarea.inputValue()).to.equal('本月完成全省中小学宽带提速。');
    expect(await textarea.isDisabled()).to.equal(true);
    for (const action of ['保存草稿', '添加附件', '报送'])
      expect(
        await page.locator('.taro_page_show').getByText(action, { exact: true }).count(),
        action,
      ).to.equal(0);
    expect(await overflowing(page)).to.deep.equal([]);
    await shot(page, 'seeds-09-national-opens-province-monthly');
    await page.context().close();
  });

  it('the monthly report is offered to provinces and the national level only', async () => {
    await regionUser('e2eFzAdmin', '350100', 'admin');
    await User.updateOne(
      { loginName: 'e2eFzAdmin' },
      { $set: { profileCompleted: true, name: '福州市管理员' } },
    );
    await FirstLoginStep.create({ _id: 'regionForm:350100', period: '2026-10', at: clock() });
    const page = await newPage();
    await signIn(page, server.url, 'e2eFzAdmin', 'Pass12345');
    await page.goto(`${server.url}/pages/mine/index`);
    await see(page, '学校删除与隶属关系变更申请');
    expect(await page.getByText('省级月报', { exact: true }).count()).to.equal(0);
  });
});
