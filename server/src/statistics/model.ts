// Read models of the informatization statistics (issue 13; seed 000 part 5):
//
// - `statistics_rollups`, `_id` `<period>:<regionCode>:<category>`: the additive parts (numerators,
//   denominators, sums; see shared/src/indicators) of one category over the region's subtree
//   (`rows['~total']`), its direct schools (`rows['~direct']`) and each direct child's subtree
//   (`rows[<childCode>]`), each split into cells `<school type>|<城乡类型>` (region reports: `*`), so a
//   category page with any filter is one `_id` read.
// - `statistics_units`, `_id` `<period>:<regionCode>`: the counted data of the region's direct schools,
//   one JSON line per school, for the list mode and its export (no scan of `reports`).
//
// Both are kept current on every report change (rollups.ts) and rebuilt absolutely by a recount.
import mongoose, { Schema } from 'mongoose';
import type { IndicatorCategory, Parts } from '@eduprogress/shared';

/** Cells of one row: `<type>|<urbanRural>` (or `*` for region reports) → parts. */
export type RowCells = Record<string, Parts>;

export const TOTAL_ROW = '~total';
export const DIRECT_ROW = '~direct';
/** The cell of region-report parts (no school type or 城乡类型 applies). */
export const REGION_CELL = '*';

export interface StatisticsRollupDoc {
  _id: string;
  period: string;
  regionCode: string;
  category: IndicatorCategory;
  /** The rows, encoded by `encodeRows` (one compact JSON string: see below). */
  data: string;
  /** Bumped by every write; a writer updates only the revision it read (optimistic concurrency). */
  rev: number;
  /** Set by a recount; without it (and no recount stamp above) a read starts a background build (jobs/rollup-builds.ts). */
  recountedAt?: Date;
}

const rollupSchema = new Schema<StatisticsRollupDoc>(
  {
    _id: String,
    period: String,
    regionCode: String,
    category: String,
    data: { type: String, default: '' },
    rev: { type: Number, default: 0 },
    recountedAt: Date,
  },
  { versionKey: false, minimize: false },
);
export const StatisticsRollup = mongoose.model<StatisticsRollupDoc>(
  'StatisticsRollup',
  rollupSchema,
  'statistics_rollups',
);

/**
 * Rows are stored as one JSON string `{k: [part keys], r: {row: {cell: [values by k]}}}`, not as nested
 * fields: on FerretDB/SQLite a write by `_id` parses every stored document of the collection, and nested
 * fields with their per-field type schema made a province's rollups ~10× larger (measured: a province
 * recount with nested fields did not finish in 5 minutes). The price is no `$inc`: writers
 * read-modify-write under a revision check (rollups.ts).
 */
export function encodeRows(rows: Record<string, RowCells>): string {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const r: Record<string, Record<string, number[]>> = {};
  for (const [row, cells] of Object.entries(rows)) {
    for (const [cell, parts] of Object.entries(cells)) {
      const values: number[] = [];
      for (const [k, v] of Object.entries(parts)) {
        if (!v) continue;
        let i = index.get(k);
        if (i === undefined) {
          i = keys.push(k) - 1;
          index.set(k, i);
        }
        values[i] = v;
      }
      if (values.length) (r[row] ??= {})[cell] = Array.from(values, (v) => v ?? 0);
    }
  }
  return keys.length ? JSON.stringify({ k: keys, r }) : '';
}

/** The rows of an encoded rollup (`{}` for an empty string). */
export function decodeRows(data: string | undefined): Record<string, RowCells> {
  if (!data) return {};
  const { k, r } = JSON.parse(data) as { k: string[]; r: Record<string, Record<string, number[]>> };
  const rows: Record<string, RowCells> = {};
  for (const [row, cells] of Object.entries(r)) {
    const out: RowCells = (rows[row] = {});
    for (const [cell, values] of Object.entries(cells)) {
      const parts: Record<string, number> = {};
      values.forEach((v, i) => {
        if (v) parts[k[i]] = v;
      });
      out[cell] = parts;
    }
  }
  return rows;
}

export const statisticsRollupId = (period: string, code: string, category: string) =>
  `${period}:${code}:${category}`;

/** One counted school as the list mode shows it (stored as a JSON line). */
export interface UnitLine {
  /** School name, type, 城乡类型, 项目学校 state at the time it was counted. */
  n: string;
  t: string;
  u: string;
  p?: string | null;
  /** The report's data as submitted, and its form version. */
  d: Record<string, unknown>;
  v: number;
}

export interface StatisticsUnitsDoc {
  _id: string;
  period: string;
  regionCode: string;
  /** schoolId → JSON of a UnitLine. */
  schools: Record<string, string>;
  recountedAt?: Date;
}

const unitsSchema = new Schema<StatisticsUnitsDoc>(
  {
    _id: String,
    period: String,
    regionCode: String,
    schools: { type: Schema.Types.Mixed, default: {} },
    recountedAt: Date,
  },
  { versionKey: false, minimize: false },
);
export const StatisticsUnits = mongoose.model<StatisticsUnitsDoc>(
  'StatisticsUnits',
  unitsSchema,
  'statistics_units',
);

export const statisticsUnitsId = (period: string, code: string) => `${period}:${code}`;

/**
 * A recount of `<period>:<regionCode>`'s subtree finished at `at`. Below a recounted region a missing
 * rollup or units document means "nothing counted" (recounts write only non-empty documents, which
 * keeps a national recount to the regions that have data), and a document only ever $inc'ed is current.
 */
export interface StatisticsRecountDoc {
  _id: string;
  at: Date;
}
const recountSchema = new Schema<StatisticsRecountDoc>({ _id: String, at: Date }, { versionKey: false });
export const StatisticsRecount = mongoose.model<StatisticsRecountDoc>(
  'StatisticsRecount',
  recountSchema,
  'statistics_recounts',
);
