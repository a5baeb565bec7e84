// Auto-submission (001 §17, 002 §18): at each level's deadline every unit not yet reported is reported
// with its data as it stands, marked autoSubmitted. Runs from node-schedule every minute; each
// (period, level) deadline is handled under a database lease, so two instances handle it once, and a
// deadline missed while the servers were down is caught up at the next start.
import mongoose, { Schema } from 'mongoose';
import { deadlinesBetween, toShanghaiIso, type ReportingLevel } from '@eduprogress/shared';
import { runOnce, type LeaseOutcome } from '../jobs/lease';
import { emitEvent } from '../outbox/service';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { Report, type ReportDoc } from './model';
import { EDITABLE_STATES } from './rules';
import {
  completeChange,
  ensureReport,
  lockBelow,
  regionUnit,
  schoolUnit,
  transition,
  type ReportDeps,
  type Unit,
} from './service';

interface JobStateDoc {
  _id: string;
  since: Date;
}
const jobStateSchema = new Schema<JobStateDoc>({ _id: String, since: Date }, { versionKey: false });
export const JobState = mongoose.model<JobStateDoc>('JobState', jobStateSchema, 'job_state');

const messages = {
  autoReason: (deadline: string) => `截止时间 ${deadline} 已到，按现有数据自动上报`,
  returnExpired: '退回修改期限已到，按现有数据自动上报',
};

function regionsAtLevel(level: ReportingLevel) {
  if (level === 'county') return Region.find({ countyLevel: true }).lean<RegionDoc[]>();
  if (level === 'city') return Region.find({ level: 'city', countyLevel: false }).lean<RegionDoc[]>();
  return Region.find({ level: 'province' }).lean<RegionDoc[]>();
}

async function autoSubmitUnit(deps: ReportDeps, u: Unit, period: string, reason: string): Promise<boolean> {
  const id = u.kind === 'school' ? `${period}:school:${u.school._id}` : `${period}:region:${u.region._id}`;
  let report = await Report.findById(id).lean<ReportDoc>();
  if (!report) {
    // No report at all: one is created from last period's data, then reported like any draft.
    report = await ensureReport(deps, u, period);
  }
  if (!EDITABLE_STATES.includes(report.state)) return false;
  // A returned report keeps its own time limit.
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
    if ((err as { status?: number }).status === 409) return false; // someone got there first
    throw err;
  }
}

/** Handles one (period, level) deadline: schools managed at that level, then the regions themselves. */
export async function autoSubmitDeadline(
  deps: ReportDeps,
  period: string,
  level: ReportingLevel,
  deadlineIso: string,
) {
  const regions = await regionsAtLevel(level);
  const reason = messages.autoReason(deadlineIso);
  const byParent = new Map<string, { regions: string[]; schools: number; path: string[] }>();
  // Schools and child regions are loaded per batch of regions: on FerretDB every such query is a scan.
  const schoolsOf = new Map<string, SchoolDoc[]>();
  const childrenOf = new Map<string, RegionDoc[]>();
  for (let i = 0; i < regions.length; i += 500) {
    const codes = regions.slice(i, i + 500).map((r) => r._id);
    for (const s of await School.find({ regionCode: { $in: codes } }).lean<SchoolDoc[]>()) {
      schoolsOf.set(s.regionCode, [...(schoolsOf.get(s.regionCode) ?? []), s]);
    }
    for (const c of await Region.find({ parentCode: { $in: codes } }).lean<RegionDoc[]>()) {
      childrenOf.set(c.parentCode!, [...(childrenOf.get(c.parentCode!) ?? []), c]);
    }
  }
  for (const region of regions) {
    const schools = schoolsOf.get(region._id) ?? [];
    let autoSchools = 0;
    for (const school of schools) {
      const u: Unit = { kind: 'school', school, managing: region, level };
      if (await autoSubmitUnit(deps, u, period, reason)) autoSchools++;
    }
    const ru: Unit = { kind: 'region', region, level };
    const regionAuto = await autoSubmitUnit(deps, ru, period, reason);
    // A region's submission — even an automatic one — locks what it reviewed.
    await lockBelow(deps, ru, period, undefined, { schools, children: childrenOf.get(region._id) ?? [] });
    if (regionAuto || autoSchools) {
      const parent = region.parentCode ?? region._id;
      const entry = byParent.get(parent) ?? { regions: [], schools: 0, path: region.path.slice(0, -1) };
      if (regionAuto) entry.regions.push(region.name);
      entry.schools += autoSchools;
      byParent.set(parent, entry);
    }
  }
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
}

/** Reports returned with a time limit that has passed are reported as they stand. */
export async function autoSubmitExpiredReturns(deps: ReportDeps): Promise<number> {
  const expired = await Report.find({ state: 'returned', returnDeadline: { $lte: deps.clock() } }).lean<
    ReportDoc[]
  >();
  let n = 0;
  for (const r of expired) {
    const u = r.unitKind === 'school' ? await schoolUnit(String(r.schoolId)) : await regionUnit(r.regionCode);
    try {
      const after = await transition(deps, u, r.period, ['returned'], 'submitted', {
        auto: true,
        reason: messages.returnExpired,
        action: '自动上报',
        set: { autoSubmitted: true, submittedAt: deps.clock() },
        unset: ['returnDeadline'],
      });
      await completeChange(deps, u, after);
      n++;
    } catch (err) {
      if ((err as { status?: number }).status !== 409) throw err;
    }
  }
  return n;
}

export interface DeadlineRun {
  period: string;
  level: ReportingLevel;
  outcome: LeaseOutcome;
}

/**
 * Handles every deadline that passed since the scheduler first ran on this database (recorded once),
 * each under its own lease. Safe to call from any number of instances, as often as liked.
 */
export async function runDueDeadlines(
  deps: ReportDeps,
  opts: { owner?: string } = {},
): Promise<DeadlineRun[]> {
  const now = deps.clock();
  await JobState.updateOne({ _id: 'autosubmit' }, { $setOnInsert: { since: now } }, { upsert: true });
  const state = await JobState.findById('autosubmit').lean<JobStateDoc>();
  const due = deadlinesBetween(state!.since, now, deps.calendar);
  const runs: DeadlineRun[] = [];
  for (const d of due) {
    const iso = toShanghaiIso(d.deadline);
    const outcome = await runOnce(
      deps.clock,
      `autosubmit:${d.period.name}:${d.level}`,
      () => autoSubmitDeadline(deps, d.period.name, d.level, iso),
      { owner: opts.owner },
    );
    runs.push({ period: d.period.name, level: d.level, outcome });
  }
  await autoSubmitExpiredReturns(deps);
  return runs;
}
