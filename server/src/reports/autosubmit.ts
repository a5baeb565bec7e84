// Auto-submission (001 §17, 002 §18): at each level's deadline every unit not yet reported is reported
// with its data as it stands, marked autoSubmitted. Runs from node-schedule every minute; each
// (period, level) deadline is handled under a database lease, so two instances handle it once, and a
// deadline missed while the servers were down is caught up at the next start.
import mongoose, { Schema, type Types } from 'mongoose';
import {
  NATIONAL_CODE,
  deadlineLabel,
  deadlinesBetween,
  parsePeriod,
  periodContaining,
  previousPeriod,
  toShanghaiIso,
  type Period,
  type ReportingLevel,
} from '@eduprogress/shared';
import { isDuplicateKey } from '../db/duplicate-key';
import { Lease, runOnce, type LeaseHandle, type LeaseOutcome } from '../jobs/lease';
import type { Logger } from '../logger';
import { emitEvent } from '../outbox/service';
import { Region, type RegionDoc } from '../regions/model';
import { School } from '../schools/model';
import { publishDomainEvent } from '../events';
import {
  autoReasonOf,
  closeRegions,
  closeTimings,
  SYSTEM_ACTOR,
  type KnownReport,
  type SchoolRef,
} from './deadline-close';
import { autoSubmitNationalSchools } from './national-schools';
import { Report, reportId, type ReportDoc } from './model';
import { expiredHints, dropHint, scanReports as scanAllReports } from './return-hints';
import { completeChange, regionUnit, schoolUnit, transition, type ReportDeps } from './service';

interface JobStateDoc {
  _id: string;
  since: Date;
}
const jobStateSchema = new Schema<JobStateDoc>({ _id: String, since: Date }, { versionKey: false });
export const JobState = mongoose.model<JobStateDoc>('JobState', jobStateSchema, 'job_state');

const messages = {
  autoReason: (deadlineIso: string) => `截止时间 ${deadlineLabel(deadlineIso)} 已到，按现有数据自动上报`,
  deadlineFailed: 'auto-submission of a deadline left unfinished; retried by the next run',
  closed: 'deadline closed: every unit of the level reported or locked',
  regionFailed: 'auto-submission of a step of regions failed; retried by the next run',
  someFailed: (codes: string[]) =>
    `auto-submission left ${codes.length} regions for the next run: ${codes.join(',')}`,
};

function regionsAtLevel(level: ReportingLevel) {
  if (level === 'county') return Region.find({ countyLevel: true }).lean<RegionDoc[]>();
  if (level === 'city') return Region.find({ level: 'city', countyLevel: false }).lean<RegionDoc[]>();
  return Region.find({ level: 'province' }).lean<RegionDoc[]>();
}

/**
 * A resumable step: regions in code order until they hold STEP_UNITS units (schools and child regions)
 * or STEP_REGIONS regions; the lease is renewed and the progress saved after each. Bigger steps share
 * their ancestors' rollup writes and the step's fixed round trips; smaller ones lose less to a crash.
 */
const STEP_REGIONS = 200;
const STEP_UNITS = 4_000;

interface DeadlineProgress {
  /** Regions (in code order) done. */
  next: number;
  /** Regions whose step failed: retried by the next run, after the others. */
  failed: string[];
  /**
   * What each region closed so far had reported automatically at this deadline (own report, schools),
   * whoever did it: a run that takes over counts units its predecessor closed too, and a region counted
   * twice is the same entry. The deadline.passed summaries per parent region are made from it.
   */
  byRegion: Record<string, { auto: boolean; schools: number }>;
}

/** Documents per batch of a cursor over a whole collection, and `_id`s per `$in` read. */
const BATCH = 1_000;

/**
 * The reports with these `_id`s, as much as closing a region needs (with their data, for the statistics): `_id: {$in}` reads of BATCH ids
 * (index look-ups on our patched FerretDB), two in flight. Only a step's own units are read, so no
 * command grows with the country.
 */
async function knownReports(ids: string[]): Promise<Map<string, KnownReport>> {
  const known = new Map<string, KnownReport>();
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
  const read = async () => {
    for (let b = batches.shift(); b; b = batches.shift()) {
      const docs = await Report.collection
        .find(
          { _id: { $in: b as any[] } },
          {
            projection: {
              state: 1,
              version: 1,
              autoSubmitted: 1,
              confirmedNoChange: 1,
              returnDeadline: 1,
              submittedAt: 1,
              // For the statistics of the units that start counting (read here, not once more later).
              data: 1,
              formVersion: 1,
            },
            batchSize: BATCH + 1,
          },
        )
        .toArray();
      for (const r of docs) known.set(String(r._id), r as unknown as KnownReport);
    }
  };
  await Promise.all([read(), read()]);
  return known;
}

/** What a deadline run measured (the bench prints it; the runner logs it). */
export interface DeadlineFigures {
  period: string;
  level: ReportingLevel;
  /** Regions closed by this run. */
  regions: number;
  steps: number;
  /** Units this run reported automatically: schools, and regions' own reports. */
  autoSchools: number;
  autoRegions: number;
  ms: number;
  /** Milliseconds per phase: readSchools (regions and schools, once), readReports (each step's, by `_id`), then closeRegions' phases. */
  phases: Record<string, number>;
}

/** Where runDueDeadlines puts its figures when asked (benchmarks). */
export interface RunFigures {
  deadlines: DeadlineFigures[];
  expiredReturns?: { ms: number; reported: number; hints: number };
}

/**
 * Whether a build of `kind` rollups of `period` (jobs/rollup-builds.ts, leases
 * `rollup-build:<kind>:<period>:<root>`) ran at some moment since `since`: it still holds its lease, or
 * released it after `since`. Such a recount may have read units a deadline step had already reported
 * but whose deltas came after it wrote (counted twice), or written over deltas a step had applied
 * (counted never). The leases are few: one per build.
 */
async function buildRanSince(kind: 'statistics' | 'progress', period: string, since: Date): Promise<boolean> {
  const prefix = `rollup-build:${kind}:${period}:`;
  const leases = await Lease.find(
    // A period name (2026Q4, 2026-11) holds no pattern characters.
    { _id: { $regex: `^${prefix}` } },
    { until: 1 },
  ).lean<{ until: Date }[]>();
  return leases.some((l) => l.until > since);
}

/**
 * Handles one (period, level) deadline: the period's reports, the schools (those created after the
 * deadline left out) and the regions read once, then resumable steps of up to STEP_UNITS units
 * (`stepUnits`) or STEP_REGIONS regions: each region's schools and child regions locked (reported first if they were not), then the region's own report
 * reported (deadline-close.ts). Progress is saved with the lease after every step, so whoever takes the
 * lease over resumes there; a region whose step fails is recorded and retried, the others go on. Throws
 * at the end if any region failed (the lease is then not marked done: the next run retries those).
 * Logs its timings (load, steps, read models: `deadline.closed` handlers) at info.
 */
export async function autoSubmitDeadline(
  deps: ReportDeps,
  period: string,
  level: ReportingLevel,
  deadlineIso: string,
  lease?: LeaseHandle,
  logger?: Logger,
  stepUnits = STEP_UNITS,
  figures?: RunFigures,
): Promise<void> {
  const runStartedAt = deps.clock();
  const regions = (await regionsAtLevel(level)).sort((a, b) => a._id.localeCompare(b._id));
  const reason = messages.autoReason(deadlineIso);
  const saved = lease?.progress as DeadlineProgress | undefined;
  const progress: DeadlineProgress = {
    next: saved?.next ?? 0,
    failed: saved?.failed ?? [],
    byRegion: saved?.byRegion ?? {},
  };
  const retry = new Set(progress.failed);
  const todo = [...regions.slice(progress.next), ...regions.filter((r) => retry.has(r._id))];
  progress.failed = [];
  const started = performance.now();
  // Schools read once per run, by a cursor in batches of BATCH (on FerretDB any query but an `_id`
  // look-up is a scan, and one command reading the country could outlast the socket timeout; a filter
  // `$in` thousands of codes costs a comparison per code and document). The reports are read per step.
  const wanted = new Set(todo.map((r) => r._id));
  const schoolsOf = new Map<string, SchoolRef[]>();
  // A school created after the deadline is no unit of this period (rules.ts `countsInPeriod`) unless it
  // has a report in it: decided in its step, when its region's reports are read.
  const deadline = new Date(deadlineIso).getTime();
  const now = deps.clock().getTime();
  const late = new Set<string>();
  /** 部属高校 (managed by the national level), closed at the province deadline. */
  const nationalIds: Types.ObjectId[] = [];
  for await (const s of School.find(
    {},
    {
      _id: 1,
      name: 1,
      regionCode: 1,
      regionPath: 1,
      type: 1,
      urbanRural: 1,
      projectSchool: 1,
      status: 1,
      createdAt: 1,
    },
  )
    .lean<(SchoolRef & { createdAt?: Date })[]>()
    .batchSize(BATCH)
    .cursor()) {
    const created = s.createdAt?.getTime();
    if (level === 'province' && s.regionCode === NATIONAL_CODE) nationalIds.push(s._id as Types.ObjectId);
    if (!wanted.has(s.regionCode)) continue;
    if (created && created >= deadline && created <= now) late.add(String(s._id));
    const list = schoolsOf.get(s.regionCode);
    if (list) list.push(s);
    else schoolsOf.set(s.regionCode, [s]);
  }
  const childrenOf = new Map<string, RegionDoc[]>();
  for (const c of await Region.find({ parentCode: { $ne: null } }).lean<RegionDoc[]>())
    if (wanted.has(c.parentCode!))
      childrenOf.set(c.parentCode!, [...(childrenOf.get(c.parentCode!) ?? []), c]);
  const timings = { loadMs: performance.now() - started, stepsMs: 0, steps: 0, readModelsMs: 0 };
  const phases = closeTimings();
  const readSchoolsMs = timings.loadMs;
  let readReportsMs = 0;
  let autoSchools = 0;
  let autoRegions = 0;
  for (let i = 0; i < todo.length;) {
    if (lease?.signal.aborted) return;
    const step: RegionDoc[] = [];
    let units = 0;
    while (i < todo.length && step.length < STEP_REGIONS && (step.length === 0 || units < stepUnits)) {
      const r = todo[i++];
      step.push(r);
      units += 1 + (schoolsOf.get(r._id)?.length ?? 0) + (childrenOf.get(r._id)?.length ?? 0);
    }
    timings.steps++;
    try {
      // The step's units' reports (its regions' own, their child regions', their schools'), by `_id`.
      const t0 = performance.now();
      const ids: string[] = [];
      for (const r of step) {
        ids.push(reportId(period, { regionCode: r._id }));
        for (const c of childrenOf.get(r._id) ?? []) ids.push(reportId(period, { regionCode: c._id }));
        for (const s of schoolsOf.get(r._id) ?? []) ids.push(reportId(period, { schoolId: s._id }));
      }
      const known = await knownReports(ids);
      if (late.size)
        for (const r of step) {
          const list = schoolsOf.get(r._id);
          if (list?.some((s) => late.has(String(s._id))))
            schoolsOf.set(
              r._id,
              list.filter(
                (s) => !late.has(String(s._id)) || known.has(reportId(period, { schoolId: s._id })),
              ),
            );
        }
      readReportsMs += performance.now() - t0;
      const outcomes = await closeRegions(deps, period, level, reason, step, schoolsOf, childrenOf, known, {
        deadline: new Date(deadline),
        timings: phases,
      });
      for (const region of step) {
        const out = outcomes.get(region._id)!;
        autoSchools += out.autoSchools;
        autoRegions += Number(out.regionAuto);
        if (out.regionAuto || out.autoSchools)
          progress.byRegion[region._id] = { auto: out.regionAuto, schools: out.autoSchools };
      }
    } catch (err) {
      if (lease?.signal.aborted) return;
      logger?.error({ err, period, level, regions: step.map((r) => r._id) }, messages.regionFailed);
      progress.failed.push(...step.map((r) => r._id));
    }
    progress.next = Math.min(regions.length, progress.next + step.length);
    await lease?.save({ ...progress });
  }
  // 部属高校 report in the provinces' window straight to the national level (seed 002 §18).
  let nationalSchools = 0;
  if (level === 'province') {
    try {
      nationalSchools = await autoSubmitNationalSchools(
        deps,
        period,
        reason,
        new Date(deadline),
        nationalIds,
      );
    } catch (err) {
      if (lease?.signal.aborted) return;
      logger?.error({ err, period, level, regions: [NATIONAL_CODE] }, messages.regionFailed);
      progress.failed.push(NATIONAL_CODE);
    }
  }
  timings.stepsMs = performance.now() - started - timings.loadMs;
  if (progress.failed.length) throw new Error(messages.someFailed(progress.failed));
  // Bulk closes announce no report.changed per unit: each step applied its read-model deltas itself; a
  // run that took over an interrupted one (saved progress) may have missed some, so it asks for a
  // recount.
  // A build of the period's rollups that ran alongside (jobs/rollup-builds.ts: the first start after
  // deadlines passed unseen builds and catches up at once) may have read units a step had reported but
  // not yet added: recount what it built.
  const closedAt = performance.now();
  const [statisticsBuilt, progressBuilt] = await Promise.all([
    buildRanSince('statistics', period, runStartedAt),
    buildRanSince('progress', period, runStartedAt),
  ]);
  await publishDomainEvent('deadline.closed', {
    period,
    level,
    at: deps.clock(),
    recount: !!saved || statisticsBuilt,
    recountProgress: progressBuilt,
  });
  timings.readModelsMs = performance.now() - closedAt;
  const byParent = new Map<string, { regions: string[]; schools: number; path: string[] }>();
  for (const region of regions) {
    const out = progress.byRegion[region._id];
    if (!out) continue;
    const parent = region.parentCode ?? region._id;
    const entry = byParent.get(parent) ?? { regions: [], schools: 0, path: region.path.slice(0, -1) };
    if (out.auto) entry.regions.push(region.name);
    entry.schools += out.schools;
    byParent.set(parent, entry);
  }
  if (nationalSchools) {
    const entry = byParent.get(NATIONAL_CODE) ?? { regions: [], schools: 0, path: [] };
    entry.schools += nationalSchools;
    byParent.set(NATIONAL_CODE, entry);
  }
  const eventsAt = performance.now();
  for (const [parent, entry] of byParent) {
    await emitEvent(deps.clock, {
      key: `deadline.passed:${period}:${level}:${parent}`,
      type: 'deadline.passed',
      regionCode: parent,
      regionPath: entry.path,
      payload: {
        period,
        level,
        deadline: deadlineIso,
        autoSubmittedRegions: entry.regions,
        autoSubmittedSchools: entry.schools,
      },
    });
  }
  const {
    plan,
    claims,
    reportWrites,
    inserts,
    progress: rollups,
    schoolList,
    statistics,
    audit,
    settle,
    slow,
  } = phases;
  const summary: DeadlineFigures = {
    period,
    level,
    regions: todo.length,
    steps: timings.steps,
    autoSchools,
    autoRegions,
    ms: performance.now() - started,
    phases: {
      readSchools: readSchoolsMs,
      readReports: readReportsMs,
      decide: plan,
      claims,
      reportWrites: reportWrites + inserts,
      audit,
      rollups: rollups + schoolList,
      statistics,
      settle,
      slow,
      events: performance.now() - eventsAt + timings.readModelsMs,
    },
  };
  figures?.deadlines.push(summary);
  logger?.info(
    {
      ...summary,
      ms: Math.round(summary.ms),
      phases: Object.fromEntries(Object.entries(summary.phases).map(([k, v]) => [k, Math.round(v)])),
    },
    messages.closed,
  );
}

/**
 * Reports returned with a time limit that has passed are reported as they stand (seed 001 §19). Found
 * through the return hints (return-hints.ts: one per open return, each report then read by `_id`), not
 * a scan of every report; a hint whose report no longer waits on that limit is dropped. Returns the
 * number reported; `figures` (benchmarks) gets the time taken and the hints looked at.
 */
export async function autoSubmitExpiredReturns(
  deps: ReportDeps,
  signal?: AbortSignal,
  figures?: RunFigures,
): Promise<number> {
  const started = performance.now();
  const now = deps.clock();
  const hints = await expiredHints(now);
  let n = 0;
  for (const hint of hints) {
    if (signal?.aborted) break;
    const r = await Report.findById(hint._id).lean<ReportDoc>();
    if (!r || r.state !== 'returned' || !r.returnDeadline || r.returnDeadline > now) {
      // Reported again, or returned anew with a later limit (whose hint that return noted first).
      if (!(r?.state === 'returned' && r.returnDeadline && r.returnDeadline > now)) await dropHint(hint);
      continue;
    }
    const u = r.unitKind === 'school' ? await schoolUnit(String(r.schoolId)) : await regionUnit(r.regionCode);
    const reason = autoReasonOf(r, '');
    try {
      const after = await transition(deps, u, r.period, ['returned'], 'submitted', {
        auto: true,
        reason,
        action: '自动上报',
        set: { autoSubmitted: true, submittedAt: deps.clock() },
        unset: ['returnDeadline'],
        audit: { actor: SYSTEM_ACTOR, action: 'report.autosubmit', reason },
      });
      await completeChange(deps, u, after);
      n++;
    } catch (err) {
      if ((err as { status?: number }).status !== 409) throw err;
      continue; // changed meanwhile: looked at again next run
    }
    await dropHint(hint);
  }
  if (figures) figures.expiredReturns = { ms: performance.now() - started, reported: n, hints: hints.length };
  return n;
}

export interface DeadlineRun {
  period: string;
  level: ReportingLevel;
  outcome: LeaseOutcome | 'failed';
}

/**
 * The period whose deadlines must be looked at first: the one being reported now, or an earlier one that
 * still has reports left editable (drafts from before the server first ran, a long downtime), or the one
 * the previous run saw. Deadlines of earlier periods whose leases are done cost one `_id` read each.
 */
async function earliestPeriod(deps: ReportDeps, lastRun: Date | undefined, scanReports: boolean) {
  const now = deps.clock();
  let earliest = previousPeriod(periodContaining(now, deps.calendar.cycle));
  const consider = (p: Period) => {
    if (p.cycle === earliest.cycle && p.start < earliest.start) earliest = p;
  };
  if (lastRun) consider(previousPeriod(periodContaining(lastRun, deps.calendar.cycle)));
  if (scanReports) {
    // One pass in bounded batches, which also notes the hints of returns made before hints existed.
    const periods = await scanAllReports();
    for (const name of periods) {
      try {
        consider(parsePeriod(name));
      } catch {
        // not a period name: ignored
      }
    }
  }
  return earliest;
}

/** Databases whose editable reports this process has looked at (the look is a scan on FerretDB). */
const scannedDatabases = new Set<string>();

/**
 * Handles every deadline that has passed for a unit that may still be unreported — whenever this
 * database first sees it: deadlines of the period being reported, of any period that still has editable
 * reports (looked up once per process), and those missed while no instance ran — each under its own
 * lease, in deadline order; then returned reports whose time limit passed. Safe to call from any
 * number of instances, as often as liked.
 */
export async function runDueDeadlines(
  deps: ReportDeps,
  opts: {
    owner?: string;
    signal?: AbortSignal;
    scanReports?: boolean;
    logger?: Logger;
    ttlMs?: number;
    /** Units per resumable step (default STEP_UNITS; tests use small steps). */
    stepUnits?: number;
    /** Filled with what each deadline and the expired-returns check measured (benchmarks). */
    figures?: RunFigures;
  } = {},
): Promise<DeadlineRun[]> {
  const now = deps.clock();
  const state = await JobState.findById('autosubmit').lean<JobStateDoc>();
  const dbName = mongoose.connection.name;
  const scan = opts.scanReports ?? !scannedDatabases.has(dbName);
  const earliest = await earliestPeriod(deps, state?.since, scan);
  if (scan) scannedDatabases.add(dbName);
  const due = deadlinesBetween(new Date(earliest.end.getTime() - 1), now, deps.calendar);
  const runs: DeadlineRun[] = [];
  for (const d of due) {
    if (opts.signal?.aborted) return runs;
    const iso = toShanghaiIso(d.deadline);
    const key = `autosubmit:${d.period.name}:${d.level}`;
    try {
      const outcome = await runOnce(
        deps.clock,
        key,
        (lease) =>
          autoSubmitDeadline(
            deps,
            d.period.name,
            d.level,
            iso,
            lease,
            opts.logger,
            opts.stepUnits,
            opts.figures,
          ),
        { owner: opts.owner, signal: opts.signal, ttlMs: opts.ttlMs },
      );
      runs.push({ period: d.period.name, level: d.level, outcome });
    } catch (err) {
      // A deadline left unfinished does not hold up the next one; its lease is retried next run.
      opts.logger?.error({ err, deadline: key }, messages.deadlineFailed);
      runs.push({ period: d.period.name, level: d.level, outcome: 'failed' });
    }
  }
  await autoSubmitExpiredReturns(deps, opts.signal, opts.figures);
  // Where the next run starts looking if the servers are down for a while.
  const mark = () => JobState.updateOne({ _id: 'autosubmit' }, { $set: { since: now } }, { upsert: true });
  // Two instances' first runs both insert it: the one refused updates the other's.
  await mark().catch((err: unknown) => (isDuplicateKey(err) ? mark() : Promise.reject(err)));
  return runs;
}
