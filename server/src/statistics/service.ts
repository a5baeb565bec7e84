// The informatization statistics pages (seed 000 part 5, §4.3 三): a category of indicators for a
// region with its children and 直属学校 row (one `_id` read), the schools behind a number (list mode and
// its XLSX export, from `statistics_units`), and chart data (children as bars, the last 8 periods as
// a trend). Jurisdiction as for progress: the caller must govern the region; school-bound callers
// govern none.
import {
  INDICATORS,
  NATIONAL_CODE,
  categoryByKey,
  formatIndicatorValue,
  indicatorByKey,
  indicatorValue,
  indicatorsOf,
  parsePeriod,
  previousPeriod,
  requiredFields,
  schoolFieldLabel,
  unitParts,
  applies,
  UNITS_PART,
  type IndicatorCategory,
  type IndicatorDef,
  type IndicatorValue,
  type Parts,
  type SchoolType,
  type UrbanRuralType,
  regionScope,
} from '@eduprogress/shared';
import type { AuthContext } from '../accounts/service';
import { ValidationError } from '../http/errors';
import type { Page } from '../http/pagination';
import { Region, type RegionDoc } from '../regions/model';
import { cachedChildren, cachedDescendants } from '../regions/tree';
import { defaultPeriod, regionWithin, type ProgressDeps } from '../reports/progress-view';
import { directRowLabel } from '../reports/rules';
import {
  DIRECT_ROW,
  StatisticsRollup,
  StatisticsUnits,
  TOTAL_ROW,
  statisticsRollupId,
  statisticsUnitsId,
  type StatisticsRollupDoc,
  type UnitLine,
} from './model';
import { awaitRollupBuild } from '../jobs/rollup-builds';
import { decodedRollup, type DecodedRollup } from './rollup-cache';
import { recountedAbove } from './rollups';
import { categoryScope, trendValue, unitCounts } from './unit-counts';

const messages = {
  pageUnknown: (page: string, category: string) => `“${category}”没有名为 ${page} 的统计页`,
  indicatorElsewhere: (label: string, category: string) => `指标“${label}”不属于“${category}”`,
  regionIndicator: (label: string) => `指标“${label}”按地区情况统计，没有学校明细`,
  distribution: (label: string) => `指标“${label}”是分布统计，请在统计页查看`,
};

export type StatisticsDeps = ProgressDeps;

export interface StatisticsFilters {
  schoolType?: SchoolType;
  urbanRural?: UrbanRuralType;
}

/** The declaration of an indicator as the pages need it. */
function indicatorInfo(d: IndicatorDef) {
  return {
    key: d.key,
    label: d.label,
    page: d.page,
    kind: d.kind,
    source: d.source,
    unit: d.unit,
    description: d.description,
    schoolTypes: d.schoolTypes ?? null,
    /** Region-report indicators ignore the school type and 城乡类型 filters. */
    filterable: d.source === 'school',
  };
}

/** The declared categories, pages and indicators (labels for the mini-program and the bot). */
export function indicatorCatalog() {
  return {
    categories: categoryOrder().map((c) => ({
      key: c.key,
      label: c.label,
      pages: c.pages.map((p) => ({
        key: p.key,
        label: p.label,
        indicators: indicatorsOf(c.key, p.key).map(indicatorInfo),
      })),
    })),
  };
}

function categoryOrder() {
  return [...new Set(INDICATORS.map((d) => d.category))].map((k) => categoryByKey(k)!);
}

function valuesOf(defs: IndicatorDef[], parts: Readonly<Parts>) {
  return Object.fromEntries(
    defs.map((d) => {
      const v = indicatorValue(d, parts);
      return [d.key, { ...v, display: formatIndicatorValue(d, v.value) }];
    }),
  ) as Record<string, IndicatorValue & { display: string }>;
}

/**
 * The rollup of a category as stored. A period or region never counted is built in the background
 * (jobs/rollup-builds.ts: never inside the request); the request waits for it at most ROLLUP_WAIT_MS and
 * otherwise answers from what exists, with `counting: true`. After the build, report changes keep it
 * current.
 */
interface RollupView {
  /** The decoded rows, and each row summed for a filter (rollup-cache.ts). */
  rollup: DecodedRollup;
  recountedAt: Date | null;
  /** A build of the rollups is under way: the figures are what was counted so far. */
  counting: boolean;
}

const readRollup = (id: string) => StatisticsRollup.findById(id).lean<StatisticsRollupDoc>().exec();

/**
 * The rollup of `category` for `region` in `period`, read by `_id` (`prefetched`: that read, started
 * before the caller's jurisdiction was checked, so the two round trips overlap).
 */
async function rollupFor(
  deps: StatisticsDeps,
  period: string,
  region: RegionDoc,
  category: IndicatorCategory,
  prefetched?: Promise<StatisticsRollupDoc | null>,
): Promise<RollupView> {
  const id = statisticsRollupId(period, region._id, category);
  const view = (doc: StatisticsRollupDoc | null, counting: boolean): RollupView => ({
    rollup: decodedRollup(id, doc?.data),
    recountedAt: doc?.recountedAt ?? null,
    counting,
  });
  const doc = await (prefetched ?? readRollup(id));
  if (doc?.recountedAt || (await recountedAbove(period, region._id, region.path))) return view(doc, false);
  const built = await awaitRollupBuild(deps.clock, 'statistics', period, region._id);
  if (!built) return view(doc, true);
  return view(await readRollup(id), false);
}

function checkPeriod(period: string) {
  try {
    parsePeriod(period);
  } catch (err) {
    throw new ValidationError((err as Error).message, { property: 'period' }, 'PERIOD_INVALID');
  }
}

function defsFor(category: IndicatorCategory, page?: string): IndicatorDef[] {
  const cat = categoryByKey(category)!;
  if (page && !cat.pages.some((p) => p.key === page))
    throw new ValidationError(messages.pageUnknown(page, cat.label), { property: 'page' }, 'PAGE_UNKNOWN');
  return indicatorsOf(category, page);
}

/** 全国 > 福建省 > 福州市: from the top of the caller's jurisdiction down to the region. */
async function breadcrumb(auth: AuthContext, region: RegionDoc) {
  const top = auth.binding?.regionCode ?? NATIONAL_CODE;
  const codes = regionScope(region);
  const from = Math.max(0, codes.indexOf(top));
  const docs = await Promise.all(
    codes
      .slice(from)
      .map((c) => (c === region._id ? Promise.resolve(region) : Region.findById(c).lean<RegionDoc>().exec())),
  );
  return docs.filter((d): d is RegionDoc => !!d).map((d) => ({ code: d._id, name: d.name, level: d.level }));
}

export interface StatisticsQuery extends StatisticsFilters {
  category: IndicatorCategory;
  page?: string;
  period?: string;
}

/**
 * A category page: the region's figures, each direct child's (drillable) and the 直属学校 row, with
 * the breadcrumb — answered from one rollup document.
 */
export async function regionStatistics(
  deps: StatisticsDeps,
  auth: AuthContext,
  code: string,
  q: StatisticsQuery,
) {
  const period = q.period ?? defaultPeriod(deps);
  // The rollup is read while the jurisdiction is checked; nothing of it is answered before the check.
  const prefetched = readRollup(statisticsRollupId(period, code, q.category));
  prefetched.catch(() => {});
  const region = await regionWithin(auth, code);
  checkPeriod(period);
  const defs = defsFor(q.category, q.page);
  const filters: StatisticsFilters = { schoolType: q.schoolType, urbanRural: q.urbanRural };
  const [rollup, children, crumbs] = await Promise.all([
    rollupFor(deps, period, region, q.category, prefetched),
    cachedChildren(code),
    breadcrumb(auth, region),
  ]);
  const row = (key: string) => {
    const parts = rollup.rollup.sum(key, filters);
    return { ...unitCounts(parts, rollup.rollup.rows[key]), values: valuesOf(defs, parts) };
  };
  const cat = categoryByKey(q.category)!;
  return {
    region: { code: region._id, name: region.name, level: region.level },
    breadcrumb: crumbs,
    period,
    category: { key: cat.key, label: cat.label, pages: cat.pages, ...categoryScope(cat.key) },
    page: q.page ?? null,
    filters: { schoolType: q.schoolType ?? null, urbanRural: q.urbanRural ?? null },
    indicators: defs.map(indicatorInfo),
    total: { code: region._id, name: region.name, level: region.level, ...row(TOTAL_ROW) },
    children: [
      ...children.map((c) => ({ code: c._id, name: c.name, level: c.level, direct: false, ...row(c._id) })),
      {
        code: `${region._id}:direct`,
        name: directRowLabel(region.level),
        level: region.level,
        direct: true,
        ...row(DIRECT_ROW),
      },
    ],
    recountedAt: rollup.recountedAt ?? null,
    counting: rollup.counting,
  };
}

export interface ChartQuery extends StatisticsFilters {
  indicator: string;
  period?: string;
}

/** How many periods the trend line shows, ending at the chosen one. */
export const TREND_PERIODS = 8;

/** Bars (each child and 直属学校) and the trend of one indicator over the last 8 periods. */
export async function statisticsChart(deps: StatisticsDeps, auth: AuthContext, code: string, q: ChartQuery) {
  const region = await regionWithin(auth, code);
  const def = indicatorByKey(q.indicator)!;
  const period = q.period ?? defaultPeriod(deps);
  checkPeriod(period);
  if (def.kind === 'distribution')
    throw new ValidationError(
      messages.distribution(def.label),
      { property: 'indicator' },
      'INDICATOR_NOT_CHARTABLE',
    );
  const filters: StatisticsFilters = { schoolType: q.schoolType, urbanRural: q.urbanRural };
  const periods: string[] = [];
  for (let p = parsePeriod(period), i = 0; i < TREND_PERIODS; i++, p = previousPeriod(p))
    periods.unshift(p.name);
  const [children, rollups] = await Promise.all([
    cachedChildren(code),
    Promise.all(periods.map((p) => rollupFor(deps, p, region, def.category))),
  ]);
  const current = rollups[rollups.length - 1];
  const valueAt = (doc: RollupView, row: string) => indicatorValue(def, doc.rollup.sum(row, filters));
  return {
    region: { code: region._id, name: region.name, level: region.level },
    period,
    indicator: indicatorInfo(def),
    filters: { schoolType: q.schoolType ?? null, urbanRural: q.urbanRural ?? null },
    bars: [
      ...children.map((c) => ({ code: c._id, name: c.name, direct: false, ...valueAt(current, c._id) })),
      {
        code: `${region._id}:direct`,
        name: directRowLabel(region.level),
        direct: true,
        ...valueAt(current, DIRECT_ROW),
      },
    ],
    // A period without a report the indicator counts is `value: null` (a gap), not 0.
    trend: rollups.map((doc, i) => ({
      period: periods[i],
      ...trendValue(
        def,
        valueAt(doc, TOTAL_ROW),
        unitCounts(doc.rollup.sum(TOTAL_ROW, filters), doc.rollup.rows[TOTAL_ROW]),
      ),
    })),
  };
}

export interface ListQuery extends StatisticsFilters {
  category: IndicatorCategory;
  indicator?: string;
  /** Only the schools whose numerator is not 0 (e.g. the schools with broadband ≥ 100M). */
  hit?: boolean;
  /** Only the region's 直属学校. */
  direct?: boolean;
  period?: string;
}

export interface SchoolRow {
  schoolId: string;
  name: string;
  type: string;
  urbanRural: string;
  regionCode: string;
  regionName: string;
  formVersion: number;
  /** The reported form fields the category's indicators read, by dotted path. */
  fields: Record<string, unknown>;
  /** Each indicator of the category for this school alone (null where it does not apply). */
  values: Record<string, number | null>;
}

export interface SchoolList {
  region: { code: string; name: string; level: string };
  period: string;
  category: IndicatorCategory;
  indicator: string | null;
  columns: { fields: { key: string; label: string }[]; indicators: ReturnType<typeof indicatorInfo>[] };
  rows: SchoolRow[];
  /** A build of the period's figures is under way: the rows are the schools counted so far. */
  counting: boolean;
}

/**
 * Reads `statistics_units` of the regions in scope, a few `_id` reads at a time. A period never counted
 * for the top region is built in the background first, as for the page (`counting`: not yet done).
 */
async function unitLines(deps: StatisticsDeps, period: string, regions: RegionDoc[]) {
  const out: { region: RegionDoc; id: string; line: UnitLine }[] = [];
  const top = regions[0];
  const topDoc = await StatisticsUnits.findById(statisticsUnitsId(period, top._id), {
    recountedAt: 1,
  }).lean();
  const counting =
    !topDoc?.recountedAt &&
    !(await recountedAbove(period, top._id, top.path)) &&
    !(await awaitRollupBuild(deps.clock, 'statistics', period, top._id));
  for (let i = 0; i < regions.length; i += 16) {
    const batch = regions.slice(i, i + 16);
    const docs = await Promise.all(
      batch.map((r) => StatisticsUnits.findById(statisticsUnitsId(period, r._id), { schools: 1 }).lean()),
    );
    docs.forEach((doc, j) => {
      for (const [id, json] of Object.entries(doc?.schools ?? {})) {
        out.push({ region: batch[j], id, line: JSON.parse(json) as UnitLine });
      }
    });
  }
  return { lines: out, counting };
}

/**
 * The schools behind a figure (seed 000 §4.3 三, 列表模式): every counted school of the region's subtree
 * (or its 直属学校) that passes the filters, with the fields it reported and each indicator's value for
 * it; with `indicator`, only schools the indicator counts, and with `hit`, only those in its numerator.
 * Sorted by region code, then name.
 */
export async function statisticsSchools(
  deps: StatisticsDeps,
  auth: AuthContext,
  code: string,
  q: ListQuery,
): Promise<SchoolList> {
  const region = await regionWithin(auth, code);
  const period = q.period ?? defaultPeriod(deps);
  checkPeriod(period);
  const cat = categoryByKey(q.category)!;
  const defs = indicatorsOf(q.category).filter((d) => d.source === 'school' && d.kind !== 'distribution');
  const focus = q.indicator ? indicatorByKey(q.indicator)! : undefined;
  if (focus) {
    if (focus.category !== q.category)
      throw new ValidationError(
        messages.indicatorElsewhere(focus.label, cat.label),
        { property: 'indicator' },
        'INDICATOR_CATEGORY',
      );
    if (focus.source !== 'school')
      throw new ValidationError(
        messages.regionIndicator(focus.label),
        { property: 'indicator' },
        'INDICATOR_NO_SCHOOLS',
      );
  }
  const regions = q.direct ? [region] : [region, ...(await cachedDescendants(code))];
  const fieldKeys = [...new Set((focus ? [focus] : defs).flatMap(requiredFields))];
  const rows: SchoolRow[] = [];
  const { lines, counting } = await unitLines(deps, period, regions);
  for (const { region: r, id, line } of lines) {
    if (q.schoolType && line.t !== q.schoolType) continue;
    if (q.urbanRural && line.u !== q.urbanRural) continue;
    const input = {
      kind: 'school' as const,
      data: line.d,
      schoolType: line.t as SchoolType,
      projectSchool: line.p,
    };
    if (focus) {
      if (!applies(focus, input)) continue;
      if (q.hit && !(unitParts(focus.category, input)[focus.key] ?? 0)) continue;
    }
    const parts = unitParts(q.category, input);
    // Without an indicator: exactly the schools 统计单位 counts (unit-counts.ts), no fewer.
    if (!focus && !parts[UNITS_PART]) continue;
    rows.push({
      schoolId: id,
      name: line.n,
      type: line.t,
      urbanRural: line.u,
      regionCode: r._id,
      regionName: r.name,
      formVersion: line.v,
      fields: Object.fromEntries(fieldKeys.map((k) => [k, readPath(line.d, k) ?? null])),
      values: Object.fromEntries(
        defs.map((d) => [d.key, applies(d, input) ? indicatorValue(d, parts).value : null]),
      ),
    });
  }
  rows.sort((a, b) => a.regionCode.localeCompare(b.regionCode) || a.name.localeCompare(b.name, 'zh-CN'));
  return {
    region: { code: region._id, name: region.name, level: region.level },
    period,
    category: q.category,
    indicator: focus?.key ?? null,
    columns: {
      fields: fieldKeys.map((k) => ({ key: k, label: schoolFieldLabel(k) })),
      indicators: defs.map(indicatorInfo),
    },
    rows,
    counting,
  };
}

function readPath(data: Record<string, unknown>, path: string): unknown {
  let node: unknown = data;
  for (const p of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node;
}

/** One page of the list mode: `{items, total, page, pageSize}` plus the list's columns. */
export async function statisticsSchoolPage(
  deps: StatisticsDeps,
  auth: AuthContext,
  code: string,
  q: ListQuery & { page: number; pageSize: number },
): Promise<Page<SchoolRow> & Omit<SchoolList, 'rows'>> {
  const { rows, ...rest } = await statisticsSchools(deps, auth, code, q);
  const start = (q.page - 1) * q.pageSize;
  return {
    ...rest,
    items: rows.slice(start, start + q.pageSize),
    total: rows.length,
    page: q.page,
    pageSize: q.pageSize,
  };
}
