// Progress rollups: one document per (period, region), `_id` `<period>:<code>`, holding the region's
// totals over its whole subtree, its direct schools, each direct child's totals and each child's own
// region-report state — so a progress page is a single `_id` look-up (the fast path on FerretDB). Kept
// current by $inc on every school report that starts or stops counting as reported (and $set on every
// region report transition), from the event bus (`subscribeProgress`, once per process: read-models.ts;
// a deadline's bulk close writes its own batch), and rebuilt by a full recount that repairs any drift.
import mongoose, { Schema } from 'mongoose';
import { DEFAULT_CALENDAR, NATIONAL_CODE, type CalendarConfig, type ReportState } from '@eduprogress/shared';
import type { Clock } from '../clock';
import { Region, type RegionDoc } from '../regions/model';
import { School } from '../schools/model';
import { bulkWriteUpserts } from '../db/duplicate-key';
import { Report, reportId, type ReportDoc } from './model';
import { onDomainEvent } from '../events';
import { countsInPeriod, isReported, schoolReportingLevel } from './rules';

export interface Counts {
  /** Schools in scope, and how many are initialized. */
  units: number;
  initialized: number;
  /** Reports counted as reported (submitted, locked, withdrawal pending); of those auto-submitted / confirmed unchanged. */
  submitted: number;
  autoSubmitted: number;
  confirmed: number;
}

export interface RegionReportFacts {
  state: ReportState;
  autoSubmitted: boolean;
}

export interface RollupDoc {
  _id: string;
  period: string;
  regionCode: string;
  totals: Counts;
  direct: Counts;
  children: Record<string, Counts>;
  /** The region's own report, and each direct child's. */
  ownReport?: RegionReportFacts;
  childReports: Record<string, RegionReportFacts>;
  recountedAt?: Date;
  /** Last change that must be recounted (a school report changed, a school came or went, a crash). */
  changedAt?: Date;
}

const rollupSchema = new Schema<RollupDoc>(
  {
    _id: String,
    period: String,
    regionCode: String,
    totals: { type: Schema.Types.Mixed },
    direct: { type: Schema.Types.Mixed },
    children: { type: Schema.Types.Mixed },
    ownReport: { type: Schema.Types.Mixed },
    childReports: { type: Schema.Types.Mixed },
    recountedAt: Date,
    changedAt: Date,
  },
  { versionKey: false, minimize: false },
);
export const ProgressRollup = mongoose.model<RollupDoc>('ProgressRollup', rollupSchema, 'progress_rollups');

export const rollupId = (period: string, code: string) => `${period}:${code}`;

export const zeroCounts = (): Counts => ({
  units: 0,
  initialized: 0,
  submitted: 0,
  autoSubmitted: 0,
  confirmed: 0,
});

export interface ReportedFacts {
  reported: boolean;
  auto: boolean;
  confirmed: boolean;
}

export const factsOf = (
  r: { state?: string | null; autoSubmitted?: boolean; confirmedNoChange?: boolean } | null | undefined,
): ReportedFacts => {
  const reported = isReported((r?.state ?? null) as never);
  return { reported, auto: reported && !!r?.autoSubmitted, confirmed: reported && !!r?.confirmedNoChange };
};

/**
 * `$inc` operations that add `inc` to every rollup above a school (totals, child rows, direct row);
 * the school's own region is marked changed at `at`, so the drift repair recounts it (progress-repair.ts).
 */
function incOps(
  period: string,
  school: { regionCode: string; regionPath: string[] },
  inc: Partial<Counts>,
  upsert: boolean,
  at: Date,
): any[] {
  const path = school.regionPath;
  return path.map((code, i) => {
    const update: Record<string, number> = {};
    for (const [k, v] of Object.entries(inc)) {
      if (!v) continue;
      update[`totals.${k}`] = v;
      if (i + 1 < path.length) update[`children.${path[i + 1]}.${k}`] = v;
      if (code === school.regionCode) update[`direct.${k}`] = v;
    }
    return {
      updateOne: {
        filter: { _id: rollupId(period, code) },
        update: {
          $inc: update,
          ...(code === school.regionCode ? { $set: { changedAt: at } } : {}),
          ...(upsert ? { $setOnInsert: { period, regionCode: code } } : {}),
        },
        upsert,
      },
    };
  });
}

/**
 * Runs upserting rollup writes. Two first writers of one rollup (two schools of a new region reporting at
 * once) both try to insert it and one gets a duplicate key although nothing is wrong: the writes that
 * failed so are retried (the document exists now, so the upsert updates it); the others are not repeated.
 */
export async function writeRollups(ops: any[]): Promise<void> {
  await bulkWriteUpserts(ProgressRollup.collection, ops);
}

/** Applies the change of one school report's facts to every rollup above the school. */
export async function applySchoolDelta(
  period: string,
  school: { regionCode: string; regionPath: string[] },
  before: ReportedFacts,
  after: ReportedFacts,
  at: Date,
): Promise<void> {
  const inc = {
    submitted: Number(after.reported) - Number(before.reported),
    autoSubmitted: Number(after.auto) - Number(before.auto),
    confirmed: Number(after.confirmed) - Number(before.confirmed),
  };
  if (!inc.submitted && !inc.autoSubmitted && !inc.confirmed) return;
  await writeRollups(incOps(period, school, inc, true, at));
}

/** Adds `inc` (summed over schools managed by one region) to every rollup above those schools. */
export async function applyCountsDelta(
  period: string,
  place: { regionCode: string; regionPath: string[] },
  inc: Partial<Counts>,
  at: Date,
): Promise<void> {
  await writeRollups(countsDeltaOps(period, place, inc, at));
}

/** The rollup writes of `applyCountsDelta` (none when `inc` is all zero). */
export function countsDeltaOps(
  period: string,
  place: { regionCode: string; regionPath: string[] },
  inc: Partial<Counts>,
  at: Date,
): any[] {
  return Object.values(inc).some((v) => v) ? incOps(period, place, inc, true, at) : [];
}

/** Records a region report's new state on its own rollup and on its parent's. */
export async function applyRegionReport(
  period: string,
  region: { _id: string; parentCode: string | null },
  facts: RegionReportFacts,
): Promise<void> {
  await writeRollups(regionReportOps(period, region, facts));
}

/** The rollup writes of `applyRegionReport`, for callers that write many at once. */
export function regionReportOps(
  period: string,
  region: { _id: string; parentCode: string | null },
  facts: RegionReportFacts,
): any[] {
  const ops: any[] = [
    {
      updateOne: {
        filter: { _id: rollupId(period, region._id) },
        update: { $set: { ownReport: facts }, $setOnInsert: { period, regionCode: region._id } },
        upsert: true,
      },
    },
  ];
  if (region.parentCode) {
    ops.push({
      updateOne: {
        filter: { _id: rollupId(period, region.parentCode) },
        update: {
          $set: { [`childReports.${region._id}`]: facts },
          $setOnInsert: { period, regionCode: region.parentCode },
        },
        upsert: true,
      },
    });
  }
  return ops;
}

/**
 * Many rollup changes merged into one upsert per rollup document (the bulk auto-submission: a step of
 * regions touches each ancestor once, not once per region). Same effects as applyCountsDelta and
 * applyRegionReport, in fewer statements (each write is its own transaction on FerretDB).
 */
export class RollupBatch {
  private docs = new Map<
    string,
    { inc: Record<string, number>; set: Record<string, unknown>; code: string }
  >();

  constructor(private readonly period: string) {}

  private doc(code: string) {
    let d = this.docs.get(code);
    if (!d) this.docs.set(code, (d = { inc: {}, set: {}, code }));
    return d;
  }

  /** As applyCountsDelta: `inc` over the schools managed by `place.regionCode`. */
  addDelta(place: { regionCode: string; regionPath: string[] }, inc: Partial<Counts>, at: Date): void {
    if (!Object.values(inc).some((v) => v)) return;
    const path = place.regionPath;
    path.forEach((code, i) => {
      const d = this.doc(code);
      for (const [k, v] of Object.entries(inc)) {
        if (!v) continue;
        const add = (field: string) => (d.inc[field] = (d.inc[field] ?? 0) + v);
        add(`totals.${k}`);
        if (i + 1 < path.length) add(`children.${path[i + 1]}.${k}`);
        if (code === place.regionCode) add(`direct.${k}`);
      }
      if (code === place.regionCode) d.set.changedAt = at;
    });
  }

  /** As applyRegionReport. */
  addRegionReport(region: { _id: string; parentCode: string | null }, facts: RegionReportFacts): void {
    this.doc(region._id).set.ownReport = facts;
    if (region.parentCode) this.doc(region.parentCode).set[`childReports.${region._id}`] = facts;
  }

  async write(): Promise<void> {
    await writeRollups(
      [...this.docs.values()].map((d) => ({
        updateOne: {
          filter: { _id: rollupId(this.period, d.code) },
          update: {
            ...(Object.keys(d.inc).length ? { $inc: d.inc } : {}),
            $set: d.set,
            $setOnInsert: { period: this.period, regionCode: d.code },
          },
          upsert: true,
        },
      })),
    );
    this.docs.clear();
  }
}

/**
 * Keeps the school counts of existing rollups current when schools are created, deleted or moved
 * (the recount would otherwise be the first to notice). Only rollups already counted are touched.
 */
export async function applySchoolUnits(
  periods: string[],
  school: { regionCode: string; regionPath: string[]; initialized?: boolean },
  delta: number,
  reportedIn: Map<string, ReportedFacts> = new Map(),
  at: Date = new Date(),
): Promise<void> {
  const ops = periods.flatMap((period) => {
    const facts = reportedIn.get(period) ?? { reported: false, auto: false, confirmed: false };
    return incOps(
      period,
      school,
      {
        units: delta,
        initialized: school.initialized ? delta : 0,
        submitted: facts.reported ? delta : 0,
        autoSubmitted: facts.auto ? delta : 0,
        confirmed: facts.confirmed ? delta : 0,
      },
      false,
      at,
    );
  });
  if (ops.length) await ProgressRollup.collection.bulkWrite(ops, { ordered: false });
}

/**
 * Recounts every rollup of `period` under `rootCode` from the schools and reports themselves, and writes
 * those whose counts differ. Absolute values are written, so running it twice, or on two instances,
 * gives the same result. The rollups above `rootCode` are summed again by the drift repair (the root is
 * marked changed for it).
 */
export async function recountProgress(
  clock: Clock,
  period: string,
  rootCode: string,
  calendar: CalendarConfig = DEFAULT_CALENDAR,
): Promise<{ regions: number; schools: number; written: number }> {
  const startedAt = clock();
  const regions = await Region.find(
    { $or: [{ _id: rootCode }, { path: rootCode }] },
    { _id: 1, parentCode: 1, level: 1, countyLevel: 1 },
  ).lean<Pick<RegionDoc, '_id' | 'parentCode' | 'level' | 'countyLevel'>[]>();
  const counts = unitsOfPeriod(period, regions, calendar, startedAt);
  const docs = new Map<string, Omit<RollupDoc, '_id' | 'recountedAt'>>();
  for (const r of regions) {
    docs.set(r._id, {
      period,
      regionCode: r._id,
      totals: zeroCounts(),
      direct: zeroCounts(),
      children: {},
      childReports: {},
    });
  }
  for (const r of regions) {
    if (r.parentCode && docs.has(r.parentCode)) docs.get(r.parentCode)!.children[r._id] = zeroCounts();
  }

  const reported = new Map<string, ReportedFacts>();
  const reportCursor = Report.find(
    { period, regionPath: rootCode },
    { unitKind: 1, schoolId: 1, regionCode: 1, state: 1, autoSubmitted: 1, confirmedNoChange: 1 },
  )
    .lean()
    .cursor();
  const regionReports: { regionCode: string; facts: RegionReportFacts }[] = [];
  for await (const r of reportCursor) {
    if (r.unitKind === 'school') reported.set(String(r.schoolId), factsOf(r));
    else
      regionReports.push({
        regionCode: r.regionCode,
        facts: { state: r.state, autoSubmitted: !!r.autoSubmitted },
      });
  }
  const own = await Report.findById(`${period}:region:${rootCode}`, {
    state: 1,
    autoSubmitted: 1,
    regionCode: 1,
  }).lean();
  if (own)
    regionReports.push({
      regionCode: rootCode,
      facts: { state: own.state, autoSubmitted: !!own.autoSubmitted },
    });
  const parentOf = new Map(regions.map((r) => [r._id, r.parentCode]));
  for (const { regionCode, facts } of regionReports) {
    const doc = docs.get(regionCode);
    if (doc) doc.ownReport = facts;
    const parent = parentOf.get(regionCode);
    if (parent && docs.has(parent) && regionCode !== rootCode)
      docs.get(parent)!.childReports[regionCode] = facts;
  }

  let schools = 0;
  const add = (c: Counts, f: ReportedFacts, initialized: boolean) => {
    c.units++;
    c.initialized += Number(initialized);
    c.submitted += Number(f.reported);
    c.autoSubmitted += Number(f.auto);
    c.confirmed += Number(f.confirmed);
  };
  const schoolCursor = School.find(
    { regionPath: rootCode },
    { regionPath: 1, regionCode: 1, initialized: 1, createdAt: 1 },
  )
    .lean()
    .cursor();
  for await (const s of schoolCursor) {
    if (!counts(s) && !reported.has(String(s._id))) continue; // a report makes it a unit anyway
    schools++;
    const f = reported.get(String(s._id)) ?? { reported: false, auto: false, confirmed: false };
    const path: string[] = s.regionPath;
    path.forEach((code, i) => {
      const doc = docs.get(code);
      if (!doc) return;
      add(doc.totals, f, !!s.initialized);
      if (i + 1 < path.length) add((doc.children[path[i + 1]] ??= zeroCounts()), f, !!s.initialized);
      if (code === s.regionCode) add(doc.direct, f, !!s.initialized);
    });
  }
  // Only rollups whose counts differ (or that were never counted) are written: a nightly recount of
  // the nation is mostly reads.
  const existing = new Map<string, RollupDoc>();
  for (const d of await ProgressRollup.find({ period }).lean<RollupDoc[]>())
    if (docs.has(d.regionCode)) existing.set(d.regionCode, d);
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const ops = [...docs.entries()]
    .filter(([code, doc]) => {
      const old = existing.get(code);
      return (
        !old?.recountedAt ||
        !same(old.totals, doc.totals) ||
        !same(old.direct, doc.direct) ||
        !same(old.children, doc.children) ||
        !same(old.childReports, doc.childReports) ||
        !same(old.ownReport, doc.ownReport)
      );
    })
    .map(([code, { ownReport, ...doc }]) => ({
      updateOne: {
        filter: { _id: rollupId(period, code) },
        update: {
          $set: { ...doc, ...(ownReport ? { ownReport } : {}), recountedAt: startedAt },
          ...(ownReport ? {} : { $unset: { ownReport: 1 } }),
        },
        upsert: true,
      },
    }));
  for (let i = 0; i < ops.length; i += 500) {
    await writeRollups(ops.slice(i, i + 500));
  }
  // The regions above the root hold its totals in their child rows: the drift repair sums them again.
  const root = regions.find((r) => r._id === rootCode);
  if (root?.parentCode) await markRollupChanged(period, rootCode, clock());
  return { regions: regions.length, schools, written: ops.length };
}

/**
 * The test of `countsInPeriod` (rules.ts) for schools managed by `regions`: a school created after its
 * level's deadline for `period` is not one of the period's units. One deadline per managing region.
 */
export function unitsOfPeriod(
  period: string,
  regions: Pick<RegionDoc, '_id' | 'level' | 'countyLevel'>[],
  calendar: CalendarConfig,
  now: Date,
): (school: { regionCode: string; createdAt?: Date | null }) => boolean {
  const levels = new Map(regions.map((r) => [r._id, schoolReportingLevel(r)]));
  return (s) => countsInPeriod(s.createdAt, levels.get(s.regionCode) ?? null, period, calendar, now);
}

/**
 * Marks a region's rollup of `period` as changed in a way the $inc path did not (or may not have)
 * recorded: the drift repair (progress-repair.ts) recounts it from the schools and reports.
 */
export async function markRollupChanged(period: string, regionCode: string, at: Date): Promise<void> {
  await writeRollups([
    {
      updateOne: {
        filter: { _id: rollupId(period, regionCode) },
        update: { $set: { changedAt: at }, $setOnInsert: { period, regionCode } },
        upsert: true,
      },
    },
  ]);
}

/** Whether the school's report of each of `periods` counts as reported, auto-submitted, confirmed. */
async function reportedFactsIn(schoolId: string, periods: string[]): Promise<Map<string, ReportedFacts>> {
  const reports = await Promise.all(
    periods.map((p) =>
      Report.findById(reportId(p, { schoolId }), { state: 1, autoSubmitted: 1, confirmedNoChange: 1 }).lean(),
    ),
  );
  return new Map(periods.map((p, i) => [p, factsOf(reports[i] as ReportDoc | null)]));
}

let subscribed = false;
/**
 * Keeps the rollups current from the event bus (once per process; read-models.ts): a school report's
 * facts ($inc of the difference), a region report's state, a school created, deleted, moved or imported
 * (its school counts, with its reports' facts), and a change a crash interrupted (marked for the drift
 * repair: an $inc may have been applied already).
 */
export function subscribeProgress(): void {
  if (subscribed) return;
  subscribed = true;
  onDomainEvent('report.changed', async (e) => {
    if (e.school) await applySchoolDelta(e.period, e.school, factsOf(e.before), factsOf(e.after), e.at);
    else if (e.region)
      await applyRegionReport(e.period, e.region, {
        state: e.after.state,
        autoSubmitted: e.after.autoSubmitted,
      });
  });
  onDomainEvent('report.recovered', async ({ report, at }) => {
    if (report.unitKind === 'school' && report.schoolId) {
      await markRollupChanged(report.period, report.regionCode, at);
    } else if (report.unitKind === 'region') {
      const region = await Region.findById(report.regionCode, { parentCode: 1 }).lean<RegionDoc>();
      if (region)
        await applyRegionReport(report.period, region, {
          state: report.state,
          autoSubmitted: report.autoSubmitted,
        });
    }
  });
  onDomainEvent('school.changed', async (e) => {
    if (e.before && e.after && e.before.regionCode === e.after.regionCode) return;
    // A resumed move may count twice: the drift repair recounts the regions marked changed.
    const facts = e.before
      ? await reportedFactsIn(e.schoolId, [...new Set([...e.periodsBefore, ...e.periods])])
      : new Map<string, ReportedFacts>();
    if (e.before) await applySchoolUnits(e.periodsBefore, e.before, -1, facts);
    if (e.after) await applySchoolUnits(e.periods, e.after, 1, facts);
  });
  onDomainEvent('schools.imported', async ({ schools, periods }) => {
    if (schools.length)
      await applySchoolUnits(periods, { ...schools[0], initialized: false }, schools.length);
  });
  // A deadline run that overlapped a progress build of its period: the build may have read units a
  // step had reported but not yet added (autosubmit.ts `buildRanSince`).
  onDomainEvent('deadline.closed', async (e) => {
    if (e.recountProgress) await recountProgress(() => e.at, e.period, NATIONAL_CODE);
  });
}
