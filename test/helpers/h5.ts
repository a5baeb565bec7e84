// The H5 end-to-end setup the mini-program tests share: Debian's Chromium driven by playwright-core
// (no browser download), the H5 build made once when missing or stale, 375×812 pages and screenshots
// under artifacts/screenshots/ (git-ignored), and the few page actions the tests use.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../../server/src/config';
import { ensureWebBuild } from '../../server/src/web/build';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const WEB_ROOT = path.join(repoRoot, 'miniprogram', 'dist', 'h5');
export const SHOTS = path.join(repoRoot, 'artifacts', 'screenshots');

/** Chromium present, the H5 build fresh (built here when not), the screenshot folder made. */
export async function prepareH5(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(`没有找到 Chromium（${CHROMIUM}）：apt-get install -y chromium（.ci/run 会安装）`);
  // Build H5 once when missing or older than its sources (the same check `npm start` makes).
  const built = await ensureWebBuild(repoRoot, WEB_ROOT, (line) => console.log(`    ${line}`));
  expect(built, 'H5 build').to.equal(true);
  mkdirSync(SHOTS, { recursive: true });
}

/** Checks Chromium is there, builds H5 once when missing or stale, and starts Chromium. */
export async function launchH5Browser(): Promise<Browser> {
  await prepareH5();
  return launchChromium();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A phone-sized page (375×812, zh-CN, touch) in a context of its own (its own storage). */
export async function newPhonePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    isMobile: true,
    hasTouch: true,
  });
  return { context, page: await context.newPage() };
}

/** Waits (up to 3 s) until a page pushed by navigateTo has finished sliding in. */
export async function settle(page: Page): Promise<void> {
  // Browser-side code as text: the tests' TypeScript has no DOM types.
  await page
    .waitForFunction(
      // Page transitions done, and no finite CSS animation running (a picker sliding up moves its 确定
      // under the tap; spinners loop for ever and are not waited for).
      `[...document.querySelectorAll('.taro_page_show')].every((e) => getComputedStyle(e).transform === 'none') &&
        document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)`,
      null,
      { timeout: 3000 },
    )
    .catch(() => {});
}

/**
 * A 375×812 screenshot of the page from its top (or with the element matching `at` scrolled into
 * view), once any toast has gone.
 */
export async function shot(page: Page, name: string, at?: string): Promise<void> {
  await page
    .locator('.taro__toast')
    .filter({ visible: true })
    .waitFor({ state: 'hidden', timeout: 5000 })
    .catch(() => {});
  await settle(page);
  await page.evaluate(
    `window.scrollTo(0, 0); document.querySelectorAll('.taro_page, .taro_router').forEach((e) => (e.scrollTop = 0));`,
  );
  if (at) await page.locator(at).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * Elements reaching past the right edge of the 375 px screen (nothing may overflow sideways), read once a
 * pushed page has finished sliding in (during the slide every element sits partly off screen).
 */
export async function overflowing(page: Page): Promise<string[]> {
  await settle(page);
  return page.evaluate(
    `[...document.querySelectorAll('.taro_page_show *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.offsetParent)
      .filter((e) => !e.closest('.dt-scroll'))
      .map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))`,
  );
}

export const input = (page: Page, field: string) => page.locator(`[data-field="${field}"] input`).first();

export async function fill(page: Page, field: string, value: string): Promise<void> {
  await input(page, field).fill(value);
}

export const choose = (page: Page, field: string, text: string) =>
  page.locator(`[data-field="${field}"] .choice-item`, { hasText: text }).first().click();

/**
 * Taps the first visible element whose text is exactly `text`, once pages have settled and the element
 * is enabled: a NutUI button stays disabled (`nut-button-disabled`, `disabled`) while its page is busy,
 * and a forced click on it would be lost.
 */
export async function tap(page: Page, text: string): Promise<void> {
  await settle(page);
  const target = page.getByText(text, { exact: true }).filter({ visible: true }).first();
  await target.waitFor({ timeout: 20_000 });
  // No named functions inside: tsx would wrap them in a `__name` helper the page does not have.
  const enabled = await target.evaluate(async (el) => {
    for (let waited = 0; waited < 20_000; waited += 50) {
      if (!el.closest('[disabled], .nut-button-disabled')) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  });
  if (!enabled) throw new Error(`「${text}」 stayed disabled for 20 s`);
  await target.click({ force: true });
}

/** Taps the first visible element matching `selector` (a list row) once pages have settled. */
export async function tapFirst(page: Page, selector: string): Promise<void> {
  await settle(page);
  await page.locator(selector).filter({ visible: true }).first().click();
}

export const see = (page: Page, text: string | RegExp, timeout = 20_000) =>
  page.getByText(text).filter({ visible: true }).first().waitFor({ timeout });

/**
 * Signs in on the login page with an account and its password, and waits for `landing` text (or, without
 * one, for the home page).
 */
export async function signIn(page: Page, url: string, account: string, password: string, landing?: string) {
  await page.goto(`${url}/`);
  await fill(page, 'account', account);
  await fill(page, 'password', password);
  await tap(page, '登录');
  if (landing) await see(page, landing);
  else await page.waitForURL(/pages\/home\/index/, { timeout: 30_000 });
}

/** Reads `read()` until it deep-equals `expected` (pages load and redraw), then asserts it once more. */
export async function eventually<T>(read: () => Promise<T>, expected: T, what = '', timeout = 20_000) {
  const until = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < until) {
    last = await read().catch(() => undefined);
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(last, what).to.deep.equal(expected);
}
