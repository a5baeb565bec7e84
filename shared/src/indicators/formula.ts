// Evaluation of the declared formulas: one unit's report data → its additive parts per category, and
// summed parts → an indicator's value. Pure; the server's rollups and the list mode both use it, so a
// figure and the schools behind it can never disagree.
import type { RegionLevel, SchoolType } from '../domain';
import { EXTRA_REQUIRED_FIELDS, INDICATORS } from './catalog';
import type { Formula, IndicatorCategory, IndicatorDef, Parts } from './types';

/** What a formula may read about one reporting unit. */
export interface UnitInput {
  kind: 'school' | 'region';
  /** The report's data as filed (any form version). */
  data: Record<string, unknown>;
  schoolType?: SchoolType;
  /** 项目学校 state of the school (`declared` | `confirmed`), if any. */
  projectSchool?: string | null;
  regionLevel?: RegionLevel;
}

/** Part keys: the numerator under the indicator's key, the denominator under `<key>~d`. */
export const DENOMINATOR_SUFFIX = '~d';
/** Units counted in a category (any of its indicators applies). */
export const UNITS_PART = '~units';

function read(data: Record<string, unknown>, path: string): unknown {
  let node: unknown = data;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const num = (v: unknown): number =>
  typeof v === 'boolean' ? Number(v) : typeof v === 'number' && Number.isFinite(v) ? v : 0;

/** The form fields a formula reads (dotted paths). */
export function formulaFields(formula: Formula | undefined): string[] {
  if (!formula) return [];
  if ('field' in formula) return [formula.field];
  if ('entries' in formula) return [formula.entries];
  if ('sum' in formula) return formula.sum.flatMap(formulaFields);
  if ('gte' in formula) return formulaFields(formula.gte[0]);
  if ('gt' in formula) return formulaFields(formula.gt[0]);
  return [];
}

const fieldsCache = new WeakMap<IndicatorDef, string[]>();

/** Fields a unit must have reported for the indicator to count it. */
export function requiredFields(def: IndicatorDef): string[] {
  let fields = fieldsCache.get(def);
  if (!fields) {
    fields = [
      ...new Set([
        ...formulaFields(def.numerator),
        ...formulaFields(def.denominator),
        ...(EXTRA_REQUIRED_FIELDS[def.key] ?? []),
      ]),
    ];
    fieldsCache.set(def, fields);
  }
  return fields;
}

const byCategory = new Map<IndicatorCategory, IndicatorDef[]>();
const defsOf = (category: IndicatorCategory) => {
  let defs = byCategory.get(category);
  if (!defs) byCategory.set(category, (defs = INDICATORS.filter((d) => d.category === category)));
  return defs;
};

/** Evaluates a scalar formula (not `entries`) over one unit. */
export function evaluate(formula: Formula, unit: UnitInput): number {
  if ('const' in formula) return formula.const;
  if ('field' in formula) return num(read(unit.data, formula.field));
  if ('attr' in formula) return Number(!!unit.projectSchool && formula.in.includes(unit.projectSchool));
  if ('sum' in formula) return formula.sum.reduce((s, e) => s + evaluate(e, unit), 0);
  if ('gte' in formula) return Number(evaluate(formula.gte[0], unit) >= formula.gte[1]);
  if ('gt' in formula) return Number(evaluate(formula.gt[0], unit) > formula.gt[1]);
  return 0;
}

/** Whether the indicator counts this unit: its source, school type or region level, and fields reported. */
export function applies(def: IndicatorDef, unit: UnitInput): boolean {
  if (def.source !== unit.kind) return false;
  if (unit.kind === 'school' && def.schoolTypes && !def.schoolTypes.includes(unit.schoolType as SchoolType))
    return false;
  if (unit.kind === 'region' && def.regionLevels && !def.regionLevels.includes(unit.regionLevel!))
    return false;
  return requiredFields(def).every((path) => {
    const v = read(unit.data, path);
    return v !== undefined && v !== null;
  });
}

// Part keys become MongoDB field names: user text (textbook editions) must not carry `.`, `$` or our separators.
const encodeKey = (s: string) =>
  s.replace(/[%.$:|~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const decodeKey = (s: string) => s.replace(/%([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

/** The `(stage, subject, edition)` entries a distribution formula lists for one unit. */
function distributionEntries(field: string, unit: UnitInput): string[][] {
  const root = read(unit.data, field);
  if (!root || typeof root !== 'object') return [];
  const out: string[][] = [];
  for (const [stage, subjects] of Object.entries(root as Record<string, unknown>)) {
    if (!subjects || typeof subjects !== 'object') continue;
    for (const [subject, editions] of Object.entries(subjects as Record<string, unknown>)) {
      if (!Array.isArray(editions)) continue;
      for (const edition of new Set(editions.filter((e): e is string => typeof e === 'string' && !!e))) {
        out.push([stage, subject, edition]);
      }
    }
  }
  return out;
}

/** The part key of one distribution entry. */
export function distributionPartKey(key: string, entry: readonly string[]): string {
  return [key, ...entry.map(encodeKey)].join(':');
}

/**
 * One unit's additive parts for one category: for every indicator that applies, the numerator (and
 * the denominator of a rate; one part per listed entry of a distribution), plus `~units`. Zeros are
 * left out. Summing these over units and dividing gives every figure of the category.
 */
export function unitParts(category: IndicatorCategory, unit: UnitInput): Parts {
  const parts: Parts = {};
  const add = (k: string, v: number) => {
    if (v) parts[k] = (parts[k] ?? 0) + v;
  };
  let counted = false;
  for (const def of defsOf(category)) {
    if (!applies(def, unit)) continue;
    counted = true;
    if (def.kind === 'distribution' && 'entries' in def.numerator) {
      const entries = distributionEntries(def.numerator.entries, unit);
      for (const e of entries) add(distributionPartKey(def.key, e), 1);
      add(def.key + DENOMINATOR_SUFFIX, 1);
      continue;
    }
    add(def.key, evaluate(def.numerator, unit));
    if (def.kind === 'rate' && def.denominator)
      add(def.key + DENOMINATOR_SUFFIX, evaluate(def.denominator, unit));
  }
  if (counted) parts[UNITS_PART] = 1;
  return parts;
}

/** Adds `b` (times `sign`) into `a`, dropping zeros; returns `a`. */
export function addParts(a: Parts, b: Parts | undefined, sign = 1): Parts {
  for (const [k, v] of Object.entries(b ?? {})) {
    const next = (a[k] ?? 0) + sign * v;
    if (next) a[k] = next;
    else delete a[k];
  }
  return a;
}

export interface IndicatorValue {
  key: string;
  /** The figure: a count, a sum, or the rate (scaled, rounded); null for a rate with no denominator. */
  value: number | null;
  numerator: number;
  /** Rates: the summed denominator. */
  denominator?: number;
  /** Distributions: one row per listed value, with its count and its share of the reporting units (%). */
  entries?: { path: string[]; count: number; share: number | null }[];
}

const round = (v: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};

/** The value of an indicator from summed parts. */
export function indicatorValue(def: IndicatorDef, parts: Parts): IndicatorValue {
  const numerator = parts[def.key] ?? 0;
  if (def.kind === 'distribution') {
    const prefix = `${def.key}:`;
    const units = parts[def.key + DENOMINATOR_SUFFIX] ?? 0;
    const entries = Object.entries(parts)
      .filter(([k, v]) => k.startsWith(prefix) && v > 0)
      .map(([k, count]) => ({
        path: k.slice(prefix.length).split(':').map(decodeKey),
        count,
        share: units ? round((count / units) * 100, 2) : null,
      }))
      .sort((a, b) => a.path.join('\u0000').localeCompare(b.path.join('\u0000')) || b.count - a.count);
    return { key: def.key, value: units, numerator: units, denominator: units, entries };
  }
  if (def.kind !== 'rate') return { key: def.key, value: numerator, numerator };
  const denominator = parts[def.key + DENOMINATOR_SUFFIX] ?? 0;
  return {
    key: def.key,
    value: denominator ? round(((def.scale ?? 100) * numerator) / denominator, def.decimals ?? 2) : null,
    numerator,
    denominator,
  };
}

/** The value as a page prints it: `85.00%`, `12.5 台/百生`, `1,204 所`; `—` when there is none. */
export function formatIndicatorValue(def: IndicatorDef, value: number | null): string {
  if (value === null) return '—';
  const n = def.kind === 'rate' ? value.toFixed(def.decimals ?? 2) : value.toLocaleString('en-US');
  return def.unit === '%' ? `${n}%` : `${n} ${def.unit}`;
}
