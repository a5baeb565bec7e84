// Keeping the statistics read models (model.ts) current and right:
// - on every report change (`report.changed`, server/src/events.ts) the unit's parts before and after
//   are computed from the declared indicators and the difference is $inc'ed into the rollups of every
//   region above it; the unit's line in `statistics_units` is set or removed;
// - on every school change other than a report (`school.changed`: type, 城乡类型, 项目学校, name, move,
//   removal) the school's parts are moved from its old cell and rows to its new ones, likewise;
// - `rebuildStatistics` recounts a subtree absolutely from schools and reports (background builds of a
//   never-counted period, jobs/rollup-builds.ts; the jobs table for a province or the nation);
// - `checkStatisticsDrift` recounts and reports which rollups had drifted (lost writes on FerretDB, a
//   crash between steps, a listener that missed an event) while putting them right.
//
// What counts (seed 000 part 5, "the last submitted data of each unit"): in period P, a unit counts
// with the data of its P report while that report stands reported (submitted, locked, withdrawal
// pending) — the same units the progress page counts as reported. Reports cannot be edited in those
// states, so the data counted is the data as submitted. A school set 被合并 or 撤销 counts no more (its
// reports, even submitted, are in no rollup and no list) from the periods its status changed in: the
// workable ones (see `applySchoolChange` for why closed periods keep their history).
// Over 500 lines (just): deltas, recount and drift check share the placement helpers below.
import {
  CLOSED_SCHOOL_STATUSES,
  INDICATOR_CATEGORY_KEYS,
  NATIONAL_CODE,
  type CalendarConfig,
  addParts,
  unitParts,
  type IndicatorCategory,
  type Parts,
  type UnitInput,
  regionScope,
} from '@eduprogress/shared';
import type { Clock } from '../clock';
import { bulkWriteUpserts } from '../db/duplicate-key';
import { onDomainEvent, type ReportChanged, type SchoolChanged } from '../events';
import { Region, type RegionDoc } from '../regions/model';
import { cachedChildren, cachedDescendants } from '../regions/tree';
import { Report, reportId, type ReportDoc } from '../reports/model';
import { isReported, reportingLevelOf, workablePeriods } from '../reports/rules';
import { School, type SchoolDoc } from '../schools/model';
import {
  DIRECT_ROW,
  REGION_CELL,
  decodeRows,
  encodeRows,
  StatisticsRecount,
  StatisticsRollup,
  StatisticsUnits,
  TOTAL_ROW,
  statisticsRollupId,
  statisticsUnitsId,
  type RowCells,
  type StatisticsRollupDoc,
  type UnitLine,
} from './model';
import { isDuplicateKey } from '../db/duplicate-key';

/** Where a unit sits: the regions its parts are added to, and its cell. */
interface Placement {
  /** Region codes from the national root down to the unit's own region (schools: the managing region). */
  path: string[];
  /** The managing region of a school (its 直属 row); absent for region reports. */
  directOf?: string;
  cell: string;
}

type SchoolFacts = Pick<
  SchoolDoc,
  '_id' | 'name' | 'type' | 'urbanRural' | 'projectSchool' | 'regionCode' | 'regionPath'
> &
  Partial<Pick<SchoolDoc, 'status'>>;

/** A school set 被合并 or 撤销 counts no more (shared `CLOSED_SCHOOL_STATUSES`, seed 000 part 2 §2.3). */
const isClosed = (s: Pick<SchoolFacts, 'status'>) => !!s.status && CLOSED_SCHOOL_STATUSES.includes(s.status);

/** The school's parts as counted in the statistics: none while it is closed. */
function liveSchoolInput(s: SchoolFacts, data: Record<string, unknown>): UnitInput | null {
  return isClosed(s) ? null : schoolInput(s, data);
}

const schoolCell = (s: Pick<SchoolDoc, 'type' | 'urbanRural'>) => `${s.type}|${s.urbanRural ?? '城区'}`;

function schoolPlacement(s: SchoolFacts): Placement {
  return { path: s.regionPath, directOf: s.regionCode, cell: schoolCell(s) };
}

function regionPlacement(r: Pick<RegionDoc, '_id' | 'path'>): Placement {
  return { path: regionScope(r), cell: REGION_CELL };
}

function schoolInput(s: SchoolFacts, data: Record<string, unknown>): UnitInput {
  return { kind: 'school', data, schoolType: s.type, projectSchool: s.projectSchool ?? null };
}

function regionInput(r: RegionDoc, data: Record<string, unknown>): UnitInput {
  return { kind: 'region', data, regionLevel: reportingLevelOf(r) ?? r.level };
}

/** The parts of every category for a unit whose report counts; empty when it does not. */
function partsByCategory(input: UnitInput | null): Map<IndicatorCategory, Parts> {
  const out = new Map<IndicatorCategory, Parts>();
  if (!input) return out;
  for (const c of INDICATOR_CATEGORY_KEYS) {
    const parts = unitParts(c, input);
    if (Object.keys(parts).length) out.set(c, parts);
  }
  return out;
}

const counted = (r: Pick<ReportDoc, 'state'> | null | undefined) => !!r && isReported(r.state);

/** The rows of the rollup of `path[i]` that a unit placed at `place` contributes to. */
function rowsAt(place: Placement, i: number): string[] {
  const rows = [TOTAL_ROW];
  if (i + 1 < place.path.length) rows.push(place.path[i + 1]);
  if (place.directOf && place.path[i] === place.directOf) rows.push(DIRECT_ROW);
  return rows;
}

/** Delta writers in this process queue per rollup, so they never race each other's revision. */
const queues = new Map<string, Promise<void>>();
function serialized(id: string, task: () => Promise<void>): Promise<void> {
  const next = (queues.get(id) ?? Promise.resolve()).then(task, task);
  const settled = next.catch(() => {});
  queues.set(id, settled);
  void settled.then(() => {
    if (queues.get(id) === settled) queues.delete(id);
  });
  return next;
}

/**
 * Adds `delta` to the given rows of one rollup: read, add, write back only if the revision is still
 * the one read (else read again). On MongoDB the revision check is exact; on FerretDB it narrows the
 * race to what the drift check repairs.
 */
async function addToRollup(
  period: string,
  code: string,
  category: IndicatorCategory,
  additions: { row: string; cell: string; delta: Parts }[],
): Promise<void> {
  const id = statisticsRollupId(period, code, category);
  await serialized(id, async () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const doc = await StatisticsRollup.findById(id, { data: 1, rev: 1 }).lean<StatisticsRollupDoc>();
      const rows = decodeRows(doc?.data);
      for (const { row, cell, delta } of additions) addInto(rows, row, cell, delta);
      const data = encodeRows(rows);
      if (!doc) {
        try {
          await StatisticsRollup.collection.insertOne({
            _id: id as any,
            period,
            regionCode: code,
            category,
            data,
            rev: 1,
          });
          return;
        } catch (err) {
          if (isDuplicateKey(err)) continue;
          throw err;
        }
      }
      const res = await StatisticsRollup.collection.updateOne(
        { _id: id as any, rev: doc.rev ?? 0 },
        { $set: { data, rev: (doc.rev ?? 0) + 1 } },
      );
      if (res.matchedCount) return;
    }
  });
}

/** Parts of a unit added (`sign` 1) or taken away (-1) at one placement. */
interface PlacedParts {
  place: Placement;
  parts: Map<IndicatorCategory, Parts>;
  sign: 1 | -1;
}

/**
 * Adds each term's parts to every rollup above its placement: one read-add-write per rollup document
 * touched, however many terms reach it (a school moved between two counties of one city touches the
 * city's rollup once, its two child rows at once).
 */
async function applyPlaced(period: string, terms: PlacedParts[]): Promise<void> {
  const byRollup = new Map<
    string,
    { code: string; category: IndicatorCategory; additions: { row: string; cell: string; delta: Parts }[] }
  >();
  for (const { place, parts, sign } of terms) {
    for (const [category, p] of parts) {
      const delta = addParts({}, p, sign);
      if (!Object.keys(delta).length) continue;
      place.path.forEach((code, i) => {
        const key = `${code}:${category}`;
        let entry = byRollup.get(key);
        if (!entry) byRollup.set(key, (entry = { code, category, additions: [] }));
        for (const row of rowsAt(place, i)) entry.additions.push({ row, cell: place.cell, delta });
      });
    }
  }
  await Promise.all([...byRollup.values()].map((r) => addToRollup(period, r.code, r.category, r.additions)));
}

/** Applies the change from `before` to `after` parts of one unit to every rollup above it. */
async function applyDelta(
  period: string,
  place: Placement,
  before: Map<IndicatorCategory, Parts>,
  after: Map<IndicatorCategory, Parts>,
): Promise<void> {
  const net = new Map<IndicatorCategory, Parts>();
  for (const c of INDICATOR_CATEGORY_KEYS) {
    const delta = addParts(addParts({}, after.get(c)), before.get(c), -1);
    if (Object.keys(delta).length) net.set(c, delta);
  }
  await applyPlaced(period, [{ place, parts: net, sign: 1 }]);
}

const unitLine = (s: SchoolFacts, r: Pick<ReportDoc, 'data' | 'formVersion'>): string =>
  JSON.stringify({
    n: s.name,
    t: s.type,
    u: s.urbanRural ?? '城区',
    p: s.projectSchool ?? null,
    d: r.data ?? {},
    v: r.formVersion ?? 1,
  } satisfies UnitLine);

/**
 * Applies one report change to the statistics: the unit's parts as the report stood before are taken
 * away and its parts as it stands now are added, in every rollup above it. Idempotent only in effect
 * (a repeated event double-counts; the drift check repairs), like the progress rollups.
 */
export async function applyReportChange(e: ReportChanged): Promise<void> {
  const wasCounted = counted(e.before);
  const isCounted = counted(e.after);
  if (!wasCounted && !isCounted) return;
  if (e.unitKind === 'school') {
    const school = await School.findById(e.schoolId, {
      name: 1,
      type: 1,
      urbanRural: 1,
      projectSchool: 1,
      regionCode: 1,
      regionPath: 1,
      status: 1,
    }).lean<SchoolFacts>();
    // A closed school (被合并, 撤销) is in no rollup and no list: its reports change nothing.
    if (!school || isClosed(school)) return;
    const before = partsByCategory(wasCounted ? schoolInput(school, e.before!.data ?? {}) : null);
    const after = partsByCategory(isCounted ? schoolInput(school, e.after.data ?? {}) : null);
    await applyDelta(e.period, schoolPlacement(school), before, after);
    await writeUnitLine(e.period, school, isCounted ? e.after : null);
    return;
  }
  const region = await Region.findById(e.regionCode).lean<RegionDoc>();
  if (!region) return;
  const before = partsByCategory(wasCounted ? regionInput(region, e.before!.data ?? {}) : null);
  const after = partsByCategory(isCounted ? regionInput(region, e.after.data ?? {}) : null);
  await applyDelta(e.period, regionPlacement(region), before, after);
}

/** Sets or removes a school's line in its region's `statistics_units` document. */
async function writeUnitLine(
  period: string,
  school: SchoolFacts,
  report: Pick<ReportDoc, 'data' | 'formVersion'> | null,
): Promise<void> {
  const field = `schools.${String(school._id)}`;
  await StatisticsUnits.collection.updateOne(
    { _id: statisticsUnitsId(period, school.regionCode) as any },
    {
      ...(report ? { $set: { [field]: unitLine(school, report) } } : { $unset: { [field]: 1 } }),
      $setOnInsert: { period, regionCode: school.regionCode },
    },
    { upsert: true },
  );
}

const sameSchoolPlace = (a: SchoolFacts, b: SchoolFacts) =>
  a.regionCode === b.regionCode &&
  schoolCell(a) === schoolCell(b) &&
  a.regionPath.join() === b.regionPath.join();

/**
 * Applies a school change other than a report (`school.changed`: retyped, 城乡类型 or 项目学校 changed,
 * renamed, moved, created, deleted, set 被合并/撤销 or back to 正常) to the statistics of each of the
 * event's periods in which the school has a counted report: its parts as placed before are taken away
 * and its parts as placed now added (both computed from the same report: a new type changes which
 * indicators apply; a closed school has no parts), and its list line follows it. Like
 * `applyReportChange`, a repeated event double-counts; the drift check repairs.
 *
 * Which periods follow (the event's `periods`: the workable ones, schools/common.ts `openPeriods`):
 * a period whose reporting is over is history (seed 001 §17: each month's data is reported upward by
 * the levels' deadlines and then stands as reported; the seed system's figures are a nightly snapshot,
 * seed 000 part 5), so a school moved, retyped or closed today keeps its place and its figures in the
 * closed periods that already counted it. Only a recount of such a period (the jobs table's
 * `rebuildStatistics`, or the background build of a period never counted) places it as it is now: there
 * is no record of where a school stood in a past period but the rollups themselves. The drift check
 * recounts the workable periods only, so it never rewrites that history.
 */
export async function applySchoolChange(e: SchoolChanged): Promise<void> {
  for (const period of e.periods) {
    const report = await Report.findById(reportId(period, { schoolId: e.schoolId }), {
      state: 1,
      data: 1,
      formVersion: 1,
    }).lean<ReportDoc>();
    if (!counted(report)) continue;
    const data = report!.data ?? {};
    const terms: PlacedParts[] = [];
    if (e.before && e.after && sameSchoolPlace(e.before, e.after)) {
      await applyDelta(
        period,
        schoolPlacement(e.after),
        partsByCategory(liveSchoolInput(e.before, data)),
        partsByCategory(liveSchoolInput(e.after, data)),
      );
    } else {
      if (e.before)
        terms.push({
          place: schoolPlacement(e.before),
          parts: partsByCategory(liveSchoolInput(e.before, data)),
          sign: -1,
        });
      if (e.after)
        terms.push({
          place: schoolPlacement(e.after),
          parts: partsByCategory(liveSchoolInput(e.after, data)),
          sign: 1,
        });
      await applyPlaced(period, terms);
    }
    if (e.before && e.before.regionCode !== e.after?.regionCode) await writeUnitLine(period, e.before, null);
    if (e.after) await writeUnitLine(period, e.after, isClosed(e.after) ? null : report);
  }
}

/** A unit whose report starts counting in a bulk change (a deadline's close), with the report as counted. */
export type CountedUnit =
  | { kind: 'school'; school: SchoolFacts; report: Pick<ReportDoc, 'data' | 'formVersion'> }
  | { kind: 'region'; region: RegionDoc; report: Pick<ReportDoc, 'data'> };

/**
 * Adds units that start counting, many at once, to the statistics of `period`: what `applyReportChange`
 * does for each from "not counted" to "counted", with one read-add-write per rollup document touched
 * (however many units reach it) and one write per region's `statistics_units` document. The deadline's
 * bulk close (reports/deadline-close.ts) calls it once per step. Not idempotent (like the deltas): a
 * step done twice is put right by a recount (the deadline's run asks for one when it resumed).
 */
export async function applyUnitsCounted(period: string, all: CountedUnit[]): Promise<void> {
  // A closed school's report (auto-submitted at the deadline like any other) is not counted.
  const units = all.filter((u) => u.kind !== 'school' || !isClosed(u.school));
  const terms: PlacedParts[] = units.map((u) =>
    u.kind === 'school'
      ? {
          place: schoolPlacement(u.school),
          parts: partsByCategory(schoolInput(u.school, u.report.data ?? {})),
          sign: 1,
        }
      : {
          place: regionPlacement(u.region),
          parts: partsByCategory(regionInput(u.region, u.report.data ?? {})),
          sign: 1,
        },
  );
  await applyPlaced(period, terms);
  const lines = new Map<string, Record<string, string>>();
  for (const u of units) {
    if (u.kind !== 'school') continue;
    const set = lines.get(u.school.regionCode) ?? {};
    set[`schools.${String(u.school._id)}`] = unitLine(u.school, u.report);
    lines.set(u.school.regionCode, set);
  }
  if (!lines.size) return;
  await bulkWriteUpserts(
    StatisticsUnits.collection,
    [...lines].map(([code, set]) => ({
      updateOne: {
        filter: { _id: statisticsUnitsId(period, code) },
        update: { $set: set, $setOnInsert: { period, regionCode: code } },
        upsert: true,
      },
    })),
  );
}

let subscribed = false;
/** Subscribes the statistics to report changes (once per process; safe to call for every app). */
export function subscribeStatistics(): void {
  if (subscribed) return;
  subscribed = true;
  onDomainEvent('report.changed', applyReportChange);
  onDomainEvent('school.changed', applySchoolChange);
  // A deadline closed in bulk added the units it reported step by step (applyUnitsCounted); only a
  // run that took over an interrupted one, or retried a failed step, may have missed or doubled some:
  // then one national recount of that period.
  onDomainEvent('deadline.closed', async (e) => {
    if (e.recount) await rebuildStatistics(() => e.at, e.period, NATIONAL_CODE);
  });
}

// ---------------------------------------------------------------------------------------------
// Recount

interface ComputedRollup {
  _id: string;
  period: string;
  regionCode: string;
  category: IndicatorCategory;
  rows: Record<string, RowCells>;
}

interface Computed {
  rollups: Map<string, ComputedRollup>;
  units: Map<string, Record<string, string>>;
  regions: number;
  schools: number;
  reports: number;
}

function addInto(rows: Record<string, RowCells>, row: string, cell: string, parts: Parts) {
  const cells = (rows[row] ??= {});
  cells[cell] = addParts(cells[cell] ?? {}, parts);
}

/** Computes every rollup and units document of `period` under `rootCode` from schools and reports. */
async function computeSubtree(period: string, rootCode: string): Promise<Computed> {
  const root = await Region.findById(rootCode).lean<RegionDoc>();
  const regions = root ? [root, ...(await cachedDescendants(rootCode))] : [];
  const inTree = new Map(regions.map((r) => [r._id, r]));
  const rollups: Computed['rollups'] = new Map();
  const units: Computed['units'] = new Map();
  for (const r of regions) {
    units.set(r._id, {});
    for (const c of INDICATOR_CATEGORY_KEYS) {
      const rows: Record<string, RowCells> = { [TOTAL_ROW]: {}, [DIRECT_ROW]: {} };
      rollups.set(statisticsRollupId(period, r._id, c), {
        _id: statisticsRollupId(period, r._id, c),
        period,
        regionCode: r._id,
        category: c,
        rows,
      });
    }
  }
  for (const r of regions) {
    if (r.parentCode && inTree.has(r.parentCode) && r._id !== rootCode) {
      for (const c of INDICATOR_CATEGORY_KEYS)
        rollups.get(statisticsRollupId(period, r.parentCode, c))!.rows[r._id] = {};
    }
  }
  const add = (place: Placement, parts: Map<IndicatorCategory, Parts>) => {
    place.path.forEach((code, i) => {
      if (!inTree.has(code)) return;
      for (const [c, p] of parts) {
        const doc = rollups.get(statisticsRollupId(period, code, c))!;
        for (const row of rowsAt(place, i)) addInto(doc.rows, row, place.cell, p);
      }
    });
  };

  // Reports first (only what counts is kept), then the schools they belong to, as they are now.
  const schoolReports = new Map<string, Pick<ReportDoc, 'data' | 'formVersion'>>();
  let reports = 0;
  const regionReports: ReportDoc[] = [];
  const cursor = Report.find(
    { period, regionPath: rootCode },
    { unitKind: 1, schoolId: 1, regionCode: 1, state: 1, data: 1, formVersion: 1 },
  )
    .lean<ReportDoc[]>()
    .cursor();
  for await (const r of cursor as AsyncIterable<ReportDoc>) {
    if (!counted(r)) continue;
    reports++;
    if (r.unitKind === 'school') schoolReports.set(String(r.schoolId), r);
    else regionReports.push(r);
  }
  const own = await Report.findById(`${period}:region:${rootCode}`, {
    state: 1,
    data: 1,
    regionCode: 1,
  }).lean<ReportDoc>();
  if (counted(own)) regionReports.push(own!);
  for (const r of regionReports) {
    const region = inTree.get(r.regionCode);
    if (!region) continue;
    add(regionPlacement(region), partsByCategory(regionInput(region, r.data ?? {})));
  }

  let schools = 0;
  // No school report counted: nothing to look up (a first look at a period, a trend's early periods).
  if (!schoolReports.size) return { rollups, units, regions: regions.length, schools, reports };
  const schoolCursor = School.find(
    { regionPath: rootCode },
    { name: 1, type: 1, urbanRural: 1, projectSchool: 1, regionCode: 1, regionPath: 1, status: 1 },
  )
    .lean<SchoolFacts[]>()
    .cursor();
  for await (const s of schoolCursor as AsyncIterable<SchoolFacts>) {
    schools++;
    const r = schoolReports.get(String(s._id));
    if (!r || isClosed(s)) continue;
    add(schoolPlacement(s), partsByCategory(schoolInput(s, r.data ?? {})));
    const lines = units.get(s.regionCode);
    if (lines) lines[String(s._id)] = unitLine(s, r);
  }
  return { rollups, units, regions: regions.length, schools, reports };
}

/**
 * Replaces the documents `ids` of a collection by `docs` (a subset of them): each of `docs` is written
 * whole by `_id` (a `replaceOne` upsert, 200 to a `bulkWrite`; by `_id` these cost milliseconds on
 * FerretDB with patch 0001), then the ids left without a document are deleted. A reader never finds a
 * counted document missing, also while another recount of an overlapping subtree writes (deleting
 * first and inserting after left a window where a page read 0). Two upserts of one `_id` racing (two
 * instances) may answer duplicate key: the losing write is retried as a plain replace.
 */
async function replaceAll(collection: any, ids: string[], docs: { _id: string }[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 200) {
    const batch = docs.slice(i, i + 200);
    const ops = batch.map((doc) => ({
      replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
    }));
    try {
      await collection.bulkWrite(ops, { ordered: false });
    } catch (err) {
      // The driver reports one write error as an object, several as an array.
      const errors = ([] as { index: number; code: number }[]).concat(
        (err as { writeErrors?: any }).writeErrors ?? [],
      );
      const failed = new Set(errors.filter((e) => isDuplicateKey(e)).map((e) => e.index));
      if (!failed.size || failed.size < errors.length) throw err;
      for (const index of failed) await collection.replaceOne({ _id: batch[index]._id }, batch[index]);
    }
  }
  const kept = new Set(docs.map((d) => d._id));
  const gone = ids.filter((id) => !kept.has(id));
  for (let i = 0; i < gone.length; i += 1000) {
    await collection.deleteMany({ _id: { $in: gone.slice(i, i + 1000) } });
  }
}

export interface RebuildResult {
  period: string;
  rootCode: string;
  regions: number;
  schools: number;
  /** Reports counted (reported states). */
  reports: number;
  /** Rollup documents whose stored rows differed from the recount (drift repaired). */
  drifted: string[];
}

const isEmpty = (rows: Record<string, RowCells>) =>
  Object.values(rows).every((cells) => Object.values(cells).every((p) => Object.keys(p).length === 0));

/** Rows compared as data: key order and zero-valued parts do not matter. */
function sameRows(a: Record<string, RowCells> | undefined, b: Record<string, RowCells>): boolean {
  const norm = (rows: Record<string, RowCells> | undefined) => {
    const out: [string, [string, [string, number][]][]][] = [];
    for (const row of Object.keys(rows ?? {}).sort()) {
      const cells: [string, [string, number][]][] = [];
      for (const cell of Object.keys(rows![row] ?? {}).sort()) {
        const p = Object.entries(addParts({}, rows![row][cell])).sort(([x], [y]) => (x < y ? -1 : 1));
        if (p.length) cells.push([cell, p]);
      }
      if (cells.length) out.push([row, cells]);
    }
    return JSON.stringify(out);
  };
  return norm(a) === norm(b);
}

/** Whether `code` or one of its ancestors was recounted for `period` (see StatisticsRecount). */
export async function recountedAbove(
  period: string,
  code: string,
  path: readonly string[],
): Promise<boolean> {
  const stamps = await Promise.all(
    [code, ...path].map((c) => StatisticsRecount.findById(statisticsUnitsId(period, c), { _id: 1 }).lean()),
  );
  return stamps.some(Boolean);
}

/**
 * Recounts the statistics of `period` for `rootCode` and every region below it (a county, a province,
 * or `000000` for the nation) from the schools and reports themselves, and writes absolute values, so
 * running it twice or on two instances gives the same result. Only documents with something counted
 * are written; stored ones that should now be empty are deleted. Returns the sizes and which rollups had
 * drifted (stored and different from the recount). This is what the jobs table calls (per province, or
 * the nation); the cost is one scan of the period's reports and of the subtree's schools, plus one `_id`
 * read and write per non-empty rollup.
 */
export async function rebuildStatistics(
  clock: Clock,
  period: string,
  rootCode: string,
): Promise<RebuildResult> {
  const computed = await computeSubtree(period, rootCode);
  const drifted: string[] = [];
  const full = [...computed.rollups.values()].filter((d) => !isEmpty(d.rows));
  const emptyIds = [...computed.rollups.values()].filter((d) => isEmpty(d.rows)).map((d) => d._id);
  // Compare with what is stored, a batch of `_id` reads at a time.
  for (let i = 0; i < full.length; i += 32) {
    const batch = full.slice(i, i + 32);
    const stored = await Promise.all(
      batch.map((d) => StatisticsRollup.findById(d._id, { data: 1 }).lean<StatisticsRollupDoc>()),
    );
    stored.forEach((doc, j) => {
      if (doc && !sameRows(decodeRows(doc.data), batch[j].rows)) drifted.push(batch[j]._id);
    });
  }
  const now = clock();
  // Empty ones: a stored document with something in it had drifted.
  for (let i = 0; i < emptyIds.length; i += 1000) {
    const gone = await StatisticsRollup.find({ _id: { $in: emptyIds.slice(i, i + 1000) } }, { data: 1 }).lean<
      StatisticsRollupDoc[]
    >();
    for (const doc of gone) if (!isEmpty(decodeRows(doc.data))) drifted.push(doc._id);
  }
  await replaceAll(
    StatisticsRollup.collection,
    [...computed.rollups.keys()],
    full.map(({ rows, ...doc }) => ({ ...doc, data: encodeRows(rows), rev: Date.now(), recountedAt: now })),
  );
  const unitEntries = [...computed.units.entries()];
  await replaceAll(
    StatisticsUnits.collection,
    unitEntries.map(([code]) => statisticsUnitsId(period, code)),
    unitEntries
      .filter(([, schools]) => Object.keys(schools).length)
      .map(([code, schools]) => ({
        _id: statisticsUnitsId(period, code),
        period,
        regionCode: code,
        schools,
        recountedAt: now,
      })),
  );
  await StatisticsRecount.updateOne(
    { _id: statisticsUnitsId(period, rootCode) },
    { $set: { at: now } },
    { upsert: true },
  );
  return {
    period,
    rootCode,
    regions: computed.regions,
    schools: computed.schools,
    reports: computed.reports,
    drifted,
  };
}

/**
 * The drift check for the jobs table: recounts each province (one subtree at a time, so SQLite's write
 * lock is never held for long) for every period still changing — the ones units may work on now
 * (reports/rules.ts `workablePeriods`) — and returns what each recount found. Idempotent, safe on two
 * instances (absolute values); meant to run under a lease every few minutes.
 */
export async function checkStatisticsDriftAll(
  clock: Clock,
  calendar: CalendarConfig,
  roots?: string[],
): Promise<RebuildResult[]> {
  const provinces = roots ?? (await cachedChildren(NATIONAL_CODE)).map((r) => r._id);
  const out: RebuildResult[] = [];
  for (const period of workablePeriods(clock(), calendar)) {
    for (const code of provinces) out.push(await checkStatisticsDrift(clock, period, code));
  }
  return out;
}

/**
 * The drift check: a recount that also says what it found wrong. Same cost and effect as
 * `rebuildStatistics`; meant for the periodic job over the periods still changing.
 */
export async function checkStatisticsDrift(
  clock: Clock,
  period: string,
  rootCode: string,
): Promise<RebuildResult> {
  return rebuildStatistics(clock, period, rootCode);
}
