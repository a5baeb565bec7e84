// The progress drift repair (job `progress-repair`, every ten minutes): for every workable period, only
// what changed or what a drift check finds wrong is recounted, and only rollups whose counts differ are
// written. "Changed": a rollup whose `changedAt` (set by every school report that starts or stops
// counting, a school created, moved or removed, or a change finished after a crash) is newer than its
// last recount — its direct schools are counted from the schools and reports themselves. "Drift": a
// rollup whose totals are not its direct schools plus its children's totals, or whose child rows
// disagree with the children's own rollups ($inc may lose updates under concurrency on FerretDB).
// Every region above a recounted one is then summed again from its children, bottom-up.
import { type ReportState } from '@eduprogress/shared';
import type { Clock } from '../clock';
import { DEFAULT_CALENDAR, type CalendarConfig } from '@eduprogress/shared';
import { Region, type RegionDoc } from '../regions/model';
import { School } from '../schools/model';
import { Report } from './model';
import {
  factsOf,
  ProgressRollup,
  rollupId,
  zeroCounts,
  type Counts,
  type RegionReportFacts,
  type RollupDoc,
  unitsOfPeriod,
  writeRollups,
} from './progress';
import { workablePeriods } from './rules';

export interface RepairResult {
  period: string;
  /** Rollups recounted because they changed, or found inconsistent. */
  changed: number;
  drifted: number;
  /** Rollups written (the others already held the right counts). */
  written: number;
}

const KEYS: (keyof Counts)[] = ['units', 'initialized', 'submitted', 'autoSubmitted', 'confirmed'];
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const sum = (parts: (Partial<Counts> | undefined)[]): Counts => {
  const out = zeroCounts();
  for (const p of parts) for (const k of KEYS) out[k] += p?.[k] ?? 0;
  return out;
};
const countsEqual = (a: Partial<Counts> | undefined, b: Partial<Counts> | undefined) =>
  KEYS.every((k) => (a?.[k] ?? 0) === (b?.[k] ?? 0));

/** Repairs the rollups of every workable period (see the file header). */
export async function repairProgress(
  deps: { clock: Clock; calendar: CalendarConfig },
  opts: { signal?: AbortSignal } = {},
): Promise<RepairResult[]> {
  const out: RepairResult[] = [];
  for (const period of workablePeriods(deps.clock(), deps.calendar)) {
    if (opts.signal?.aborted) break;
    out.push(await repairPeriod(deps.clock, period, deps.calendar));
  }
  return out;
}

type RegionRef = Pick<RegionDoc, '_id' | 'parentCode' | 'path' | 'level' | 'countyLevel'>;

/** Repairs one period's rollups; a period never counted is left to the first progress read. */
export async function repairPeriod(
  clock: Clock,
  period: string,
  calendar: CalendarConfig = DEFAULT_CALENDAR,
): Promise<RepairResult> {
  const startedAt = clock();
  const docs = new Map(
    (await ProgressRollup.find({ period }).lean<RollupDoc[]>()).map((d) => [d.regionCode, d]),
  );
  const result: RepairResult = { period, changed: 0, drifted: 0, written: 0 };
  if (docs.size === 0) return result;
  const regions = new Map(
    (
      await Region.find({}, { _id: 1, parentCode: 1, path: 1, level: 1, countyLevel: 1 }).lean<RegionRef[]>()
    ).map((r) => [r._id, r]),
  );
  const childrenOf = new Map<string, string[]>();
  for (const r of regions.values())
    if (r.parentCode) childrenOf.set(r.parentCode, [...(childrenOf.get(r.parentCode) ?? []), r._id]);

  const changed = [...docs.values()]
    .filter((d) => !d.totals || (d.changedAt && (!d.recountedAt || d.changedAt >= d.recountedAt)))
    .map((d) => d.regionCode)
    .filter((code) => regions.has(code));
  const drifted = [...docs.values()]
    .filter((d) => d.totals && !changed.includes(d.regionCode))
    .filter((d) => {
      const kids = childrenOf.get(d.regionCode) ?? [];
      if (!countsEqual(d.totals, sum([d.direct, ...kids.map((c) => d.children?.[c])]))) return true;
      return kids.some((c) => docs.has(c) && !countsEqual(d.children?.[c], docs.get(c)!.totals));
    })
    .map((d) => d.regionCode);
  result.changed = changed.length;
  result.drifted = drifted.length;
  if (changed.length + drifted.length === 0) return result;

  // Direct schools of the changed regions, counted from the schools and their reports.
  const direct = new Map<string, Counts>(changed.map((c) => [c, zeroCounts()]));
  const facts = new Map<string, ReturnType<typeof factsOf>>();
  for await (const r of Report.find(
    { period, unitKind: 'school', regionCode: { $in: changed } },
    { schoolId: 1, state: 1, autoSubmitted: 1, confirmedNoChange: 1 },
  )
    .lean()
    .cursor())
    facts.set(String(r.schoolId), factsOf(r));
  const counts = unitsOfPeriod(period, [...regions.values()], calendar, startedAt);
  for await (const s of School.find(
    { regionCode: { $in: changed } },
    { regionCode: 1, initialized: 1, createdAt: 1 },
  )
    .lean()
    .cursor()) {
    if (!counts(s) && !facts.has(String(s._id))) continue; // a report makes it a unit anyway
    const c = direct.get(s.regionCode)!;
    const f = facts.get(String(s._id));
    c.units++;
    c.initialized += Number(!!s.initialized);
    c.submitted += Number(!!f?.reported);
    c.autoSubmitted += Number(!!f?.auto);
    c.confirmed += Number(!!f?.confirmed);
  }

  // Everything above a recounted rollup is summed again, deepest first.
  const affected = new Set<string>();
  for (const code of [...changed, ...drifted]) {
    affected.add(code);
    for (const a of regions.get(code)?.path ?? []) if (docs.has(a) || regions.has(a)) affected.add(a);
  }
  const reportCodes = [...affected].flatMap((c) => [c, ...(childrenOf.get(c) ?? [])]);
  const regionReports = new Map<string, RegionReportFacts>();
  for await (const r of Report.find(
    { period, unitKind: 'region', regionCode: { $in: reportCodes } },
    { regionCode: 1, state: 1, autoSubmitted: 1 },
  )
    .lean()
    .cursor())
    regionReports.set(r.regionCode, { state: r.state as ReportState, autoSubmitted: !!r.autoSubmitted });

  const order = [...affected].sort(
    (a, b) => (regions.get(b)?.path.length ?? 0) - (regions.get(a)?.path.length ?? 0),
  );
  const next = new Map<
    string,
    Pick<RollupDoc, 'totals' | 'direct' | 'children' | 'childReports' | 'ownReport'>
  >();
  for (const code of order) {
    const old = docs.get(code);
    const kids = childrenOf.get(code) ?? [];
    const children: Record<string, Counts> = {};
    for (const c of kids)
      children[c] = sum([next.get(c)?.totals ?? docs.get(c)?.totals ?? old?.children?.[c]]);
    const own = direct.get(code) ?? sum([old?.direct]);
    const childReports: Record<string, RegionReportFacts> = {};
    for (const c of kids) if (regionReports.has(c)) childReports[c] = regionReports.get(c)!;
    next.set(code, {
      direct: own,
      children,
      totals: sum([own, ...Object.values(children)]),
      childReports,
      ownReport: regionReports.get(code),
    });
  }

  const ops = [];
  for (const [code, doc] of next) {
    const old = docs.get(code);
    const differs =
      !old ||
      !same(old.totals, doc.totals) ||
      !same(old.direct, doc.direct) ||
      !same(old.children, doc.children) ||
      !same(old.childReports, doc.childReports) ||
      !same(old.ownReport, doc.ownReport);
    const recounted = direct.has(code);
    if (!differs && !recounted) continue;
    const set: Record<string, unknown> = differs ? { ...doc } : {};
    if (!doc.ownReport) delete set.ownReport;
    if (recounted) set.recountedAt = startedAt; // a change after `startedAt` is recounted next time
    ops.push({
      updateOne: {
        filter: { _id: rollupId(period, code) },
        update: {
          $set: { ...set, period, regionCode: code },
          ...(differs && !doc.ownReport ? { $unset: { ownReport: 1 } } : {}),
        },
        upsert: true,
      },
    });
    if (differs) result.written++;
  }
  for (let i = 0; i < ops.length; i += 200) await writeRollups(ops.slice(i, i + 200));
  return result;
}
