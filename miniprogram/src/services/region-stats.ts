// Requests and shapes of the statistics pages (issue 13; server/src/statistics/): a category page by
// region, chart data, and the schools behind a figure (list mode).
import { parsePeriod, previousPeriod } from '@eduprogress/shared';
import { request } from './request';

export interface IndicatorInfo {
  key: string;
  label: string;
  page: string;
  kind: 'count' | 'sum' | 'rate' | 'distribution';
  source: 'school' | 'region';
  unit: string;
  description: string;
  filterable: boolean;
}

export interface CellValue {
  value: number | null;
  numerator: number;
  denominator?: number;
  display: string;
  entries?: { path: string[]; count: number; share: number | null }[];
}

export interface StatsRow {
  code: string;
  name: string;
  level: string;
  direct?: boolean;
  /** Counted units: schools + regionReports (server/src/statistics/unit-counts.ts). */
  units: number;
  schools: number;
  regionReports: number;
  values: Record<string, CellValue>;
}

export interface RegionStatistics {
  region: { code: string; name: string; level: string };
  breadcrumb: { code: string; name: string; level: string }[];
  period: string;
  category: {
    key: string;
    label: string;
    pages: { key: string; label: string }[];
    /** The school types its school indicators apply to; whether it has region-report indicators. */
    schoolTypes: string[];
    regionReports: boolean;
  };
  indicators: IndicatorInfo[];
  total: StatsRow;
  children: StatsRow[];
}

export interface ChartData {
  indicator: IndicatorInfo;
  bars: { code: string; name: string; direct: boolean; value: number | null }[];
  trend: { period: string; value: number | null }[];
}

/** Filters every statistics request carries ('' = all). */
export interface StatsFilters {
  schoolType: string;
  urbanRural: string;
  period: string;
}

const clean = (f: StatsFilters) => ({
  schoolType: f.schoolType || undefined,
  urbanRural: f.urbanRural || undefined,
  period: f.period || undefined,
});

export function fetchStatistics(code: string, category: string, page: string, f: StatsFilters) {
  return request<RegionStatistics>(`/regions/${code}/statistics`, {
    silent: true,
    query: { category, page: page || undefined, ...clean(f) },
  });
}

export function fetchChart(code: string, indicator: string, f: StatsFilters) {
  return request<ChartData>(`/regions/${code}/statistics/chart`, {
    silent: true,
    query: { indicator, ...clean(f) },
  });
}

export interface SchoolListQuery extends StatsFilters {
  region: string;
  category: string;
  indicator: string;
  direct: boolean;
  hit: boolean;
}

export interface SchoolListPage {
  region: { code: string; name: string };
  period: string;
  category: string;
  indicator: string | null;
  columns: { fields: { key: string; label: string }[]; indicators: IndicatorInfo[] };
  items: {
    schoolId: string;
    name: string;
    type: string;
    urbanRural: string;
    regionName: string;
    fields: Record<string, unknown>;
    values: Record<string, number | null>;
  }[];
  total: number;
  page: number;
  pageSize: number;
}

/** The list-mode query as URL parameters (and back), so the list page can be opened from anywhere. */
export function listQuery(q: SchoolListQuery): Record<string, string | number | boolean | undefined> {
  return {
    category: q.category,
    indicator: q.indicator || undefined,
    direct: q.direct || undefined,
    hit: q.hit || undefined,
    ...clean(q),
  };
}

export function fetchSchoolPage(q: SchoolListQuery, page: number, pageSize = 20) {
  return request<SchoolListPage>(`/regions/${q.region}/statistics/schools`, {
    silent: true,
    query: { ...listQuery(q), page, pageSize },
  });
}

/** The period and the 7 before it, newest first (the trend's periods, offered by the period picker). */
export function recentPeriods(current: string, count = 8): string[] {
  const out: string[] = [];
  for (let p = parsePeriod(current), i = 0; i < count; i++, p = previousPeriod(p)) out.push(p.name);
  return out;
}
