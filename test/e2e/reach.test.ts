// Every page within three taps from home (issue 14, "done when"), end to end on the H5 build in
// Chromium against a real server on the demo world (福建省) at 2027-01-03 10:00 Beijing time (the county
// window of 2026Q4 open). The pages come from miniprogram/src/app.config.ts (main package and
// subPackages): each role declares, for every page, either the texts it taps from home to get there
// (at most three) or why it must not reach it, so a new page without a declared path fails here. Each
// reached page is checked by its route, its title (the page's navigationBarTitleText) and a loaded body
// (no spinner, no error, no period code such as 2026Q4), and shot at 375×812 as reach-<role>-<page>.png
// in artifacts/screenshots/.
// 省级月报 exists only under the monthly calendar: a second server with REPORT_CYCLE=monthly proves its
// path for a province admin.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { User, type UserDoc } from '../../server/src/accounts/model';
import { repoRoot } from '../../server/src/config';
import { FirstLoginStep } from '../../server/src/first-login/region-form';
import { REGION_DEMO_PASSWORD, SCHOOL_ADMIN_PASSWORD } from '../../server/src/demo/world';
import { demoSchool, startDemoH5 } from '../helpers/demo-h5';
import { finishFirstLogin, manualClock, PASSWORD, regionUser } from '../helpers/fixtures';
import {
  WEB_ROOT,
  launchChromium,
  newPhonePage,
  prepareH5,
  see,
  settle,
  shot,
  signIn,
  tap,
  tapFirst,
} from '../helpers/h5';
import { startTestServer, type TestServer } from '../helpers/server';

const COUNTY = '350102';
const SRC = path.join(repoRoot, 'miniprogram', 'src');

/** Every page of the app, as app.config.ts lists it (subpackage pages prefixed by their root). */
function appPages(): string[] {
  const text = readFileSync(path.join(SRC, 'app.config.ts'), 'utf8').replace(
    'export default defineAppConfig(',
    'config = (',
  );
  const sandbox: { config?: { pages: string[]; subPackages?: { root: string; pages: string[] }[] } } = {};
  vm.runInNewContext(text, sandbox);
  const { pages, subPackages = [] } = sandbox.config!;
  return [...pages, ...subPackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
}

/** The page's title (its navigationBarTitleText), read from the page's own index.config.ts. */
function titleOf(page: string): string {
  const text = readFileSync(path.join(SRC, `${page}.config.ts`), 'utf8');
  const title = text.match(/navigationBarTitleText:\s*'([^']+)'/)?.[1];
  if (!title) throw new Error(`${page}.config.ts has no navigationBarTitleText`);
  return title;
}

/** One tap: an element's exact text, or the first visible element matching a CSS selector (a list row). */
type Tap = string | { css: string };
/** How a role reaches a page from home (its taps, at most three), or why it must not. */
type Reach = Tap[] | { no: string };

/** Pages nobody opens from home: where the app starts before there is a home. */
const NOT_FROM_HOME: Record<string, string> = {
  'pages/login/index': '登录页：未登录时的起点，已登录时打开即转到首页',
  'pages/first-login/index': '首次登录：登录后、进入首页之前的必经步骤，不从首页进入',
  'pages/forgot-password/index':
    '忘记密码：未登录时从登录页的「忘记密码」进入（notice-login-stats.test.ts 走完这条路），不从首页进入',
};

const SCHOOL_PAGES = [
  'pages/report/index',
  'pages/issues/index',
  'pages/school/index',
  'pages/teachers/index',
];
const TEACHER_PAGES = ['pages/my-trainings/index', 'pages/my-verification/index'];
const REGION_PAGES = [
  'pages/region-supervision/index',
  'pages/region-review/index',
  'pages/region-form/index',
  'pages/region-schools/index',
  'pages/region-school/index',
  'pages/region-unit-report/index',
  'pages/school-requests/index',
  'charts/region-stats/index',
  'pages/region-stats-schools/index',
  'charts/region-training/index',
];
const ADMIN_PAGES = ['pages/notice-compose/index', 'pages/bot-groups/index', 'pages/permission-codes/index'];
const SUPER_PAGES = ['pages/usage/index', 'pages/basedata/index', 'pages/zones/index'];
const MONTHLY = 'pages/monthly-reports/index';

const none = (pages: string[], why: string): Record<string, Reach> =>
  Object.fromEntries(pages.map((p) => [p, { no: why }]));

/** What every region role (admin, auditor, inspector) reaches, and how. */
const regionReach = (): Record<string, Reach> => ({
  'pages/home/index': [],
  'pages/notices/index': ['通知'],
  'pages/notice/index': ['通知', { css: '.notices .notice-item' }],
  'pages/mine/index': ['我的'],
  'pages/region-supervision/index': ['督促管理'],
  'pages/region-review/index': ['审核上报'],
  'pages/region-form/index': ['本级填报'],
  'pages/region-schools/index': ['学校管理'],
  'pages/region-school/index': ['学校管理', { css: '.schools .row' }],
  'pages/region-unit-report/index': ['学校管理', { css: '.schools .row' }, '查看报表'],
  'pages/school-requests/index': ['我的', '学校删除与隶属关系变更申请'],
  'charts/region-stats/index': ['数据统计'],
  'pages/region-stats-schools/index': ['数据统计', { css: '.region-stats .figure-link' }],
  'charts/region-training/index': ['研修学时统计'],
  ...none(SCHOOL_PAGES, '学校管理员的页面：地区用户没有学校身份，查看学校报表用「报表详情」'),
  'pages/training-stats/index': { no: '学校的研修统计：地区用户用「研修学时统计」' },
  ...none(TEACHER_PAGES, '教师本人的页面：地区用户没有教师身份'),
  [MONTHLY]: { no: '省级月报只在按月上报时存在：演示系统按季度上报（按月的路径见本文件末尾）' },
  ...none(SUPER_PAGES, '系统管理工具：只有全国管理员（超级管理员）可见'),
});

const regionAdmin = (): Record<string, Reach> => ({
  ...regionReach(),
  'pages/notice-compose/index': ['发布通知'],
  'pages/bot-groups/index': ['群机器人'],
  'pages/permission-codes/index': ['权限码与激活'],
});

const readOnlyRegion = (role: string): Record<string, Reach> => ({
  ...regionReach(),
  ...none(ADMIN_PAGES, `发布通知、群机器人、权限码是地区管理员的功能，${role}没有入口`),
});

interface Role {
  key: string;
  name: string;
  account: () => Promise<{ loginName: string; password: string }>;
  reach: () => Record<string, Reach>;
}

const regionLogin = (loginName: string) => async () => ({ loginName, password: REGION_DEMO_PASSWORD });

const ROLES: Role[] = [
  { key: 'county-admin', name: '区县管理员', account: regionLogin(`${COUNTY}admin`), reach: regionAdmin },
  { key: 'province-admin', name: '省级管理员', account: regionLogin('350000admin'), reach: regionAdmin },
  {
    key: 'province-auditor',
    name: '省级审核员',
    account: regionLogin('350000auditor'),
    reach: () => readOnlyRegion('审核员'),
  },
  {
    key: 'inspector',
    name: '区县视察员',
    account: regionLogin(`${COUNTY}inspector`),
    reach: () => readOnlyRegion('视察员'),
  },
  {
    key: 'national-admin',
    name: '全国管理员',
    account: async () => ({ loginName: 'admin', password: 'Admin12345' }),
    reach: () => ({
      ...regionAdmin(),
      'pages/region-form/index': { no: '全国没有本级报表（各省向全国上报），菜单不列「本级填报」' },
      'pages/notice/index': {
        no: '全国没有上级，收件箱里没有通知可打开（发出的通知在「发布通知」里看已读情况）',
      },
      'pages/usage/index': ['我的', '用户注册与应用分析'],
      'pages/basedata/index': ['我的', '基础数据同步'],
      'pages/zones/index': ['我的', '功能区管理'],
    }),
  },
  {
    key: 'school-admin',
    name: '学校管理员',
    account: async () => ({ loginName: schoolAdmin.loginName, password: SCHOOL_ADMIN_PASSWORD }),
    reach: () => ({
      'pages/home/index': [],
      'pages/report/index': ['填报'],
      'pages/issues/index': ['疑似问题'],
      'pages/school/index': ['学校基本信息'],
      'pages/notices/index': ['通知'],
      'pages/notice/index': ['通知', { css: '.notices .notice-item' }],
      'pages/teachers/index': ['教师审核'],
      'pages/training-stats/index': ['研修统计'],
      'pages/mine/index': ['我的'],
      ...none(REGION_PAGES, '地区用户的页面：学校管理员没有地区身份'),
      ...none(ADMIN_PAGES, '地区管理员的功能：学校管理员没有地区身份'),
      ...none(TEACHER_PAGES, '教师本人的页面：学校管理员审核教师用「教师审核」'),
      ...none(SUPER_PAGES, '系统管理工具：只有全国管理员可见'),
      [MONTHLY]: { no: '省级月报是省级和全国的页面' },
    }),
  },
  {
    key: 'teacher',
    name: '教师',
    account: async () => ({ loginName: teacher.loginName, password: REGION_DEMO_PASSWORD }),
    reach: () => ({
      // A teacher's home is 我的研修 (services/account.ts: nextPage).
      'pages/my-trainings/index': [],
      'pages/my-verification/index': ['审核状态'],
      'pages/mine/index': ['我的'],
      'pages/home/index': { no: '教师的首页是「我的研修」（打开首页即转到那里）' },
      ...none(
        ['pages/notices/index', 'pages/notice/index'],
        '教师不接收通知公告（seed 000 §6.4 的范围是各级单位和学校）',
      ),
      ...none([...SCHOOL_PAGES, 'pages/training-stats/index'], '学校管理员的页面：教师没有学校管理员身份'),
      ...none(REGION_PAGES, '地区用户的页面：教师没有地区身份'),
      ...none(ADMIN_PAGES, '地区管理员的功能：教师没有地区身份'),
      ...none(SUPER_PAGES, '系统管理工具：只有全国管理员可见'),
      [MONTHLY]: { no: '省级月报是省级和全国的页面' },
    }),
  },
];

let schoolAdmin: UserDoc;
let teacher: UserDoc;

/** The route the browser shows, without the leading slash and the query. */
const routeOf = (page: Page) => new URL(page.url()).pathname.replace(/^\//, '');

/** Waits until the page in front has its title and has loaded (no spinner, no error state). */
async function arrived(page: Page, target: string): Promise<void> {
  await page.waitForURL((u) => u.pathname === `/${target}`, { timeout: 20_000 });
  await settle(page);
  const title = titleOf(target);
  await page.waitForFunction(`document.title === ${JSON.stringify(title)}`, null, { timeout: 20_000 });
  await page
    .locator('.state-loading')
    .filter({ visible: true })
    .first()
    .waitFor({ state: 'hidden', timeout: 30_000 });
  expect(
    await page.locator('.state-error').filter({ visible: true }).count(),
    `${target}：加载出错`,
  ).to.equal(0);
  // Periods read 2026年第4季度, never the API's code (2026Q4).
  expect(await page.locator('body').innerText(), `${target}：期次代码`).to.not.match(/\b\d{4}Q[1-4]\b/);
}

describe('every page within three taps from home (H5 in Chromium, demo world)', function () {
  this.timeout(30 * 60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let browser: Browser;
  /** role → pages reached → taps, printed at the end. */
  const table: string[] = [];
  /** The page the running test acts on (shot when it fails). */
  let focus: Page | undefined;

  before(async function () {
    this.timeout(15 * 60_000);
    ({ server, browser } = await startDemoH5('e2e_reach', clock, ['admin', `${COUNTY}inspector`]));
    ({ schoolAdmin } = await demoSchool(COUNTY, '2026Q4', 'draft'));
    teacher = (await User.findOne({
      'bindings.kind': 'teacher',
      loginName: new RegExp(`^t${COUNTY}`),
    }).lean<UserDoc>())!;
    expect(teacher, 'the demo teacher').to.exist;
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && focus && !focus.isClosed())
      await shot(
        focus,
        `reach-failed-${this.currentTest.title.slice(0, 12).replace(/[^\p{L}\p{N}]+/gu, '-')}`,
      );
    focus = undefined;
  });
  after(async () => {
    if (table.length) console.log(`\n    reach (role → page: taps)\n${table.join('\n')}\n`);
    await browser?.close();
    await server?.close();
  });

  it('each role declares every page of app.config.ts: a path of at most three taps, or why not', () => {
    const pages = appPages();
    expect(pages.length).to.be.greaterThan(25);
    const reachedBySomeone = new Set<string>();
    // list-checked: ROLES is the constant list above (seven roles).
    for (const role of ROLES) {
      const reach = role.reach();
      const declared = new Set([...Object.keys(reach), ...Object.keys(NOT_FROM_HOME)]);
      expect(
        pages.filter((p) => !declared.has(p)),
        `${role.name}：没有声明路径的页面`,
      ).to.deep.equal([]);
      expect(
        Object.keys(reach).filter((p) => !pages.includes(p)),
        `${role.name}：app.config.ts 里没有的页面`,
      ).to.deep.equal([]);
      // list-checked: a role declares every page of app.config.ts (asserted just above; more than 25).
      for (const [page, how] of Object.entries(reach)) {
        if (!Array.isArray(how)) continue;
        expect(how.length, `${role.name} → ${page}`).to.be.at.most(3);
        reachedBySomeone.add(page);
      }
    }
    // Only 省级月报 (monthly calendar, the last test) is reached by no role of the quarterly demo.
    expect(pages.filter((p) => !reachedBySomeone.has(p) && !NOT_FROM_HOME[p])).to.deep.equal([MONTHLY]);
  });

  // list-checked: ROLES is the constant list above (seven roles).
  for (const role of ROLES) {
    it(`${role.name}: every page it may open, from home, in at most three taps`, async () => {
      const { loginName, password } = await role.account();
      const { page } = await newPhonePage(browser);
      focus = page;
      const home = role.key === 'teacher' ? 'pages/my-trainings/index' : 'pages/home/index';
      await signIn(page, server.url, loginName, password, role.key === 'teacher' ? '我的研修' : undefined);
      const reached = Object.entries(role.reach()).filter((e): e is [string, Tap[]] => Array.isArray(e[1]));
      expect(reached.length).to.be.greaterThan(2);
      for (const [target, taps] of reached) {
        await page.goto(`${server.url}/${home}`);
        await arrived(page, home);
        for (const t of taps) {
          // Each tap opens a page: the next one waits until it is in front (the page below keeps its rows).
          const from = page.url();
          if (typeof t === 'string') await tap(page, t);
          else await tapFirst(page, t.css);
          await page.waitForURL((u) => u.href !== from, { timeout: 20_000 });
          await settle(page);
        }
        await arrived(page, target).catch((e: Error) => {
          throw new Error(`${role.name} → ${target}（${taps.map(String).join(' → ')}）：${e.message}`);
        });
        expect(routeOf(page)).to.equal(target);
        await shot(page, `reach-${role.key}-${target.split('/').slice(-2, -1)[0]}`);
        table.push(`    ${role.name} → ${target}: ${taps.length}（${describeTaps(taps)}）`);
      }
      await page.context().close();
    });
  }
});

describe('省级月报 under the monthly calendar, within three taps from home', function () {
  this.timeout(15 * 60_000);
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    this.timeout(15 * 60_000);
    await prepareH5();
    const clock = manualClock('2026-11-20T10:00:00+08:00');
    server = await startTestServer('e2e_reach_monthly', {
      env: { WEB_ROOT, REPORT_CYCLE: 'monthly' },
      options: { clock },
    });
    await regionUser('e2eMonthly', '350000', 'admin');
    await finishFirstLogin('e2eMonthly');
    // 福建省 filled its region form before (the first login's region-form step is not the subject here).
    await FirstLoginStep.create({ _id: 'regionForm:350000', period: '2026-10', at: clock() });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a province admin: 我的 → 省级月报', async () => {
    const { page } = await newPhonePage(browser);
    await signIn(page, server.url, 'e2eMonthly', PASSWORD);
    await tap(page, '我的');
    await tap(page, '省级月报');
    await arrived(page, MONTHLY);
    await see(page, '2026年11月 月报');
    await shot(page, 'reach-monthly-province-admin-monthly-reports');
    await page.context().close();
  });
});

const describeTaps = (taps: Tap[]) =>
  taps.length ? taps.map((t) => (typeof t === 'string' ? t : `第一行 ${t.css}`)).join(' → ') : '首页';
