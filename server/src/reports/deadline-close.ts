// One step of a deadline's auto-submission, in bulk (001 §17, 002 §18): for each region of the level,
// every unit it reviews (its direct schools, its child regions) ends `locked` — reported as it stands
// first if it was not — and the region's own report is reported. What one report at a time would do in
// ~20 database round trips per school is done here in a handful of bulk writes per region: version claims
// (insertMany), report updates and inserts (bulkWrite/insertMany), one rollup delta per region, one
// school-list write per region. A unit someone changes at the same moment (its claim or insert collides)
// goes through the one-at-a-time path instead. A crash between the writes leaves claims that the
// reconcile (reconcile.ts) rolls forward, marking the rollups for recount.
import { BSON } from 'mongodb';
import type { Types } from 'mongoose';
import {
  REGION_FORM_CURRENT_VERSION,
  SCHOOL_FORM_CURRENT_VERSION,
  parsePeriod,
  previousPeriod,
  type ReportState,
  type ReportingLevel,
  regionScope,
} from '@eduprogress/shared';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError } from '../http/errors';
import type { RegionDoc } from '../regions/model';
import type { SchoolDoc } from '../schools/model';
import { indexReportStates } from '../schools/list-index';
import { claimKey, ReportClaim } from './claims';
import { Report, reportId, type ReportDoc, type ReportTransition } from './model';
import { factsOf, RollupBatch } from './progress';
import { EDITABLE_STATES, reportingLevelOf } from './rules';
import { completeChange, ensureReport, transition, type ReportDeps, type Unit } from './service';

const { EJSON } = BSON;

const messages = {
  locked: (upper: string) => `${upper}已上报`,
  busy: (id: string) => `report ${id} kept changing during auto-submission; the step is retried`,
  unfinished: (n: number) => `${n} reports of the step could not be closed yet; the step is retried`,
  lockedAuto: (upper: string) => `${upper}已上报，数据按现状自动上报并锁定`,
};

/** What the step needs to know of an existing report (read once per deadline run). */
export interface KnownReport {
  state: ReportState;
  version?: number;
  autoSubmitted?: boolean;
  confirmedNoChange?: boolean;
  returnDeadline?: Date;
}

export type SchoolRef = Pick<SchoolDoc, '_id' | 'name' | 'regionCode' | 'regionPath'>;

export interface RegionOutcome {
  /** The region's own report was reported automatically. */
  regionAuto: boolean;
  /** Schools reported automatically. */
  autoSchools: number;
}

/** A unit kept changing under the deadline's close: its step is retried by the next run. */
class UnitBusyError extends Error {}

type Below = { kind: 'school'; school: SchoolRef } | { kind: 'region'; region: RegionDoc };

/** One report to move: a unit below a region (to `locked`), or a region's own report (to `submitted`). */
interface Plan {
  b: Below;
  /** The region closing: whose deadline this is (for a region's own report, itself). */
  upper: RegionDoc;
  target: 'locked' | 'submitted';
}

const isEditable = (s: ReportState) => EDITABLE_STATES.includes(s);

/**
 * Closes regions at their deadline, in bulk: every unit below each region locked (reported first when
 * it was not), and each region's own report reported. Idempotent: a unit already locked needs nothing.
 * Returns what was reported automatically, per region.
 */
export async function closeRegions(
  deps: ReportDeps,
  period: string,
  level: ReportingLevel,
  reason: string,
  regions: RegionDoc[],
  schoolsOf: Map<string, SchoolRef[]>,
  childrenOf: Map<string, RegionDoc[]>,
  known: Map<string, KnownReport>,
): Promise<Map<string, RegionOutcome>> {
  const now = deps.clock();
  const outcomes = new Map<string, RegionOutcome>(
    regions.map((r) => [r._id, { regionAuto: false, autoSchools: 0 }]),
  );
  const plans: Plan[] = [];
  for (const region of regions) {
    for (const school of schoolsOf.get(region._id) ?? [])
      plans.push({ b: { kind: 'school', school }, upper: region, target: 'locked' });
    for (const child of childrenOf.get(region._id) ?? [])
      if (reportingLevelOf(child))
        plans.push({ b: { kind: 'region', region: child }, upper: region, target: 'locked' });
    plans.push({ b: { kind: 'region', region }, upper: region, target: 'submitted' });
  }
  const idOf = (b: Below) =>
    b.kind === 'school'
      ? reportId(period, { schoolId: b.school._id })
      : reportId(period, { regionCode: b.region._id });

  const claims: { _id: string; at: Date; reportId: string; version: number; update: string }[] = [];
  const updates: { p: Plan; id: string; version: number; full: Record<string, any>; before: KnownReport }[] =
    [];
  const inserts: { p: Plan; doc: { _id: string } & Record<string, unknown> }[] = [];
  const slow: Plan[] = [];

  for (const p of plans) {
    const id = idOf(p.b);
    const r = known.get(id);
    if (!r) {
      inserts.push({ p, doc: await newReport(p, period, reason, now) });
      continue;
    }
    const returnRuns = r.state === 'returned' && !!r.returnDeadline && r.returnDeadline > now;
    const entries: ReportTransition[] = [];
    const set: Record<string, unknown> = { state: p.target };
    let unset: Record<string, 1> | undefined;
    if (p.target === 'submitted') {
      // A region's own report: reported if still editable, unless a return's time limit runs on.
      if (!isEditable(r.state) || returnRuns) continue;
      entries.push({ at: now, from: r.state, to: 'submitted', auto: true, reason });
      Object.assign(set, { autoSubmitted: true, submittedAt: now });
      unset = { returnDeadline: 1 };
    } else if (isEditable(r.state)) {
      // Locked as it stands; reported first unless a return's own time limit runs on (as lockBelow does).
      if (returnRuns) {
        entries.push({
          at: now,
          from: r.state,
          to: 'locked',
          auto: true,
          reason: messages.lockedAuto(p.upper.name),
        });
      } else {
        entries.push({ at: now, from: r.state, to: 'submitted', auto: true, reason });
        entries.push({ at: now, from: 'submitted', to: 'locked', reason: messages.locked(p.upper.name) });
      }
      Object.assign(set, { autoSubmitted: true, submittedAt: now });
      unset = { returnDeadline: 1 };
    } else if (r.state === 'submitted') {
      entries.push({ at: now, from: 'submitted', to: 'locked', reason: messages.locked(p.upper.name) });
    } else continue; // locked, withdrawal pending
    const version = r.version ?? 0;
    const full: Record<string, any> = {
      $set: { ...set, version: version + 1, updatedAt: now },
      $push: { history: { $each: entries } },
      ...(unset ? { $unset: unset } : {}),
    };
    claims.push({
      _id: claimKey(id, version),
      at: now,
      reportId: id,
      version,
      update: EJSON.stringify(full),
    });
    updates.push({ p, id, version, full, before: r });
  }

  // Version claims first: a collision is someone changing that report right now.
  const lostClaims = await insertAllOrCollect(ReportClaim.collection, claims);
  const claimed = updates.filter((u) => !lostClaims.has(claimKey(u.id, u.version)));
  for (const u of updates) if (lostClaims.has(claimKey(u.id, u.version))) slow.push(u.p);
  if (claimed.length) {
    await Report.collection.bulkWrite(
      claimed.map((u) => ({
        updateOne: {
          filter: { _id: u.id as any, version: u.version === 0 ? { $in: [0, null] } : u.version },
          update: u.full,
        },
      })),
      { ordered: false },
    );
  }
  const lostInserts = await insertAllOrCollect(
    Report.collection,
    inserts.map((i) => i.doc),
  );
  for (const i of inserts) if (lostInserts.has(i.doc._id)) slow.push(i.p);

  // Read models: one rollup delta per region for its direct schools, each region report's state, one
  // school-list write per region.
  const done: { p: Plan; before: KnownReport | null; after: KnownReport }[] = [
    ...claimed.map((u) => ({
      p: u.p,
      before: u.before,
      after: {
        ...u.before,
        state: u.p.target,
        autoSubmitted: isEditable(u.before.state) ? true : u.before.autoSubmitted,
      } as KnownReport,
    })),
    ...inserts
      .filter((i) => !lostInserts.has(i.doc._id))
      .map((i) => ({
        p: i.p,
        before: null,
        after: { state: i.p.target, autoSubmitted: true } as KnownReport,
      })),
  ];
  const deltas = new Map<string, { submitted: number; autoSubmitted: number; confirmed: number }>();
  const states = new Map<string, Map<string, ReportState>>();
  const rollups = new RollupBatch(period);
  for (const { p, before, after } of done) {
    known.set(idOf(p.b), { ...after, version: (before?.version ?? 0) + 1 });
    if (p.b.kind === 'school') {
      const f0 = factsOf(before);
      const f1 = factsOf(after);
      const d = deltas.get(p.upper._id) ?? { submitted: 0, autoSubmitted: 0, confirmed: 0 };
      d.submitted += Number(f1.reported) - Number(f0.reported);
      d.autoSubmitted += Number(f1.auto) - Number(f0.auto);
      d.confirmed += Number(f1.confirmed) - Number(f0.confirmed);
      deltas.set(p.upper._id, d);
      const byRegion = states.get(p.upper._id) ?? new Map<string, ReportState>();
      byRegion.set(String(p.b.school._id), after.state);
      states.set(p.upper._id, byRegion);
      if (!before || isEditable(before.state)) outcomes.get(p.upper._id)!.autoSchools++;
    } else {
      rollups.addRegionReport(p.b.region, { state: after.state, autoSubmitted: !!after.autoSubmitted });
      if (p.target === 'submitted') outcomes.get(p.upper._id)!.regionAuto = true;
    }
  }
  for (const region of regions) {
    const d = deltas.get(region._id);
    if (d) rollups.addDelta({ regionCode: region._id, regionPath: regionScope(region) }, d, now);
  }
  await rollups.write();
  for (const [code, byRegion] of states) await indexReportStates(code, period, byRegion);
  if (claimed.length)
    await ReportClaim.deleteMany({ _id: { $in: claimed.map((u) => claimKey(u.id, u.version)) } });

  // The units someone changed at the same moment, one at a time; any left over fail the step (retried).
  let unfinished = 0;
  for (const p of slow) {
    try {
      if (p.target === 'submitted') {
        const u: Unit = { kind: 'region', region: p.upper, level };
        if (await autoSubmitOwn(deps, u, period, reason)) outcomes.get(p.upper._id)!.regionAuto = true;
        const r = await Report.findById(reportId(period, { regionCode: p.upper._id }), {
          state: 1,
          returnDeadline: 1,
        }).lean<ReportDoc>();
        if (r && isEditable(r.state) && !(r.returnDeadline && r.returnDeadline > deps.clock()))
          throw new UnitBusyError(messages.busy(r._id));
      } else if (await lockOne(deps, period, level, p.upper, p.b, reason))
        outcomes.get(p.upper._id)!.autoSchools++;
    } catch (err) {
      if (!(err instanceof UnitBusyError)) throw err;
      unfinished++;
    }
  }
  if (unfinished) throw new Error(messages.unfinished(unfinished));
  return outcomes;
}

/** A report that never existed, created in its target state: last period's data carried forward. */
async function newReport(
  p: Plan,
  period: string,
  reason: string,
  now: Date,
): Promise<{ _id: string } & Record<string, unknown>> {
  const { b } = p;
  const prevPeriod = previousPeriod(parsePeriod(period)).name;
  const prevId =
    b.kind === 'school'
      ? reportId(prevPeriod, { schoolId: b.school._id })
      : reportId(prevPeriod, { regionCode: b.region._id });
  const prev = await Report.findById(prevId, { data: 1 }).lean<ReportDoc>();
  const history: ReportTransition[] = [{ at: now, from: 'draft', to: 'submitted', auto: true, reason }];
  if (p.target === 'locked')
    history.push({ at: now, from: 'submitted', to: 'locked', reason: messages.locked(p.upper.name) });
  return {
    _id:
      b.kind === 'school'
        ? reportId(period, { schoolId: b.school._id })
        : reportId(period, { regionCode: b.region._id }),
    period,
    unitKind: b.kind,
    ...(b.kind === 'school' ? { schoolId: b.school._id as Types.ObjectId } : {}),
    regionCode: b.kind === 'school' ? b.school.regionCode : b.region._id,
    regionPath: b.kind === 'school' ? b.school.regionPath : b.region.path,
    state: p.target,
    autoSubmitted: true,
    confirmedNoChange: false,
    formVersion: b.kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION,
    data: prev?.data ?? {},
    issues: [],
    history,
    submittedAt: now,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** insertMany without order; returns the `_id`s refused as duplicates (other errors are thrown). */
async function insertAllOrCollect(
  collection: { insertMany(docs: any[], opts: { ordered: boolean }): Promise<unknown> },
  docs: { _id: unknown }[],
): Promise<Set<string>> {
  const lost = new Set<string>();
  if (docs.length === 0) return lost;
  try {
    await collection.insertMany(docs, { ordered: false });
  } catch (err) {
    const failed = (err as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
    if (!failed?.length || !failed.every((w) => isDuplicateKey(w))) throw err;
    for (const w of failed) lost.add(String(docs[w.index]._id));
  }
  return lost;
}

/** The one-at-a-time path for a unit below `upper` that changed under the bulk step. */
async function lockOne(
  deps: ReportDeps,
  period: string,
  level: ReportingLevel,
  upper: RegionDoc,
  b: Below,
  reason: string,
): Promise<boolean> {
  const unit: Unit =
    b.kind === 'school'
      ? { kind: 'school', school: b.school as SchoolDoc, managing: upper, level }
      : { kind: 'region', region: b.region, level: reportingLevelOf(b.region)! };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const report = await ensureReport(deps, unit, period);
      if (isEditable(report.state)) {
        const submitted = await autoSubmitOwn(deps, unit, period, reason);
        const after = await transition(deps, unit, period, ['submitted', ...EDITABLE_STATES], 'locked', {
          action: '锁定',
          reason: messages.locked(upper.name),
          ...(submitted ? {} : { auto: true, set: { autoSubmitted: true, submittedAt: deps.clock() } }),
        });
        await completeChange(deps, unit, after);
        return b.kind === 'school';
      }
      if (report.state === 'submitted') {
        const after = await transition(deps, unit, period, ['submitted'], 'locked', {
          action: '锁定',
          reason: messages.locked(upper.name),
        });
        await completeChange(deps, unit, after);
      }
      return false;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  // Still changing under us (a claim in flight, or left by a crash until the reconcile finishes it).
  throw new Error(
    messages.busy(
      reportId(period, b.kind === 'school' ? { schoolId: b.school._id } : { regionCode: b.region._id }),
    ),
  );
}

/** Reports one unit's own report automatically if it is still editable (a return's time limit respected). */
export async function autoSubmitOwn(
  deps: ReportDeps,
  u: Unit,
  period: string,
  reason: string,
): Promise<boolean> {
  const report = await ensureReport(deps, u, period);
  if (!isEditable(report.state)) return false;
  if (report.state === 'returned' && report.returnDeadline && report.returnDeadline > deps.clock())
    return false;
  try {
    const after = await transition(deps, u, period, EDITABLE_STATES, 'submitted', {
      auto: true,
      reason,
      action: '自动上报',
      set: { autoSubmitted: true, submittedAt: deps.clock() },
      unset: ['returnDeadline'],
    });
    await completeChange(deps, u, after);
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false; // someone got there first
    throw err;
  }
}
