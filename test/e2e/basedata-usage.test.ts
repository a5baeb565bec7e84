// End to end on the H5 build in Debian's Chromium: a province super admin reads 用户注册、应用分析 and
// drills down (issue 15 item 8), the national admin sets up a functional zone (item 1). Screenshots at
// 375×812 go to artifacts/screenshots/ (git-ignored).
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { Region } from '../../server/src/regions/model';
import { School } from '../../server/src/schools/model';
import {
  finishFirstLogin,
  manualClock,
  PASSWORD,
  regionUser,
  school,
  schoolAdmin,
} from '../helpers/fixtures';
import {
  fill,
  launchH5Browser,
  newPhonePage,
  overflowing,
  see,
  shot,
  signIn as signInAt,
  tap,
  WEB_ROOT,
} from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

describe('mini-program H5: usage statistics and functional zones (issue 15)', function () {
  this.timeout(15 * 60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    browser = await launchH5Browser();
    server = await startTestServer('e2e_basedata', { env: { WEB_ROOT }, options: { clock } });
    await regionUser('e2eSuper', '350000', 'super');
    await finishFirstLogin('e2eSuper');
    await finishFirstLogin('admin');
    const s = await school('鼓楼演示小学', '350102');
    await schoolAdmin('e2eSchool', s);
    await server.login('e2eSchool', PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const newPage = async (): Promise<Page> => (await newPhonePage(browser)).page;
  const signIn = (page: Page, account: string, password: string) =>
    signInAt(page, server.url, account, password);

  it('a province super admin reads registered and active users by role, drills down, sees logins per day', async () => {
    const page = await newPage();
    await signIn(page, 'e2eSuper', PASSWORD);
    await page.goto(`${server.url}/pages/mine/index`);
    await tap(page, '用户注册与应用分析');
    await see(page, /福建省 · 各角色用户/);
    await see(page, '学校管理员');
    await see(page, '每日登录次数（2026-12-05 至 2027-01-03）');
    expect(await overflowing(page)).to.deep.equal([]);
    await shot(page, 'usage-province');
    await tap(page, '福州市');
    await see(page, /福州市 · 各角色用户/);
    await tap(page, '‹ 合计');
    await see(page, /福建省 · 各角色用户/);
  });

  it('the national admin sets up 湄洲岛 beside the counties of 莆田市; a wrong parent is explained', async () => {
    const page = await newPage();
    await signIn(page, 'admin', 'Admin12345');
    await page.goto(`${server.url}/pages/mine/index`);
    await tap(page, '功能区管理');
    await see(page, '尚未设立功能区');
    await fill(page, 'name', '湄洲岛');
    await fill(page, 'code', '350398');
    await fill(page, 'parentCode', '350305');
    await tap(page, '设立');
    await see(page, '功能区只能设在省级或市级地区之下');
    expect(await Region.exists({ _id: '350398' })).to.equal(null);
    await fill(page, 'parentCode', '350300');
    await tap(page, '设立');
    await see(page, '湄洲岛（350398）');
    expect(await Region.findById('350398').lean()).to.include({ functional: true, parentCode: '350300' });
    expect(await overflowing(page)).to.deep.equal([]);
    await shot(page, 'zones');
  });

  it('the national admin reviews an uploaded share and applies it in one go', async () => {
    const token = await server.login('admin', 'Admin12345');
    const share = '学校标识码,学校名称,所在地区代码,学校类型\r\n3501020099,鼓楼共享新建小学,350102,小学\r\n';
    const up = await fetch(`${server.url}/api/v1/basedata/imports?kind=schools`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
      body: share,
    });
    expect(up.status).to.equal(201);
    const page = await newPage();
    await signIn(page, 'admin', 'Admin12345');
    await page.goto(`${server.url}/pages/mine/index`);
    await tap(page, '基础数据同步');
    await see(page, '学校 · 1 行 · 新增 1');
    await page.getByText('学校 · 1 行 · 新增 1').first().click({ force: true });
    await see(page, '第 2 行 新增 鼓楼共享新建小学');
    expect(await overflowing(page)).to.deep.equal([]);
    await shot(page, 'basedata-preview');
    await tap(page, '全部应用');
    await tap(page, '确定');
    await see(page, '已应用');
    expect(await School.findOne({ schoolCode: '3501020099' }).lean()).to.include({
      name: '鼓楼共享新建小学',
    });
  });
});
