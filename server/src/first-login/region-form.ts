// Region admins' first login (seed 000 §4.1 首次登陆): 第一步 完善地区管理员个人信息, 第二步 地区信息化情况.
// Once the profile is complete, a province/city/county admin fills the region form (the region report,
// `PUT /regions/{code}/reports/{period}`) before any other work: every other route answers
// 403 FIRST_LOGIN_REQUIRED with `pendingSteps: ['fillRegionForm']`, the region and the period to fill.
import mongoose, { Schema } from 'mongoose';
import type { Context } from 'koa';
import {
  NATIONAL_CODE,
  periodContaining,
  previousPeriod,
  type CalendarConfig,
  type Period,
} from '@eduprogress/shared';
import type { AuthContext } from '../accounts/service';
import type { Clock } from '../clock';
import { ForbiddenError } from '../http/errors';
import type { RouteDefinition } from '../http/route';
import { Region, type RegionDoc } from '../regions/model';
import { Report, reportId, type ReportDoc } from '../reports/model';
import { reportingLevelOf, workingPeriod } from '../reports/rules';
import { formComplete } from '../reports/service';

const messages = {
  fillRegionForm: (region: string, period: string) =>
    `首次登录的第二步：请先填写并保存${region}的地区信息化情况（${period} 地区报表），之后才能进行其他操作`,
};

export const REGION_FORM_STEP = 'fillRegionForm';

/** How many periods back a saved region report still counts as the region's form being filled. */
const PERIODS_LOOKED_AT = 5;

/** `_id` `regionForm:<code>`: the region's form was seen filled (written once, never removed). */
interface FirstLoginStepDoc {
  _id: string;
  period: string;
  at: Date;
}
export const FirstLoginStep = mongoose.model<FirstLoginStepDoc>(
  'FirstLoginStep',
  new Schema<FirstLoginStepDoc>({ _id: String, period: String, at: Date }, { versionKey: false }),
  'first_login_steps',
);

// Regions seen filled, per process and database: the marker is never removed, so a hit stays true.
const filled = new Set<string>();
const cacheKey = (code: string) => `${mongoose.connection.name}:${code}`;

/**
 * Routes open during the region-form step besides the `firstLogin` ones: the region report itself, the
 * form and the calendar it needs, the region pages, switching the active binding.
 */
const OPEN_DURING_STEP = new Set([
  'get /regions/:code/reports/:period',
  'put /regions/:code/reports/:period',
  'get /regions/:code',
  'get /regions/:code/children',
  'get /forms/:kind',
  'get /periods/current',
  'put /me/binding',
]);

export interface RegionFormDeps {
  clock: Clock;
  calendar: CalendarConfig;
}

/** The binding must fill the form: a province/city/county 管理员 whose profile is complete. */
function concerned(auth: AuthContext | undefined): string | undefined {
  const b = auth?.binding;
  if (!auth || !b || b.kind !== 'region' || b.role !== 'admin' || !b.regionCode) return undefined;
  if (b.regionCode === NATIONAL_CODE || auth.user.mustChangePassword || !auth.user.profileCompleted)
    return undefined;
  return b.regionCode;
}

/**
 * Whether the region has a complete region report (every required answer, reports/service
 * `formComplete`; a draft may be saved incomplete) saved by a person in one of the recent periods.
 */
async function savedRecently(deps: RegionFormDeps, code: string): Promise<string | undefined> {
  let p: Period = periodContaining(deps.clock(), deps.calendar.cycle);
  for (let i = 0; i < PERIODS_LOOKED_AT; i++, p = previousPeriod(p)) {
    const report = await Report.findById(reportId(p.name, { regionCode: code })).lean<ReportDoc>();
    // Saved by a person (`updatedBy`), or data loaded with its creator in the history (the demo world).
    const byPerson = report?.updatedBy || report?.history.some((h) => h.from === null && h.by);
    if (report && report.version > 0 && byPerson && formComplete('region', report.formVersion, report.data))
      return p.name;
  }
  return undefined;
}

/**
 * Whether the caller still has to fill its region's form (source: seed 000 §4.1). Cheap for everyone
 * else: pure checks, then an in-process cache, then one marker read by `_id`; only a pending admin's
 * requests read the region reports of the last PERIODS_LOOKED_AT periods (by `_id`).
 */
export async function regionFormPending(
  deps: RegionFormDeps,
  auth: AuthContext | undefined,
): Promise<boolean> {
  const code = concerned(auth);
  if (!code || filled.has(cacheKey(code))) return false;
  if (await FirstLoginStep.exists({ _id: `regionForm:${code}` })) {
    filled.add(cacheKey(code));
    return false;
  }
  const period = await savedRecently(deps, code);
  if (!period) return true;
  await FirstLoginStep.updateOne(
    { _id: `regionForm:${code}` },
    { $setOnInsert: { period, at: deps.clock() } },
    { upsert: true },
  ).catch(() => {}); // a racing writer's marker is as good
  filled.add(cacheKey(code));
  return false;
}

/**
 * The first-login guard's extra step (http/route.ts `firstLoginSteps`): lists `fillRegionForm` in
 * `ctx.state.firstLoginSteps` (GET /me shows it) and refuses routes outside the step with 403
 * FIRST_LOGIN_REQUIRED `{pendingSteps, regionCode, period}` (the period the region works on now).
 */
export function regionFormGuard(deps: RegionFormDeps) {
  return async (ctx: Context, route: RouteDefinition): Promise<void> => {
    const auth = ctx.state.auth as AuthContext | undefined;
    if (!(await regionFormPending(deps, auth))) return;
    ctx.state.firstLoginSteps = [REGION_FORM_STEP];
    if (route.firstLogin || OPEN_DURING_STEP.has(`${route.method} ${route.path}`)) return;
    const code = auth!.binding!.regionCode!;
    const region = await Region.findById(code).lean<RegionDoc>();
    const level = (region && reportingLevelOf(region)) ?? 'county';
    const period = workingPeriod(deps.clock(), level, deps.calendar).period;
    throw new ForbiddenError(messages.fillRegionForm(region?.name ?? code, period), 'FIRST_LOGIN_REQUIRED', {
      pendingSteps: [REGION_FORM_STEP],
      regionCode: code,
      period,
    });
  };
}
