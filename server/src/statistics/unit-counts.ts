// What 统计单位 counts, split so a region admin can reconcile it with the other pages (issue 13,
// newcomer finding): a category's figures sum the SUBMITTED reports for which at least one of its
// indicators applies — school reports of the school types the category's school indicators name, with
// the fields they read, and region reports (地区情况) for its region indicators. The home page's
// 应报/已报 counts every reporting unit instead (all schools, 机构 included, and the region reports), and
// the list mode lists exactly the schools counted here.
import {
  INDICATORS,
  SCHOOL_TYPES,
  UNITS_PART,
  type IndicatorCategory,
  type IndicatorDef,
  type IndicatorValue,
  type Parts,
  type SchoolType,
} from '@eduprogress/shared';
import { REGION_CELL, type RowCells } from './model';

/** The counted units of one row: `units` = `schools` (school reports) + `regionReports` (地区情况). */
export interface UnitCounts {
  units: number;
  schools: number;
  regionReports: number;
}

/**
 * Splits a row's `~units` (of the filtered sum `parts`) into school and region reports; the region
 * cell (`*`) passes every filter, so it is read from the row's `cells` as stored.
 */
export function unitCounts(parts: Readonly<Parts>, cells: RowCells | undefined): UnitCounts {
  const units = parts[UNITS_PART] ?? 0;
  const regionReports = cells?.[REGION_CELL]?.[UNITS_PART] ?? 0;
  return { units, schools: units - regionReports, regionReports };
}

/**
 * The school types a category's school indicators apply to (SCHOOL_TYPES order), and whether it has
 * region-report indicators: what 统计单位 can hold, for the page's explanation.
 */
export function categoryScope(category: IndicatorCategory): {
  schoolTypes: SchoolType[];
  regionReports: boolean;
} {
  const defs = INDICATORS.filter((d) => d.category === category);
  const types = new Set(
    defs.filter((d) => d.source === 'school').flatMap((d) => d.schoolTypes ?? SCHOOL_TYPES),
  );
  return {
    schoolTypes: SCHOOL_TYPES.filter((t) => types.has(t)),
    regionReports: defs.some((d) => d.source === 'region'),
  };
}

/**
 * A trend point: the indicator's value, or `null` when the period holds no submitted report the
 * indicator could count (no school report for a school indicator, no region report for a region one):
 * "no data" is a gap in the line, not a 0.
 */
export function trendValue(def: IndicatorDef, value: IndicatorValue, counts: UnitCounts): IndicatorValue {
  const n = def.source === 'region' ? counts.regionReports : counts.schools;
  return n ? value : { ...value, value: null };
}
