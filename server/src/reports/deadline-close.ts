// One step of a deadline's auto-submission, in bulk (001 §17, 002 §18): for each region of the level,
// every unit it reviews (its direct schools, its child regions) ends `locked` — reported as it stands
// first if it was not — and the region's own report is reported. What one report at a time would do in
// ~20 database round trips per school is done here in a handful of bulk writes per region: version claims
// (insertMany, each with its audit entry as follow-up), report updates conditional on the version known
// (reports moved alike grouped into `updateMany({_id: {$in}, version})`: index look-ups and one SQLite
// transaction per 1,000 on our patched FerretDB; a state filter instead of the version would let an
// update land on a report someone changed since the read) and inserts (insertMany), audit entries
// (insertMany), one progress and one statistics delta per rollup, one school-list write per region. A unit
// someone changes at the same moment (its claim, version or insert collides) goes through the
// one-at-a-time path instead. A crash between the writes leaves claims that the reconcile
// (reconcile.ts) rolls forward, writing their audit entries once and marking the rollups for recount.
import { createHash } from 'node:crypto';
import { BSON } from 'mongodb';
import { Types } from 'mongoose';
import {
  deadlineLabel,
  REGION_FORM_CURRENT_VERSION,
  SCHOOL_FORM_CURRENT_VERSION,
  parsePeriod,
  previousPeriod,
  type ReportState,
  type ReportingLevel,
  regionScope,
} from '@eduprogress/shared';
import { AuditEntry } from '../audit/model';
import { diff, type Actor } from '../audit/service';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError } from '../http/errors';
import type { RegionDoc } from '../regions/model';
import type { SchoolDoc } from '../schools/model';
import { publishDomainEvent } from '../events';
import { applyUnitsCounted, type CountedUnit } from '../statistics/rollups';
import { claimKey, ReportClaim, type FollowUps } from './claims';
import { Report, reportId, type ReportDoc, type ReportTransition } from './model';
import { factsOf, RollupBatch } from './progress';
import { EDITABLE_STATES, isReported, reportingLevelOf } from './rules';
import { completeChange, ensureReport, transition, type ReportDeps, type Unit } from './service';

const { EJSON } = BSON;

const messages = {
  system: '系统（截止时间自动上报）',
  locked: (upper: string) => `${upper}已上报`,
  busy: (id: string) => `report ${id} kept changing during auto-submission; the step is retried`,
  unfinished: (n: number) => `${n} reports of the step could not be closed yet; the step is retried`,
  lockedAuto: (upper: string) => `${upper}已上报，数据按现状自动上报并锁定`,
  returnExpired: (limit: Date) =>
    `退回修改期限 ${deadlineLabel(limit.toISOString())} 已到，按现有数据自动上报`,
};

/**
 * Why a unit is reported automatically now (history note and audit reason): a report returned with a
 * time limit missed that limit — also when a run catching up after the limit closes it at the
 * deadline, whose own time had passed before the return's (seed 001 §19: 限时修改); any other unit
 * missed the deadline, `reason`. `r` is the report as read (its state and limit before the change).
 */
export function autoReasonOf(
  r: { state: ReportState; returnDeadline?: Date | null },
  reason: string,
): string {
  return r.state === 'returned' && r.returnDeadline ? messages.returnExpired(r.returnDeadline) : reason;
}

/** What the step needs to know of an existing report (read once per deadline run). */
export interface KnownReport {
  state: ReportState;
  version?: number;
  autoSubmitted?: boolean;
  confirmedNoChange?: boolean;
  returnDeadline?: Date;
  submittedAt?: Date;
  /** The report's data and form version, when read with it (the statistics then need no second read). */
  data?: ReportDoc['data'];
  formVersion?: number;
}

/** A school as closing its region needs it: its place, and what its statistics are placed by. */
export type SchoolRef = Pick<
  SchoolDoc,
  '_id' | 'name' | 'regionCode' | 'regionPath' | 'type' | 'urbanRural' | 'projectSchool'
> &
  Partial<Pick<SchoolDoc, 'status'>>;

/** Milliseconds spent per phase of the steps of one deadline run (summed over its steps). */
export type CloseTimings = Record<
  | 'plan'
  | 'claims'
  | 'reportWrites'
  | 'inserts'
  | 'progress'
  | 'schoolList'
  | 'statistics'
  | 'audit'
  | 'settle'
  | 'slow',
  number
>;

/** A fresh set of phase timings, all zero. */
export const closeTimings = (): CloseTimings => ({
  plan: 0,
  claims: 0,
  reportWrites: 0,
  inserts: 0,
  progress: 0,
  schoolList: 0,
  statistics: 0,
  audit: 0,
  settle: 0,
  slow: 0,
});

export interface RegionOutcome {
  /** The region's own report was reported automatically (with `deadline`: by anyone since it). */
  regionAuto: boolean;
  /** Schools reported automatically (with `deadline`: by anyone since it). */
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

/** Who the audit trail names for what a deadline does by itself. */
export const SYSTEM_ACTOR: Actor = { name: messages.system };

const isEditable = (s: ReportState) => EDITABLE_STATES.includes(s);

/** `_id` reads sent at once (each is an index look-up on FerretDB; a few in flight hide the round trip). */
const READS_IN_FLIGHT = 16;

/** `fn` over `items` with at most `limit` calls in flight; results in the items' order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

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
  opts: { deadline?: Date; timings?: CloseTimings } = {},
): Promise<Map<string, RegionOutcome>> {
  const now = deps.clock();
  const timings = opts.timings ?? closeTimings();
  let mark = performance.now();
  /** Adds the time since the last lap to `phase`. */
  const lap = (phase: keyof CloseTimings) => {
    const t = performance.now();
    timings[phase] += t - mark;
    mark = t;
  };
  // Reported automatically at this deadline already (by a run this one took over from): counted too.
  const autoBefore = (r: KnownReport | null | undefined) =>
    !!(opts.deadline && r?.autoSubmitted && r.submittedAt && r.submittedAt >= opts.deadline);
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

  const claims: {
    _id: string;
    at: Date;
    reportId: string;
    version: number;
    update: string;
    followUps?: string;
  }[] = [];
  const audits = new Map<string, NonNullable<FollowUps['audit']>>();
  /** The claim of a report's version, with its audit entry when the unit is reported automatically. */
  const claim = (
    p: Plan,
    id: string,
    version: number,
    full: Record<string, any>,
    from: ReportState | null,
    why = reason,
  ) => {
    const key = claimKey(id, version);
    let followUps: string | undefined;
    if (full.$set.autoSubmitted) {
      const audit = autoAudit(key, p, id, from, full.$set.state, why);
      audits.set(key, audit);
      followUps = EJSON.stringify({ audit } satisfies FollowUps);
    }
    claims.push({ _id: key, at: now, reportId: id, version, update: EJSON.stringify(full), followUps });
  };
  const updates: { p: Plan; id: string; version: number; full: Record<string, any>; before: KnownReport }[] =
    [];
  const inserts: { p: Plan; doc: { _id: string } & Record<string, unknown> }[] = [];
  const slow: Plan[] = [];

  const missing: Plan[] = [];
  for (const p of plans) {
    const id = idOf(p.b);
    const r = known.get(id);
    if (!r) {
      missing.push(p);
      continue;
    }
    if (autoBefore(r) && !isEditable(r.state)) {
      if (p.b.kind === 'school') outcomes.get(p.upper._id)!.autoSchools++;
      else if (p.target === 'submitted') outcomes.get(p.upper._id)!.regionAuto = true;
      if (r.state !== 'submitted' || p.target === 'submitted') continue; // nothing left to do
      // A school reported but not yet locked: locked below, already counted.
      const entries = [
        { at: now, from: 'submitted' as const, to: 'locked' as const, reason: messages.locked(p.upper.name) },
      ];
      const version = r.version ?? 0;
      const full = {
        $set: { state: p.target, version: version + 1, updatedAt: now },
        $push: { history: { $each: entries } },
      };
      claim(p, id, version, full, r.state);
      updates.push({ p, id, version, full, before: r });
      continue;
    }
    const returnRuns = r.state === 'returned' && !!r.returnDeadline && r.returnDeadline > now;
    const why = autoReasonOf(r, reason);
    const entries: ReportTransition[] = [];
    const set: Record<string, unknown> = { state: p.target };
    let unset: Record<string, 1> | undefined;
    if (p.target === 'submitted') {
      // A region's own report: reported if still editable, unless a return's time limit runs on.
      if (!isEditable(r.state) || returnRuns) continue;
      entries.push({ at: now, from: r.state, to: 'submitted', auto: true, reason: why });
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
        entries.push({ at: now, from: r.state, to: 'submitted', auto: true, reason: why });
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
    claim(p, id, version, full, r.state, why);
    updates.push({ p, id, version, full, before: r });
  }

  const created = await newReports(missing, period, reason, now);
  // A report created here is claimed at version 0 too: a crash after its insert still gets its audit
  // entry from the reconcile, and someone creating it at the same moment collides here.
  missing.forEach((p, i) => {
    const doc = created[i];
    inserts.push({ p, doc });
    const { state, autoSubmitted, submittedAt, updatedAt, history } = doc;
    claim(
      p,
      doc._id,
      0,
      {
        $set: { state, autoSubmitted, submittedAt, updatedAt, version: 1 },
        $push: { history: { $each: history } },
      },
      null,
    );
  });

  lap('plan');
  // Version claims first: a collision is someone changing that report right now.
  const lostClaims = await insertAllOrCollect(ReportClaim.collection, claims);
  for (const u of updates) if (lostClaims.has(claimKey(u.id, u.version))) slow.push(u.p);
  // `known` was read when the run began: a report changed since (its claim settled and removed) is at
  // a later version, so each update is conditional on the version known. `{_id, version}` is an index
  // look-up on FerretDB with our patch 0003 (before it, every such statement scanned the collection).
  const held = updates.filter((u) => !lostClaims.has(claimKey(u.id, u.version)));
  lap('claims');
  let claimed = held;
  if (held.length) {
    // Reports moved alike (same version, same update: a region's drafts at version 0, say) are one
    // `updateMany` by `_id: {$in}` and the version: one statement, and with our patch 0004 one SQLite
    // transaction per 1,000 reports instead of one per report.
    const groups = new Map<string, { version: number; full: Record<string, any>; ids: string[] }>();
    for (const u of held) {
      const key = EJSON.stringify(u.full);
      const g = groups.get(key) ?? { version: u.version, full: u.full, ids: [] };
      g.ids.push(u.id);
      groups.set(key, g);
    }
    const statements = [...groups.values()].flatMap((g) =>
      chunks(g.ids, MANY_IDS).map((ids) => ({ ...g, ids })),
    );
    const results = await mapLimit(statements, WRITES_IN_FLIGHT, (g) =>
      Report.collection.updateMany(
        { _id: { $in: g.ids as any[] }, version: g.version === 0 ? { $in: [0, null] } : g.version },
        g.full,
      ),
    );
    const matched = results.reduce((n, r) => n + r.matchedCount, 0);
    if (matched !== held.length) {
      // Some had moved on: those whose history lacks this step's entries go the one-at-a-time way.
      const after = await mapLimit(held, READS_IN_FLIGHT, (u) =>
        Report.collection.findOne({ _id: u.id as any }, { projection: { history: 1 } }),
      );
      const applied = (i: number) =>
        (after[i]?.history ?? []).some(
          (h: ReportTransition) => h.at?.getTime() === now.getTime() && h.to === held[i].full.$set.state,
        );
      claimed = held.filter((_, i) => applied(i));
      const stale = held.filter((_, i) => !applied(i));
      await ReportClaim.deleteMany({ _id: { $in: stale.map((u) => claimKey(u.id, u.version)) } });
      for (const u of stale) slow.push(u.p);
    }
  }
  lap('reportWrites');
  const toInsert = inserts.filter((i) => !lostClaims.has(claimKey(i.doc._id, 0)));
  for (const i of inserts) if (lostClaims.has(claimKey(i.doc._id, 0))) slow.push(i.p);
  const lostInserts = await insertAllOrCollect(
    Report.collection,
    toInsert.map((i) => i.doc),
  );
  const lostInsertClaims = [...lostInserts].map((id) => claimKey(id, 0));
  if (lostInsertClaims.length) await ReportClaim.deleteMany({ _id: { $in: lostInsertClaims } });
  for (const i of toInsert) if (lostInserts.has(i.doc._id)) slow.push(i.p);
  const inserted = toInsert.filter((i) => !lostInserts.has(i.doc._id));
  lap('inserts');

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
    ...inserted.map((i) => ({
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
  lap('progress');
  for (const [regionCode, byRegion] of states)
    await publishDomainEvent('reports.closed', { period, regionCode, states: byRegion });
  lap('schoolList');
  // Statistics: the units that start counting now (001 §17: as they stand), added once per rollup.
  await countNewlyReported(period, done, inserted);
  lap('statistics');
  // The audit entries of the units reported automatically (their `_id`s fixed by the claims, so the
  // reconcile finishing a crashed step writes none twice), then the claims are settled.
  const settled = [
    ...claimed.map((u) => claimKey(u.id, u.version)),
    ...inserted.map((i) => claimKey(i.doc._id, 0)),
  ];
  await insertAllOrCollect(
    AuditEntry.collection,
    settled.flatMap((key) => {
      const a = audits.get(key);
      return a ? [auditDoc(a, now)] : [];
    }),
  );
  lap('audit');
  // Every claim of the step is settled now (those lost to someone else were never ours, and the ones
  // whose unit went the one-at-a-time way were removed above).
  // By `_id`, 1,000 at a time (pushed down to the index by patch 0003; a delete by the step's tag scanned
  // every pending claim, each holding its whole update).
  for (const keys of chunks(settled, MANY_IDS))
    await ReportClaim.collection.deleteMany({ _id: { $in: keys as any[] } });
  lap('settle');

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
  lap('slow');
  if (unfinished) throw new Error(messages.unfinished(unfinished));
  return outcomes;
}

/** `_id`s per statement: patch 0003 pushes `{_id: {$in}}` down to the index up to 1,000 of them. */
const MANY_IDS = 1_000;
/** Bulk write statements sent at once (each holds SQLite's single write lock while it commits). */
const WRITES_IN_FLIGHT = 4;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Adds to the statistics the units of a step whose report starts counting (was editable or missing,
 * is now reported or locked), with their data as it now stands: read by `_id` in batches (locked
 * reports cannot change any more), the new ones' data as inserted. Units already counted before are
 * unchanged in the statistics (their data could not change while reported).
 */
async function countNewlyReported(
  period: string,
  done: { p: Plan; before: KnownReport | null; after: KnownReport }[],
  inserted: { p: Plan; doc: { _id: string } & Record<string, unknown> }[],
): Promise<void> {
  const newly = done.filter((d) => !isReported(d.before?.state ?? 'draft') && isReported(d.after.state));
  if (!newly.length) return;
  const insertedData = new Map(
    inserted.map((i) => [i.doc._id, i.doc as unknown as Pick<ReportDoc, 'data' | 'formVersion'>]),
  );
  const idOfPlan = (p: Plan) =>
    p.b.kind === 'school'
      ? reportId(period, { schoolId: p.b.school._id })
      : reportId(period, { regionCode: p.b.region._id });
  const read = new Map<string, Pick<ReportDoc, 'data' | 'formVersion'>>();
  // Data read with the step's reports is the data at the version the update matched (the update was
  // conditional on it, and changes no data).
  for (const d of newly)
    if (d.before?.data !== undefined)
      read.set(idOfPlan(d.p), { data: d.before.data, formVersion: d.before.formVersion } as Pick<
        ReportDoc,
        'data' | 'formVersion'
      >);
  const toRead = newly.map((d) => idOfPlan(d.p)).filter((id) => !insertedData.has(id) && !read.has(id));
  const batches = await mapLimit(chunks(toRead, MANY_IDS), 2, (ids) =>
    Report.collection
      .find({ _id: { $in: ids as any[] } }, { projection: { data: 1, formVersion: 1 } })
      .toArray(),
  );
  for (const batch of batches)
    for (const r of batch) read.set(String(r._id), r as unknown as Pick<ReportDoc, 'data' | 'formVersion'>);
  const units: CountedUnit[] = [];
  for (const { p } of newly) {
    const id = idOfPlan(p);
    const report = insertedData.get(id) ?? read.get(id);
    if (!report) continue;
    units.push(
      p.b.kind === 'school'
        ? { kind: 'school', school: p.b.school, report }
        : { kind: 'region', region: p.b.region, report },
    );
  }
  await applyUnitsCounted(period, units);
}

/** The audit entry of a unit reported automatically; its `_id` derives from the claim key. */
function autoAudit(
  key: string,
  p: Plan,
  id: string,
  from: ReportState | null,
  to: ReportState,
  reason: string,
): NonNullable<FollowUps['audit']> {
  const { b } = p;
  return {
    id: new Types.ObjectId(createHash('sha256').update(`audit:${key}`).digest('hex').slice(0, 24)),
    actor: SYSTEM_ACTOR,
    input: {
      action: 'report.autosubmit',
      targetType: 'report',
      targetId: id,
      regionPath: b.kind === 'school' ? b.school.regionPath : [...b.region.path, b.region._id],
      before: { state: from ?? null },
      after: { state: to, autoSubmitted: true },
      reason,
    },
  };
}

/** The stored form of an audit follow-up (as recordAudit writes it). */
function auditDoc(a: NonNullable<FollowUps['audit']>, at: Date) {
  return {
    _id: a.id,
    at,
    actorName: a.actor.name,
    action: a.input.action,
    targetType: a.input.targetType,
    targetId: a.input.targetId,
    regionPath: a.input.regionPath,
    changes: diff(a.input.before, a.input.after),
    reason: a.input.reason,
  };
}

/**
 * Reports that never existed, created in their target state: last period's data carried forward (read
 * by `_id: {$in}`, 1,000 at a time: index look-ups with our patch 0003).
 */
async function newReports(
  plans: Plan[],
  period: string,
  reason: string,
  now: Date,
): Promise<({ _id: string } & Record<string, unknown>)[]> {
  const prevPeriod = previousPeriod(parsePeriod(period)).name;
  const idIn = (name: string, b: Below) =>
    b.kind === 'school'
      ? reportId(name, { schoolId: b.school._id })
      : reportId(name, { regionCode: b.region._id });
  const prevData = new Map<string, Record<string, unknown>>();
  const batches = await mapLimit(
    chunks(
      plans.map((p) => idIn(prevPeriod, p.b)),
      MANY_IDS,
    ),
    2,
    (ids) => Report.collection.find({ _id: { $in: ids as any[] } }, { projection: { data: 1 } }).toArray(),
  );
  for (const batch of batches) for (const r of batch) prevData.set(String(r._id), r.data ?? {});
  return plans.map((p) => {
    const { b } = p;
    const history: ReportTransition[] = [{ at: now, from: 'draft', to: 'submitted', auto: true, reason }];
    if (p.target === 'locked')
      history.push({ at: now, from: 'submitted', to: 'locked', reason: messages.locked(p.upper.name) });
    return {
      _id: idIn(period, b),
      period,
      unitKind: b.kind,
      ...(b.kind === 'school' ? { schoolId: b.school._id as Types.ObjectId } : {}),
      regionCode: b.kind === 'school' ? b.school.regionCode : b.region._id,
      regionPath: b.kind === 'school' ? b.school.regionPath : b.region.path,
      state: p.target,
      autoSubmitted: true,
      confirmedNoChange: false,
      formVersion: b.kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION,
      data: prevData.get(idIn(prevPeriod, b)) ?? {},
      issues: [],
      history,
      submittedAt: now,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  });
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
          ...(submitted
            ? {}
            : {
                auto: true,
                set: { autoSubmitted: true, submittedAt: deps.clock() },
                audit: { actor: SYSTEM_ACTOR, action: 'report.autosubmit', reason },
              }),
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
  const why = autoReasonOf(report, reason);
  try {
    const after = await transition(deps, u, period, EDITABLE_STATES, 'submitted', {
      auto: true,
      reason: why,
      action: '自动上报',
      set: { autoSubmitted: true, submittedAt: deps.clock() },
      unset: ['returnDeadline'],
      audit: { actor: SYSTEM_ACTOR, action: 'report.autosubmit', reason: why },
    });
    await completeChange(deps, u, after);
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false; // someone got there first
    throw err;
  }
}
