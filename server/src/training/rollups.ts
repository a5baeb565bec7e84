// The training rollups (see stats.ts): one document per (region, stage or *, subject or *), and writing a
// complete view generation of rollups and roster.
import { toCentiHours, type TrainingCounts } from '@eduprogress/shared';
import mongoose from 'mongoose';
import type { Clock } from '../clock';
import {
  ROLLUP_KINDS,
  Training,
  viewCollections,
  type RollupDoc,
  type RollupKind,
  type TrainingDoc,
} from './model';
import { chunkLines, RegionIndex, regionIndex, remember, RosterLine } from './roster';

// ---------------------------------------------------------------------------------------------
// Rollup cells
//
// One document per (region, stage or *, subject or *) holds exactly what that region's statistics
// page shows: the region's own row, one row per child region and the row of its direct schools, as
// flat fields `<code>_<measure><verified>` (direct: `<code>_d…`). A page is a single `_id` read; a
// teacher's line touches, per filter key, the pages of the regions on its path (own row there and
// child row in the parent's page).

const MEASURES = ['p', 'l', 'c', 'h'] as const;

export const ALL = '*';
const keyPart = (s: string) => (s === ALL ? '＊' : s.replace(/\|/g, '｜'));

export function rollupId(region: string, stage: string | undefined, subject: string | undefined): string {
  return `${region}|${stage ? keyPart(stage) : ALL}|${subject ? keyPart(subject) : ALL}`;
}

export function rollupKind(stage: string | undefined, subject: string | undefined): RollupKind {
  return stage ? (subject ? 'both' : 'stage') : subject ? 'subject' : 'all';
}

export function kindOfId(id: string): RollupKind {
  const [, stage, subject] = id.split('|');
  return rollupKind(stage === ALL ? undefined : stage, subject === ALL ? undefined : subject);
}

/** Per page document, per row (`<code>` or `d<code>` for direct schools): [p0 l0 c0 h0 p1 l1 c1 h1]. */
export type Cells = Map<string, Map<string, Float64Array>>;

export function addLine(
  cells: Cells,
  line: RosterLine,
  capCenti: number,
  scope: string,
  regions: RegionIndex,
  sign: 1 | -1,
) {
  const path = regions.pathOf(line.region);
  const from = path.indexOf(scope);
  if (from < 0) return; // outside the training's region: in no row of it
  const base = line.verified ? 4 : 0;
  const values = [1, line.centiHours > 0 ? 1 : 0, line.centiHours >= capCenti ? 1 : 0, line.centiHours];
  const keys = [
    [line.stage, line.subject],
    [line.stage, undefined],
    [undefined, line.subject],
    [undefined, undefined],
  ] as const;
  const bump = (page: string, row: string) => {
    let rows = cells.get(page);
    if (!rows) cells.set(page, (rows = new Map()));
    let v = rows.get(row);
    if (!v) rows.set(row, (v = new Float64Array(8)));
    for (let m = 0; m < 4; m++) v[base + m] += sign * values[m];
  };
  for (const [stage, subject] of keys) {
    for (let i = from; i < path.length; i++) {
      bump(rollupId(path[i], stage, subject), path[i]);
      if (i > from) bump(rollupId(path[i - 1], stage, subject), path[i]);
    }
    bump(rollupId(line.region, stage, subject), `d${line.region}`);
  }
}

export function fieldsOf(rows: Map<string, Float64Array>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [row, v] of rows) {
    const direct = row.startsWith('d');
    const code = direct ? row.slice(1) : row;
    v.forEach((n, i) => {
      if (n !== 0) out[`${code}_${direct ? 'd' : ''}${MEASURES[i % 4]}${i < 4 ? 0 : 1}`] = n;
    });
  }
  return out;
}

/** One row of a page document, verified teachers only or everyone. */
export function countsOf(
  doc: RollupDoc | null,
  code: string,
  includeUnverified: boolean,
  direct = false,
): TrainingCounts {
  const d = (doc ?? {}) as Record<string, number | undefined>;
  const prefix = `${code}_${direct ? 'd' : ''}`;
  const pick = (m: string) =>
    (d[`${prefix}${m}1`] ?? 0) + (includeUnverified ? (d[`${prefix}${m}0`] ?? 0) : 0);
  return { participants: pick('p'), learners: pick('l'), completers: pick('c'), centiHours: pick('h') };
}

/** The page document of a region for a filter (null when nobody is in it). */
export async function readRollup(
  training: Pick<TrainingDoc, '_id' | 'viewGen'>,
  id: string,
): Promise<RollupDoc | null> {
  if (!training.viewGen) return null;
  const { rollups } = viewCollections(training._id, training.viewGen);
  return rollups(kindOfId(id)).findOne({ _id: id }) as Promise<RollupDoc | null>;
}

// ---------------------------------------------------------------------------------------------
// Writing a generation

/** Statements per bulk write. (Batches were once kept at 40: unpatched FerretDB hung for good on an
 * update command of 100 or more matched statements; see server/src/db/ferretdb-patches.) */
export const UPDATE_BATCH = 500;

async function bulkInsert<T extends { _id: string }>(
  collection: mongoose.mongo.Collection<T>,
  docs: T[],
  batch = 5000,
): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) {
    await collection.insertMany(docs.slice(i, i + batch) as any, { ordered: false });
  }
}

/**
 * Writes the roster and rollups of `lines` as the training's next generation, switches to it and
 * drops generations older than the previous one (kept for readers still on it).
 */
export async function writeGeneration(
  clock: Clock,
  training: Pick<TrainingDoc, '_id' | 'viewGen' | 'recordsGen' | 'hourCap' | 'regionCode'>,
  lines: RosterLine[],
  /** A records generation written for these lines, switched to together with the views. */
  recordsGen = training.recordsGen,
): Promise<number> {
  const regions = await regionIndex();
  const gen = training.viewGen + 1;
  const { rollups, roster } = viewCollections(training._id, gen);
  // A run that died half-way may have left this generation behind.
  await Promise.all([roster, ...ROLLUP_KINDS.map(rollups)].map((c) => c.drop().catch(() => {})));

  const { chunks, ordered } = chunkLines(lines);
  // meta first: a one-pass reader then meets the chunks in the order it needs them.
  await roster.insertOne({
    _id: 'meta',
    chunks: chunks.map((c) => `${c._id} ${c.n}`),
    total: lines.length,
    builtAt: clock(),
  });
  await bulkInsert(roster, chunks, 50);

  const cells: Cells = new Map();
  const cap = toCentiHours(training.hourCap);
  for (const line of lines) addLine(cells, line, cap, training.regionCode, regions, 1);
  const pages = new Map<RollupKind, RollupDoc[]>(ROLLUP_KINDS.map((k) => [k, []]));
  for (const [id, rows] of cells) pages.get(kindOfId(id))!.push({ _id: id, ...fieldsOf(rows) } as RollupDoc);
  for (const kind of ROLLUP_KINDS) {
    // A kind without pages gets no collection: reading it is then a plain miss.
    if (pages.get(kind)!.length) await bulkInsert(rollups(kind), pages.get(kind)!, 2000);
  }

  // The writer has the generation decoded already: readers on this instance start warm.
  remember(`${String(training._id)}:${gen}`, Promise.resolve(ordered));
  await Training.updateOne(
    { _id: training._id },
    { $set: { viewGen: gen, recordsGen, viewBuiltAt: clock() } },
  );
  await dropOldGenerations(String(training._id), gen, recordsGen);
  return gen;
}

/** Drops the generations before the previous one (readers that started on it may still be reading). */
async function dropOldGenerations(trainingId: string, viewGen: number, recordsGen: number): Promise<void> {
  const db = mongoose.connection.db!;
  const pattern = new RegExp(`^training_(rollups|roster|records)_${trainingId}_(\\d+)(_[a-z]+)?$`);
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const m = pattern.exec(c.name);
    if (m && Number(m[2]) < (m[1] === 'records' ? recordsGen : viewGen) - 1) {
      await db.dropCollection(c.name).catch(() => {});
    }
  }
}
