// How the 数据统计 pages say what their numbers count, so a region admin can reconcile them with the
// home page and the list mode (issue 13, newcomer finding), and the short period labels of the trend
// axis. Pure helpers, used by the mini-program and the server's export alike. The home page's 应报/已报
// counts schools (reports/progress.ts `Counts.units`: every school in scope), region reports not.
import { SCHOOL_TYPES } from './domain';
import { periodLabel } from './labels';

const messages = {
  units: (schools: number, regionReports: number | null) =>
    `统计学校 ${schools} 所${regionReports === null ? '' : ` · 地区报表 ${regionReports} 份`}`,
  allButInstitutions: '除机构外的各类学校',
  note: (category: string, types: string, regionReports: boolean) =>
    `只计本期已上报、且填报了${category}指标所需数据的学校（适用：${types}）` +
    (regionReports ? '；地区报表（地区情况）另计，只用于按地区统计的指标' : '') +
    '。首页的“应报/已报”按学校计（应报是全部学校，已报含机构和未填这些数据的学校），不含地区报表，所以与这里不同；' +
    '“学校明细”列出的正是这里统计的学校。',
  listTitle: (region: string, period: string, category: string, total: number) =>
    `${region} · ${periodLabel(period)} · ${category} · 共 ${total} 所`,
  listFile: (region: string, period: string, category: string) =>
    `${region}-${periodLabel(period)}-${category}-学校明细.xlsx`,
  formVersion: (v: number) => `第${v}版`,
  listNote: (indicator: string | null, hit: boolean) =>
    indicator
      ? hit
        ? `计入“${indicator}”分子的学校`
        : `“${indicator}”适用的已上报学校`
      : '已上报、计入统计单位的学校（与统计页的“统计学校”数一致）',
};

/** `统计学校 128 所 · 地区报表 14 份`; the region part only for a category with region indicators. */
export function statisticsUnitsLabel(
  c: { schools: number; regionReports: number },
  withRegions: boolean,
): string {
  return messages.units(c.schools, withRegions ? c.regionReports : null);
}

/**
 * What 统计单位 holds and excludes, for one category: `category` its zh-CN label, `schoolTypes` the types
 * its school indicators apply to (GET /regions/{code}/statistics `category.schoolTypes`), `regionReports`
 * whether it has region-report indicators.
 */
export function statisticsUnitsNote(
  category: string,
  schoolTypes: readonly string[],
  regionReports: boolean,
) {
  const allButInstitutions = schoolTypes.length === SCHOOL_TYPES.length - 1 && !schoolTypes.includes('机构');
  return messages.note(
    category,
    allButInstitutions ? messages.allButInstitutions : schoolTypes.join('、'),
    regionReports,
  );
}

/** The list mode's header: `福州市 · 2026年第3季度 · 校校通 · 共 128 所`. */
export function schoolListTitle(region: string, period: string, category: string, total: number): string {
  return messages.listTitle(region, period, category, total);
}

/** The list mode's XLSX file name: `福州市-2026年第3季度-校校通-学校明细.xlsx` (app and server alike). */
export function schoolListFileName(region: string, period: string, category: string): string {
  return messages.listFile(region, period, category);
}

/** The form version a report was filed under, as users read it: `1` → `第1版`. */
export function formVersionLabel(version: number): string {
  return messages.formVersion(version);
}

/** Which schools the list mode shows: all counted, those an indicator applies to, or its numerator's. */
export function schoolListNote(indicator: string | null, hit: boolean): string {
  return messages.listNote(indicator, hit);
}

/**
 * A period as a chart axis reads it, short enough for 8 labels on a phone: `2026Q3` → `26年3季`,
 * `2026-11` → `26年11月`; anything else unchanged.
 */
export function periodShortLabel(name: string): string {
  const q = /^\d{2}(\d{2})Q([1-4])$/.exec(name);
  if (q) return `${q[1]}年${q[2]}季`;
  const m = /^\d{2}(\d{2})-(\d{2})$/.exec(name);
  return m ? `${m[1]}年${Number(m[2])}月` : name;
}
