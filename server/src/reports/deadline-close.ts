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
} from '@eduprogress/shared';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError } from '../http/errors';
import type { RegionDoc } from '../regions/model';
import type { SchoolDoc } from '../schools/model';
import { indexReportStates } from '../schools/list-index';
import { claimKey, ReportClaim } from './claims';
import { Report, reportId, type ReportDoc, type ReportTransition } from './model';
import { applyCountsDelta, applyRegionReport, factsOf } from './progress';
import { EDITABLE_STATES, reportingLevelOf } from './rules';
import { completeChange, ensureReport, transition, type ReportDeps, type Unit } from './service';

const { EJSON } = BSON;

const messages = {
  locked: (upper: string) => `${upper}已上报`,
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

type Below = { kind: 'school'; school: SchoolRef } | { kind: 'region'; region: RegionDoc };

const isEditable = (s: ReportState) => EDITABLE_STATES.includes(s);

/**
 * Closes one region at its deadline: every unit below it locked (reported first when it was not),
 * then its own report reported. Idempotent: a unit already locked needs nothing.
 */
export async function closeRegion(
  deps: ReportDeps,
  period: string,
  level: ReportingLevel,
  reason: string,
  region: RegionDoc,
  schools: SchoolRef[],
  children: RegionDoc[],
  known: Map<string, KnownReport>,
): Promise<RegionOutcome> {
  const now = deps.clock();
  const below: Below[] = [
    ...schools.map((school) => ({ kind: 'school' as const, school })),
    ...children.filter((c) => reportingLevelOf(c)).map((c) => ({ kind: 'region' as const, region: c })),
  ];
  const idOf = (b: Below) =>
    b.kind === 'school'
      ? reportId(period, { schoolId: b.school._id })
      : reportId(period, { regionCode: b.region._id });

  const claims: { _id: string; at: Date; reportId: string; version: number; update: string }[] = [];
  const updates: { b: Below; id: string; version: number; full: Record<string, any>; before: KnownReport }[] =
    [];
  const inserts: { b: Below; doc: { _id: string } & Record<string, unknown> }[] = [];
  const slow: Below[] = [];
  let autoSchools = 0;

  for (const b of below) {
    const id = idOf(b);
    const r = known.get(id);
    if (!r) {
      inserts.push({ b, doc: await newLockedReport(deps, b, period, region, reason, now) });
      continue;
    }
    if (!isEditable(r.state) && r.state !== 'submitted') continue; // locked, withdrawal pending
    const entries: ReportTransition[] = [];
    const set: Record<string, unknown> = { state: 'locked' };
    let unset: Record<string, 1> | undefined;
    if (isEditable(r.state)) {
      // A returned report whose own time limit runs on is locked as it stands (as lockBelow does).
      const returnRuns = r.state === 'returned' && r.returnDeadline && r.returnDeadline > now;
      if (returnRuns) {
        entries.push({
          at: now,
          from: r.state,
          to: 'locked',
          auto: true,
          reason: messages.lockedAuto(region.name),
        });
      } else {
        entries.push({ at: now, from: r.state, to: 'submitted', auto: true, reason });
        entries.push({ at: now, from: 'submitted', to: 'locked', reason: messages.locked(region.name) });
      }
      Object.assign(set, { autoSubmitted: true, submittedAt: now });
      unset = { returnDeadline: 1 };
    } else {
      entries.push({ at: now, from: 'submitted', to: 'locked', reason: messages.locked(region.name) });
    }
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
    updates.push({ b, id, version, full, before: r });
  }

  // Version claims first: a collision is someone changing that report right now.
  const lostClaims = await insertAllOrCollect(ReportClaim.collection, claims);
  const claimed = updates.filter((u) => !lostClaims.has(claimKey(u.id, u.version)));
  for (const u of updates) if (lostClaims.has(claimKey(u.id, u.version))) slow.push(u.b);
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
  const inserted = inserts.filter((i) => !lostInserts.has(String(i.doc._id)));
  for (const i of inserts) if (lostInserts.has(String(i.doc._id))) slow.push(i.b);

  // Read models: one rollup delta for the region's direct schools, each region report's state.
  const delta = { submitted: 0, autoSubmitted: 0, confirmed: 0 };
  const states = new Map<string, ReportState>();
  const add = (before: KnownReport | null, after: KnownReport) => {
    const f0 = factsOf(before);
    const f1 = factsOf(after);
    delta.submitted += Number(f1.reported) - Number(f0.reported);
    delta.autoSubmitted += Number(f1.auto) - Number(f0.auto);
    delta.confirmed += Number(f1.confirmed) - Number(f0.confirmed);
  };
  for (const u of claimed) {
    const after: KnownReport = {
      ...u.before,
      state: 'locked',
      autoSubmitted: isEditable(u.before.state) ? true : u.before.autoSubmitted,
    };
    if (u.b.kind === 'school') {
      add(u.before, after);
      states.set(String(u.b.school._id), 'locked');
      if (isEditable(u.before.state)) autoSchools++;
    } else {
      await applyRegionReport(period, u.b.region, { state: 'locked', autoSubmitted: !!after.autoSubmitted });
    }
  }
  for (const i of inserted) {
    if (i.b.kind === 'school') {
      add(null, { state: 'locked', autoSubmitted: true });
      states.set(String(i.b.school._id), 'locked');
      autoSchools++;
    } else {
      await applyRegionReport(period, i.b.region, { state: 'locked', autoSubmitted: true });
    }
  }
  await applyCountsDelta(
    period,
    { regionCode: region._id, regionPath: [...region.path, region._id] },
    delta,
    now,
  );
  await indexReportStates(region._id, period, states);
  if (claims.length) {
    await ReportClaim.deleteMany({ _id: { $in: claimed.map((u) => claimKey(u.id, u.version)) } });
  }

  for (const b of slow) if (await lockOne(deps, period, level, region, b, reason)) autoSchools++;
  const regionAuto = await autoSubmitOwn(deps, { kind: 'region', region, level }, period, reason);
  return { regionAuto, autoSchools };
}

/** A report that never existed, created locked: last period's data carried forward (seed 001 §17). */
async function newLockedReport(
  deps: ReportDeps,
  b: Below,
  period: string,
  upper: RegionDoc,
  reason: string,
  now: Date,
): Promise<{ _id: string } & Record<string, unknown>> {
  const prevId =
    b.kind === 'school'
      ? reportId(previousPeriod(parsePeriod(period)).name, { schoolId: b.school._id })
      : reportId(previousPeriod(parsePeriod(period)).name, { regionCode: b.region._id });
  const prev = await Report.findById(prevId, { data: 1 }).lean<ReportDoc>();
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
    state: 'locked',
    autoSubmitted: true,
    confirmedNoChange: false,
    formVersion: b.kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION,
    data: prev?.data ?? {},
    issues: [],
    history: [
      { at: now, from: 'draft', to: 'submitted', auto: true, reason },
      { at: now, from: 'submitted', to: 'locked', reason: messages.locked(upper.name) },
    ],
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
  return false;
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
