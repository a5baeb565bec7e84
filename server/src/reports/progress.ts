// Progress rollups: one document per (period, region) — `_id` `<period>:<code>` for the region's whole
// subtree and `<period>:<code>:direct` for its direct schools — kept current by $inc on every school
// report that starts or stops counting as reported, and rebuilt by a full recount that repairs drift.
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../clock';
import { Region, type RegionDoc } from '../regions/model';
import { School } from '../schools/model';
import { Report } from './model';
import { isReported } from './rules';

export interface RollupDoc {
  _id: string;
  period: string;
  regionCode: string;
  direct: boolean;
  /** Schools in scope, and how many are initialized. */
  units: number;
  initialized: number;
  /** Reports counted as reported (submitted, locked, withdrawal pending); of those auto-submitted / confirmed unchanged. */
  submitted: number;
  autoSubmitted: number;
  confirmed: number;
  recountedAt?: Date;
}

const rollupSchema = new Schema<RollupDoc>(
  {
    _id: String,
    period: String,
    regionCode: String,
    direct: Boolean,
    units: { type: Number, default: 0 },
    initialized: { type: Number, default: 0 },
    submitted: { type: Number, default: 0 },
    autoSubmitted: { type: Number, default: 0 },
    confirmed: { type: Number, default: 0 },
    recountedAt: Date,
  },
  { versionKey: false },
);
export const ProgressRollup = mongoose.model<RollupDoc>('ProgressRollup', rollupSchema, 'progress_rollups');

export const rollupId = (period: string, code: string, direct = false) =>
  `${period}:${code}${direct ? ':direct' : ''}`;

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

/** Applies the change of one school report's facts to every rollup above the school. */
export async function applySchoolDelta(
  period: string,
  school: { regionCode: string; regionPath: string[] },
  before: ReportedFacts,
  after: ReportedFacts,
): Promise<void> {
  const inc = {
    submitted: Number(after.reported) - Number(before.reported),
    autoSubmitted: Number(after.auto) - Number(before.auto),
    confirmed: Number(after.confirmed) - Number(before.confirmed),
  };
  if (!inc.submitted && !inc.autoSubmitted && !inc.confirmed) return;
  const ids: [string, string, boolean][] = school.regionPath.map((code) => [
    rollupId(period, code),
    code,
    false,
  ]);
  ids.push([rollupId(period, school.regionCode, true), school.regionCode, true]);
  await ProgressRollup.bulkWrite(
    ids.map(([_id, regionCode, direct]) => ({
      updateOne: {
        filter: { _id },
        update: { $inc: inc, $setOnInsert: { period, regionCode, direct } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
}

/**
 * Recounts every rollup of `period` under `rootCode` from the schools and reports themselves.
 * Absolute values are written, so running it twice, or on two instances, gives the same result.
 */
export async function recountProgress(
  clock: Clock,
  period: string,
  rootCode: string,
): Promise<{ regions: number; schools: number }> {
  const regions = await Region.find({ $or: [{ _id: rootCode }, { path: rootCode }] }, { _id: 1 }).lean<
    Pick<RegionDoc, '_id'>[]
  >();
  const counts = new Map<
    string,
    Omit<RollupDoc, '_id' | 'period' | 'regionCode' | 'direct' | 'recountedAt'>
  >();
  const zero = () => ({ units: 0, initialized: 0, submitted: 0, autoSubmitted: 0, confirmed: 0 });
  for (const r of regions) {
    counts.set(rollupId(period, r._id), zero());
    counts.set(rollupId(period, r._id, true), zero());
  }
  const reports = new Map<string, ReportedFacts>();
  const cursor = Report.find(
    { period, unitKind: 'school', regionPath: rootCode },
    { schoolId: 1, state: 1, autoSubmitted: 1, confirmedNoChange: 1 },
  )
    .lean()
    .cursor();
  for await (const r of cursor) reports.set(String(r.schoolId), factsOf(r));

  let schools = 0;
  const schoolCursor = School.find({ regionPath: rootCode }, { regionPath: 1, regionCode: 1, initialized: 1 })
    .lean()
    .cursor();
  for await (const s of schoolCursor) {
    schools++;
    const facts = reports.get(String(s._id)) ?? { reported: false, auto: false, confirmed: false };
    const keys = s.regionPath
      .filter((code: string) => counts.has(rollupId(period, code)))
      .map((code: string) => rollupId(period, code));
    keys.push(rollupId(period, s.regionCode, true));
    for (const key of keys) {
      const c = counts.get(key);
      if (!c) continue;
      c.units++;
      c.initialized += Number(!!s.initialized);
      c.submitted += Number(facts.reported);
      c.autoSubmitted += Number(facts.auto);
      c.confirmed += Number(facts.confirmed);
    }
  }
  const now = clock();
  const ops = [...counts.entries()].map(([_id, c]) => {
    const [, regionCode, direct] = _id.split(':');
    return {
      updateOne: {
        filter: { _id },
        update: { $set: { ...c, period, regionCode, direct: direct === 'direct', recountedAt: now } },
        upsert: true,
      },
    };
  });
  for (let i = 0; i < ops.length; i += 1000)
    await ProgressRollup.bulkWrite(ops.slice(i, i + 1000), { ordered: false });
  return { regions: regions.length, schools };
}

/**
 * Keeps the school counts of existing rollups current when schools are created, deleted or moved
 * (the recount would otherwise be the first to notice). Only rollups already counted are touched.
 */
export async function applySchoolUnits(
  periods: string[],
  school: { regionCode: string; regionPath: string[]; initialized?: boolean },
  delta: 1 | -1,
  reportedIn: Map<string, ReportedFacts> = new Map(),
): Promise<void> {
  const ops = periods.flatMap((period) => {
    const facts = reportedIn.get(period) ?? { reported: false, auto: false, confirmed: false };
    const inc = {
      units: delta,
      initialized: school.initialized ? delta : 0,
      submitted: facts.reported ? delta : 0,
      autoSubmitted: facts.auto ? delta : 0,
      confirmed: facts.confirmed ? delta : 0,
    };
    const ids = [
      ...school.regionPath.map((code) => rollupId(period, code)),
      rollupId(period, school.regionCode, true),
    ];
    return ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: inc } } }));
  });
  if (ops.length) await ProgressRollup.bulkWrite(ops, { ordered: false });
}
