// The set-up the end-to-end tests on the demo world (福建省, server/src/demo/world.ts) share, in one
// place: the H5 build checked, a real server with DEMO_DATA on the injected clock, the accounts the
// test signs in with past their first login, Chromium started; and a demo school picked by the state of
// its report, with its admin.
import type { Browser } from 'playwright-core';
import { User, type UserDoc } from '../../server/src/accounts/model';
import type { StartOptions } from '../../server/src/server';
import { Report, type ReportDoc } from '../../server/src/reports/model';
import { School, type SchoolDoc } from '../../server/src/schools/model';
import { finishFirstLogin } from './fixtures';
import { WEB_ROOT, launchChromium, prepareH5 } from './h5';
import { startTestServer, type TestServer } from './server';

/**
 * Checks Chromium and the H5 build (built when stale), starts a server on a fresh database `label` with
 * the demo world at `clock` (extra `env` on top), marks `logins` as past their first login and starts
 * Chromium. The caller closes both (`browser.close()`, `server.close()`).
 */
export async function startDemoH5(
  label: string,
  clock: NonNullable<StartOptions['clock']>,
  logins: readonly string[],
  env: Record<string, string> = {},
): Promise<{ server: TestServer; browser: Browser }> {
  await prepareH5();
  const server = await startTestServer(label, {
    env: { WEB_ROOT, DEMO_DATA: '1', ...env },
    options: { clock },
  });
  for (const login of logins) await finishFirstLogin(login);
  return { server, browser: await launchChromium() };
}

/**
 * A demo school managed by `county` whose report of `period` is in `state` (e.g. 'draft', 'submitted'),
 * and its admin, marked past the first login (the demo's school admins start with password 123456 and a
 * change required). Throws when the demo has no such school.
 */
export async function demoSchool(
  county: string,
  period: string,
  state: ReportDoc['state'],
): Promise<{ school: SchoolDoc; schoolAdmin: UserDoc }> {
  const report = await Report.findOne({
    period,
    unitKind: 'school',
    regionCode: county,
    state,
  }).lean<ReportDoc>();
  if (!report) throw new Error(`demo: no school of ${county} with a ${state} report of ${period}`);
  const school = (await School.findById(report.schoolId).lean<SchoolDoc>())!;
  const schoolAdmin = (await User.findOne({ 'bindings.schoolId': school._id }).lean<UserDoc>())!;
  await finishFirstLogin(schoolAdmin.loginName);
  return { school, schoolAdmin };
}
