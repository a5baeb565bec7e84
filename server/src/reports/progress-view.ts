// GET /regions/{code}/progress and /supervision: answered from the rollups (`_id` look-ups) and the
// region reports (`_id` look-ups), so a change is visible as soon as its request returns.
import {
  REPORT_STATE_LABELS,
  parsePeriod,
  percent,
  reportingStateAt,
  type CalendarConfig,
  type ReportState,
  type ReportingLevel,
  type ProgressCounts,
  type ProgressView,
  toApiDateTime,
} from '@eduprogress/shared';
import { User, type UserDoc } from '../accounts/model';
import type { AuthContext } from '../accounts/service';
import type { Clock } from '../clock';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { cachedChildren } from '../regions/tree';
import {
  ProgressRollup,
  recountProgress,
  rollupId,
  type Counts as RollupCounts,
  type RegionReportFacts,
  type RollupDoc,
} from './progress';
import { directRowLabel, levelDeadline, reportingLevelOf } from './rules';
import { governsCode } from '../access/rules';
import { awaitRollupBuild } from '../jobs/rollup-builds';

const messages = {
  notFound: (code: string) => `地区 ${code} 不存在`,
  outside: '该地区不在您的管辖范围内',
  recountRole: '只有管理员或审核员可以重新统计上报进度',
};

export interface ProgressDeps {
  clock: Clock;
  calendar: CalendarConfig;
}

type Counts = ProgressCounts;

export async function regionWithin(auth: AuthContext, code: string): Promise<RegionDoc> {
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.notFound(code), 'REGION_NOT_FOUND');
  if (!governsCode(auth.binding, region._id, region.path))
    throw new ForbiddenError(messages.outside, 'OUTSIDE_JURISDICTION');
  return region;
}

/**
 * The manual recount of a region's progress (a heavy write): for the region's or an upper region's
 * 管理员 and 审核员 only — an inspector (视察员) reads but does not trigger writes (issue 9 §4).
 * 403 OUTSIDE_JURISDICTION outside the caller's region, 403 ROLE_REQUIRED for other roles.
 */
export async function recountRegion(deps: ProgressDeps, auth: AuthContext, code: string, period: string) {
  await regionWithin(auth, code);
  if (!['admin', 'auditor'].includes(auth.binding?.role ?? ''))
    throw new ForbiddenError(messages.recountRole, 'ROLE_REQUIRED');
  return recountProgress(deps.clock, period, code, deps.calendar);
}

export function defaultPeriod(deps: ProgressDeps): string {
  return reportingStateAt(deps.clock(), deps.calendar).period.name;
}

/**
 * The region's rollup of `period`. Never counted (a first look, a new period): built in the background
 * (jobs/rollup-builds.ts), waited for at most ROLLUP_WAIT_MS, else answered as stored with `counting`.
 * After the build, $inc keeps it current.
 */
async function rollupFor(
  deps: ProgressDeps,
  period: string,
  region: RegionDoc,
): Promise<{ doc: RollupDoc | null; counting: boolean }> {
  const read = () => ProgressRollup.findById(rollupId(period, region._id)).lean<RollupDoc>();
  const doc = await read();
  if (doc?.recountedAt) return { doc, counting: false };
  if (!(await awaitRollupBuild(deps.clock, 'progress', period, region._id))) return { doc, counting: true };
  return { doc: await read(), counting: false };
}

/**
 * Schools are due by the deadline of the level that manages them: the county's for a subtree (most
 * schools), the region's own level for its direct schools. Past it, whatever is not reported is overdue.
 */
function counts(
  deps: ProgressDeps,
  period: string,
  c: Partial<RollupCounts> | undefined,
  dueLevel: ReportingLevel,
): Counts {
  const units = c?.units ?? 0;
  const submitted = Math.min(units, Math.max(0, c?.submitted ?? 0));
  const past = deps.clock() >= levelDeadline(period, dueLevel, deps.calendar);
  return {
    units,
    submitted,
    autoSubmitted: c?.autoSubmitted ?? 0,
    confirmed: c?.confirmed ?? 0,
    initialized: c?.initialized ?? 0,
    overdue: past ? units - submitted : 0,
    rate: percent(submitted, units),
  };
}

function reportSummary(r: RegionReportFacts | undefined) {
  const state: ReportState = r?.state ?? 'draft';
  return { state, stateLabel: REPORT_STATE_LABELS[state], autoSubmitted: r?.autoSubmitted ?? false };
}

/** One rollup read answers the whole page: totals, each direct child, the direct schools. */
export async function getProgress(
  deps: ProgressDeps,
  auth: AuthContext,
  code: string,
  periodName?: string,
): Promise<ProgressView> {
  const region = await regionWithin(auth, code);
  const period = periodName ?? defaultPeriod(deps);
  parsePeriod(period);
  const [children, { doc, counting }] = await Promise.all([
    cachedChildren(code),
    rollupFor(deps, period, region),
  ]);
  const rollup: Partial<RollupDoc> = doc ?? {};
  const ownLevel = reportingLevelOf(region) ?? 'province';
  return {
    region: { code: region._id, name: region.name, level: region.level },
    period,
    totals: counts(deps, period, rollup.totals, 'county'),
    report: reportSummary(rollup.ownReport),
    children: [
      ...children.map((c) => ({
        code: c._id,
        name: c.name,
        level: c.level,
        direct: false,
        ...counts(deps, period, rollup.children?.[c._id], 'county'),
        report: reportSummary(rollup.childReports?.[c._id]),
      })),
      {
        code: `${region._id}:direct`,
        name: directRowLabel(region.level),
        level: region.level,
        direct: true,
        ...counts(deps, period, rollup.direct, ownLevel),
        report: null,
      },
    ],
    recountedAt: rollup.recountedAt ? toApiDateTime(rollup.recountedAt) : null,
    /** A build of the period's rollups is under way: the counts are what was counted so far. */
    counting,
  };
}

export async function getSupervision(
  deps: ProgressDeps,
  auth: AuthContext,
  code: string,
  periodName?: string,
) {
  const progress = await getProgress(deps, auth, code, periodName);
  const childCodes = progress.children.filter((c) => !c.direct).map((c) => c.code);
  const admins = await User.find(
    { 'bindings.regionCode': { $in: childCodes } },
    { bindings: 1, profileCompleted: 1, mustChangePassword: 1 },
  ).lean<UserDoc[]>();
  const adminStats = new Map<string, { total: number; initialized: number }>();
  for (const u of admins) {
    for (const b of u.bindings) {
      if (!b.active || b.kind !== 'region' || !b.regionCode || !childCodes.includes(b.regionCode)) continue;
      const s = adminStats.get(b.regionCode) ?? { total: 0, initialized: 0 };
      s.total++;
      s.initialized += Number(!!u.profileCompleted && !u.mustChangePassword);
      adminStats.set(b.regionCode, s);
    }
  }
  return {
    region: progress.region,
    period: progress.period,
    rows: progress.children.map((c) => ({
      code: c.code,
      name: c.name,
      direct: c.direct,
      admins: c.direct ? null : (adminStats.get(c.code) ?? { total: 0, initialized: 0 }),
      schools: c.units,
      schoolsInitialized: c.initialized,
      initializationRate: percent(c.initialized, c.units),
      schoolsReported: c.submitted,
      schoolsConfirmedNoChange: c.confirmed,
      schoolsAutoSubmitted: c.autoSubmitted,
      reportRate: c.rate,
      overdue: c.overdue,
      regionReport: c.report,
    })),
  };
}
