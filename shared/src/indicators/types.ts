// The vocabulary of informatization indicators (数据统计, seed 000 part 5): categories with their pages,
// formulas as plain data over form fields, and what an indicator is (count, sum, rate, distribution).
import type { RegionLevel, SchoolType } from '../domain';

/** The categories of seed 000 part 5 (数据统计分为教学点、校校通、班班通、人人通、一师一课、教材几个部分). */
export type IndicatorCategory =
  'teachingPoint' | 'schoolNet' | 'classNet' | 'personalSpace' | 'lessons' | 'textbooks';

/**
 * A formula as data, evaluated by `evaluate` in `formula.ts` over one unit's report data:
 * - `{ const: n }` a number; `{ field: 'studentTerminals.tablet' }` a form field by dotted path
 *   (booleans count 1/0);
 * - `{ attr: 'projectSchool', in: [...] }` 1 when the school's attribute is one of the values;
 * - `{ sum: [...] }` the sum; `{ gte: [e, n] }` / `{ gt: [e, n] }` 1 when the comparison holds, else 0;
 * - `{ entries: 'textbooks' }` (distributions only) one count per stage/subject/edition listed.
 */
export type Formula =
  | { const: number }
  | { field: string }
  | { attr: 'projectSchool'; in: readonly string[] }
  | { sum: readonly Formula[] }
  | { gte: readonly [Formula, number] }
  | { gt: readonly [Formula, number] }
  | { entries: string };

/**
 * - `count`: how many units satisfy a 0/1 formula (e.g. schools with broadband ≥ 100M), unit 所/个;
 * - `sum`: the sum of a formula over units (e.g. computer rooms);
 * - `rate`: scale × Σ numerator ÷ Σ denominator (coverage rate in %, terminals per 100 students, an average);
 * - `distribution`: counts per listed value (textbook editions per stage and subject).
 */
export type IndicatorKind = 'count' | 'sum' | 'rate' | 'distribution';

export interface IndicatorDef {
  /** Stable key, used in rollups, URLs and exports. */
  key: string;
  /** zh-CN label as the page shows it. */
  label: string;
  category: IndicatorCategory;
  /** The page of the category (seed 000 part 5), e.g. `broadband` for 校校通-宽带接入. */
  page: string;
  kind: IndicatorKind;
  /** Whose reports it reads: school reports, or region reports (地区情况). */
  source: 'school' | 'region';
  /** Display unit: 所, 间, 台, %, 台/百生, Mbps… */
  unit: string;
  /** School types it applies to (source school); other schools are left out of numerator and denominator. */
  schoolTypes?: readonly SchoolType[];
  /** Region levels whose reports it reads (source region). */
  regionLevels?: readonly RegionLevel[];
  numerator: Formula;
  /** Rates only. */
  denominator?: Formula;
  /** Rates only: 100 for a percentage or "per 100 students", 1 for a plain ratio or average. */
  scale?: number;
  /** Decimal places of the value (rates). */
  decimals?: number;
  /** The formula in words (zh-CN), for the page's 说明. */
  description: string;
}

export interface IndicatorPage {
  key: string;
  label: string;
}

export interface CategoryDef {
  key: IndicatorCategory;
  label: string;
  pages: readonly IndicatorPage[];
}

/** One unit's additive parts for one category: `<key>` numerators, `<key>~d` denominators, `~units`. */
export type Parts = Record<string, number>;
