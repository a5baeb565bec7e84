// The training's read models, rebuilt from the records and kept current on every write:
//
// - Rollups: one document per (region, stage or *, subject or *) holding that region's statistics page:
//   participants, learners, completers and hours, split by verified/unverified, of the region, of each
//   child region and of its direct schools. A statistics page is one `_id` read.
// - Roster: every participant as one tab-separated line, in chunks per managing region. The
//   by-teacher list, its export, the school view and the import's "what was there before" read it
//   instead of scanning 150,000 records (on FerretDB/SQLite a scan decodes every field of every
//   document, ~30 s at that size).
//
// Both live in collections of a "view generation": an import or a recount writes a complete new
// generation with batched inserts, then switches Training.viewGen. A single teacher's change
// (verification, moving school) instead $inc's the current rollups and leaves a RosterPatch.
import mongoose, { Types } from 'mongoose';
import {
  maskMobile,
  NATIONAL_CODE,
  toCentiHours,
  type TrainingCounts,
  regionScope,
} from '@eduprogress/shared';
import type { Clock } from '../clock';
import { ConflictError } from '../http/errors';
import { instanceId } from '../jobs/lease';
import { Region, type RegionDoc } from '../regions/model';
import { School } from '../schools/model';
import { Teacher, type TeacherDoc } from '../teachers/model';
import {
  FullTimeTeacherCount,
  findRecord,
  recordId,
  recordsCollection,
  RosterPatch,
  Training,
  TrainingLock,
  ROLLUP_KINDS,
  viewCollections,
  type RollupDoc,
  type RollupKind,
  type RosterChunkDoc,
  type RosterPatchDoc,
  type TrainingDoc,
  type TrainingRecordDoc,
} from './model';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
  busy: '该培训正在导入或重新统计，请稍后再试',
};

// ---------------------------------------------------------------------------------------------
// Regions in memory (names, paths, children): ~3,400 rows that change only when the seed runs.

export interface RegionIndex {
  byCode: Map<string, RegionDoc>;
  children: Map<string, RegionDoc[]>;
  /** The region and its ancestors, root first. */
  pathOf(code: string): string[];
  /** "福建省/厦门市/思明区" (the national root left out). */
  pathName(code: string): string;
  within(code: string, ancestor: string): boolean;
}

let regionCache: { index: Promise<RegionIndex>; at: number } | undefined;
/** Regions added or renamed (seed 003 Q4) show within this long on every instance. */
const REGION_CACHE_MS = 10 * 60_000;
mongoose.connection.on('connected', () => {
  regionCache = undefined;
});

async function loadRegionIndex(): Promise<RegionIndex> {
  const byCode = new Map<string, RegionDoc>();
  const children = new Map<string, RegionDoc[]>();
  for (const r of await Region.find({}).sort({ _id: 1 }).lean<RegionDoc[]>()) {
    byCode.set(r._id, r);
    if (!r.parentCode) continue;
    const list = children.get(r.parentCode);
    if (list) list.push(r);
    else children.set(r.parentCode, [r]);
  }
  const paths = new Map<string, string[]>();
  const names = new Map<string, string>();
  const pathOf = (code: string) => {
    let p = paths.get(code);
    if (!p) {
      const r = byCode.get(code);
      p = r ? regionScope(r) : [code];
      paths.set(code, p);
    }
    return p;
  };
  return {
    byCode,
    children,
    pathOf,
    pathName(code) {
      let n = names.get(code);
      if (n === undefined) {
        n = pathOf(code)
          .filter((c) => c !== NATIONAL_CODE)
          .map((c) => byCode.get(c)?.name ?? c)
          .join('/');
        names.set(code, n);
      }
      return n;
    },
    within: (code, ancestor) => pathOf(code).includes(ancestor),
  };
}

export async function regionIndex(): Promise<RegionIndex> {
  if (!regionCache || Date.now() - regionCache.at > REGION_CACHE_MS) {
    const index = loadRegionIndex();
    regionCache = { index, at: Date.now() };
    index.catch(() => {
      regionCache = undefined;
    });
  }
  const index = await regionCache.index;
  if (index.byCode.size === 0) regionCache = undefined; // not seeded yet: look again next time
  return index;
}

// ---------------------------------------------------------------------------------------------
// Roster lines

export interface RosterLine {
  teacherId: string;
  /** Masked mobile, as every list shows it. */
  account: string;
  name: string;
  /** Managing region of the teacher's school (or of the teacher, with 「其他」). */
  region: string;
  schoolId: string;
  schoolName: string;
  stage: string;
  subject: string;
  verified: 0 | 1;
  centiHours: number;
  studySeconds: number;
  /** ms since epoch */
  updatedAt: number;
}

const clean = (s: string) => s.replace(/[\t\r\n]/g, ' ');

export function encodeLine(l: RosterLine): string {
  return [
    l.teacherId,
    l.account,
    clean(l.name),
    l.schoolId,
    clean(l.schoolName),
    clean(l.stage),
    clean(l.subject),
    l.verified,
    l.centiHours,
    l.studySeconds,
    l.updatedAt,
  ].join('\t');
}

export function decodeLine(region: string, text: string): RosterLine {
  const f = text.split('\t');
  return {
    teacherId: f[0],
    account: f[1],
    name: f[2],
    region,
    schoolId: f[3],
    schoolName: f[4],
    stage: f[5],
    subject: f[6],
    verified: f[7] === '1' ? 1 : 0,
    centiHours: Number(f[8]),
    studySeconds: Number(f[9]),
    updatedAt: Number(f[10]),
  };
}

/** The attributes of a teacher that place it in the statistics and the lists. */
export interface TeacherFacts {
  teacherId: string;
  account: string;
  name: string;
  region: string;
  regionPath: string[];
  schoolId: string;
  schoolName: string;
  stage: string;
  subject: string;
  verified: 0 | 1;
}

function withFacts(line: RosterLine, f: Omit<TeacherFacts, 'regionPath'>): RosterLine {
  return {
    ...line,
    account: f.account,
    name: f.name,
    region: f.region,
    schoolId: f.schoolId,
    schoolName: f.schoolName,
    stage: f.stage,
    subject: f.subject,
    verified: f.verified,
  };
}

function patchFacts(p: RosterPatchDoc): Omit<TeacherFacts, 'regionPath'> {
  return { ...p, verified: p.verified ? 1 : 0 };
}

const CHUNK_LINES = 2000;

/** Chunks in display order (regions by code, then school, then teacher), and the lines in that order. */
function chunkLines(lines: RosterLine[]): { chunks: RosterChunkDoc[]; ordered: RosterLine[] } {
  const byRegion = new Map<string, RosterLine[]>();
  for (const l of lines) {
    const list = byRegion.get(l.region);
    if (list) list.push(l);
    else byRegion.set(l.region, [l]);
  }
  const chunks: RosterChunkDoc[] = [];
  const ordered: RosterLine[] = [];
  for (const region of [...byRegion.keys()].sort()) {
    const list = byRegion
      .get(region)!
      .sort((a, b) =>
        a.schoolId === b.schoolId ? (a.teacherId < b.teacherId ? -1 : 1) : a.schoolId < b.schoolId ? -1 : 1,
      );
    for (let i = 0, n = 0; i < list.length; i += CHUNK_LINES, n++) {
      const part = list.slice(i, i + CHUNK_LINES);
      chunks.push({ _id: `${region}:${n}`, region, n: part.length, data: part.map(encodeLine).join('\n') });
    }
    for (const l of list) ordered.push(l);
  }
  return { chunks, ordered };
}

// Decoded rosters of recent generations: a generation never changes once written, so any instance
// may keep one; patches are laid over on every read.
const rosterCache = new Map<string, Promise<RosterLine[]>>();
const ROSTER_CACHE_SIZE = 2;

async function readGeneration(trainingId: string, gen: number): Promise<RosterLine[]> {
  const { roster } = viewCollections(trainingId, gen);
  const docs = new Map<string, RosterChunkDoc>();
  let order: string[] = [];
  for await (const doc of roster.find({})) {
    if (doc._id === 'meta') order = (doc.chunks ?? []).map((c) => c.split(' ')[0]);
    else docs.set(doc._id, doc);
  }
  const lines: RosterLine[] = [];
  for (const id of order) {
    const doc = docs.get(id);
    if (!doc?.data) continue;
    for (const text of doc.data.split('\n')) lines.push(decodeLine(doc.region!, text));
    docs.delete(id);
  }
  return lines;
}

function remember(key: string, lines: Promise<RosterLine[]>): void {
  rosterCache.set(key, lines);
  while (rosterCache.size > ROSTER_CACHE_SIZE) rosterCache.delete(rosterCache.keys().next().value!);
}

function cachedGeneration(trainingId: string, gen: number): Promise<RosterLine[]> {
  const key = `${trainingId}:${gen}`;
  let hit = rosterCache.get(key);
  if (hit) {
    rosterCache.delete(key);
    rosterCache.set(key, hit); // most recently used last
    return hit;
  }
  hit = readGeneration(trainingId, gen).catch((err) => {
    rosterCache.delete(key);
    throw err;
  });
  remember(key, hit);
  return hit;
}

async function patchesOf(trainingId: string): Promise<RosterPatchDoc[]> {
  return RosterPatch.find({ trainingId }).sort({ at: 1 }).lean<RosterPatchDoc[]>();
}

function overlay(lines: RosterLine[], patches: RosterPatchDoc[]): RosterLine[] {
  if (!patches.length) return lines;
  const byTeacher = new Map(patches.map((p) => [p.teacherId, p]));
  return lines.map((l) => {
    const p = byTeacher.get(l.teacherId);
    return p ? withFacts(l, patchFacts(p)) : l;
  });
}

/** Every participant of the training as it stands now (shared, read-only array). */
export async function rosterOf(training: Pick<TrainingDoc, '_id' | 'viewGen'>): Promise<RosterLine[]> {
  if (!training.viewGen) return [];
  const [lines, patches] = await Promise.all([
    cachedGeneration(String(training._id), training.viewGen),
    patchesOf(String(training._id)),
  ]);
  return overlay(lines, patches);
}

/**
 * The roster chunk by chunk, for exports, in one pass over the generation's collection (a look-up per
 * chunk would read the whole collection each time on FerretDB/SQLite). Chunks come back in the order
 * they were written, so memory holds about one chunk whatever the training's size.
 */
export async function* streamRoster(
  training: Pick<TrainingDoc, '_id' | 'viewGen'>,
  regions?: (region: string) => boolean,
): AsyncGenerator<RosterLine> {
  if (!training.viewGen) return;
  const { roster } = viewCollections(training._id, training.viewGen);
  const patches = new Map((await patchesOf(String(training._id))).map((p) => [p.teacherId, p]));
  // Patches may move a teacher into the wanted regions: then no chunk can be skipped.
  const wanted = (region: string) => !regions || patches.size > 0 || regions(region);
  let order: string[] | undefined;
  let next = 0;
  const early = new Map<string, RosterChunkDoc>();
  function* drain(): Generator<RosterLine> {
    while (order && next < order.length && early.has(order[next])) {
      const doc = early.get(order[next])!;
      early.delete(order[next++]);
      for (const text of doc.data!.split('\n')) {
        const line = decodeLine(doc.region!, text);
        const p = patches.get(line.teacherId);
        yield p ? withFacts(line, patchFacts(p)) : line;
      }
    }
  }
  // A few chunks per batch: the driver would otherwise fetch up to 16 MB of them at once.
  for await (const doc of roster.find({}, { batchSize: 4 })) {
    if (doc._id === 'meta') {
      order = (doc.chunks ?? [])
        .map((c) => c.split(' ')[0])
        .filter((id) => wanted(id.slice(0, id.lastIndexOf(':'))));
    } else if (doc.data && wanted(doc.region!)) {
      early.set(doc._id, doc);
    }
    yield* drain();
  }
  yield* drain();
}

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

function kindOfId(id: string): RollupKind {
  const [, stage, subject] = id.split('|');
  return rollupKind(stage === ALL ? undefined : stage, subject === ALL ? undefined : subject);
}

/** Per page document, per row (`<code>` or `d<code>` for direct schools): [p0 l0 c0 h0 p1 l1 c1 h1]. */
type Cells = Map<string, Map<string, Float64Array>>;

function addLine(
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

function fieldsOf(rows: Map<string, Float64Array>): Record<string, number> {
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
const UPDATE_BATCH = 500;

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

// ---------------------------------------------------------------------------------------------
// A single teacher's change

function factsOfRecord(
  rec: TrainingRecordDoc,
): Pick<RosterLine, 'region' | 'schoolId' | 'stage' | 'subject' | 'verified'> {
  return {
    region: rec.regionPath[rec.regionPath.length - 1],
    schoolId: rec.schoolId ? String(rec.schoolId) : '',
    stage: rec.stage,
    subject: rec.subject,
    verified: rec.verified,
  };
}

/**
 * A teacher's attributes changed (verification, school, stage…): every training it takes part in
 * follows at once — the record, the rollups ($inc of the difference) and a roster patch.
 */
export async function syncTeacherTrainings(
  clock: Clock,
  before: TeacherFacts,
  after: TeacherFacts,
): Promise<void> {
  const same = (Object.keys(after) as (keyof TeacherFacts)[]).every(
    (k) => JSON.stringify(before[k]) === JSON.stringify(after[k]),
  );
  if (same) return;
  const regions = await regionIndex();
  const projection = { hourCap: 1, regionCode: 1, viewGen: 1, recordsGen: 1 };
  for (const training of await Training.find({}, projection).lean<TrainingDoc[]>()) {
    const rec = await findRecord(training, after.teacherId);
    if (!rec) continue;
    const set: Record<string, unknown> = {
      verified: after.verified,
      regionPath: after.regionPath,
      stage: after.stage,
      subject: after.subject,
    };
    if (after.schoolId) set.schoolId = new Types.ObjectId(after.schoolId);
    await recordsCollection(training._id, training.recordsGen).updateOne(
      { _id: rec._id },
      after.schoolId ? { $set: set } : { $set: set, $unset: { schoolId: 1 } },
    );
    if (training.viewGen) {
      const values = {
        teacherId: after.teacherId,
        account: after.account,
        name: after.name,
        schoolName: after.schoolName,
        centiHours: toCentiHours(rec.hours),
        studySeconds: rec.studySeconds,
        updatedAt: rec.updatedAt.getTime(),
      };
      const cells: Cells = new Map();
      const cap = toCentiHours(training.hourCap);
      addLine(cells, { ...values, ...factsOfRecord(rec) }, cap, training.regionCode, regions, -1);
      addLine(cells, { ...values, ...after }, cap, training.regionCode, regions, 1);
      await incrementRollups(training, cells);
    }
    const { regionPath: _path, ...facts } = after;
    await RosterPatch.replaceOne(
      { _id: recordId(training._id, after.teacherId) },
      {
        _id: recordId(training._id, after.teacherId),
        trainingId: String(training._id),
        ...facts,
        at: clock(),
      },
      { upsert: true },
    );
  }
}

async function incrementRollups(training: Pick<TrainingDoc, '_id' | 'viewGen'>, cells: Cells): Promise<void> {
  const { rollups } = viewCollections(training._id, training.viewGen);
  type Op = mongoose.mongo.AnyBulkWriteOperation<RollupDoc>;
  const byKind = new Map<RollupKind, Op[]>();
  for (const [id, rows] of cells) {
    const inc = fieldsOf(rows);
    if (!Object.keys(inc).length) continue;
    const ops = byKind.get(kindOfId(id)) ?? byKind.set(kindOfId(id), []).get(kindOfId(id))!;
    ops.push({
      updateOne: {
        filter: { _id: id },
        update: { $inc: inc } as mongoose.mongo.UpdateFilter<RollupDoc>,
        upsert: true,
      },
    });
  }
  for (const [kind, ops] of byKind) {
    for (let i = 0; i < ops.length; i += UPDATE_BATCH) {
      await rollups(kind).bulkWrite(ops.slice(i, i + UPDATE_BATCH), { ordered: false });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One writer per training

const STALE_LOCK_MS = 30 * 60_000;

/** Takes the training's writer lock (insert-only, so atomic on every backend); 409 while another holds it. */
export async function lockTraining(
  clock: Clock,
  trainingId: string,
  kind: 'import' | 'recount',
): Promise<() => Promise<void>> {
  const owner = `${instanceId}:${new Types.ObjectId().toHexString()}`;
  const take = () => TrainingLock.create({ _id: trainingId, kind, owner, at: clock() });
  try {
    await take();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const held = await TrainingLock.findById(trainingId).lean();
    if (held && clock().getTime() - held.at.getTime() < STALE_LOCK_MS) {
      throw new ConflictError(messages.busy, 'TRAINING_BUSY', { kind: held.kind, since: held.at });
    }
    // The holder died: remove its lock (only that one) and race for a fresh one.
    if (held) await TrainingLock.deleteOne({ _id: trainingId, owner: held.owner });
    try {
      await take();
    } catch (again) {
      if (isDuplicateKey(again)) throw new ConflictError(messages.busy, 'TRAINING_BUSY');
      throw again;
    }
  }
  return async () => {
    await TrainingLock.deleteOne({ _id: trainingId, owner });
  };
}

/**
 * Patches written while a rebuild ran (a verification during an import) are folded into the lines,
 * and the generation rewritten until none is left; folded patches are then deleted.
 */
export async function settleGeneration(
  clock: Clock,
  trainingId: Types.ObjectId,
  lines: RosterLine[],
  snapshotAt: Date,
): Promise<void> {
  let since = snapshotAt;
  for (let round = 0; round < 3; round++) {
    const fresh = (await patchesOf(String(trainingId))).filter((p) => p.at > since);
    if (!fresh.length) break;
    const byTeacher = new Map(fresh.map((p) => [p.teacherId, p]));
    // The rebuild may have written these teachers' records from older facts: the patch wins.
    const regions = await regionIndex();
    const current = await Training.findById(trainingId).lean<TrainingDoc>();
    for (const p of current?.recordsGen ? fresh : []) {
      const set: Record<string, unknown> = {
        verified: p.verified ? 1 : 0,
        regionPath: regions.pathOf(p.region),
        stage: p.stage,
        subject: p.subject,
      };
      if (p.schoolId) set.schoolId = new Types.ObjectId(p.schoolId);
      await recordsCollection(trainingId, current!.recordsGen).updateOne(
        { _id: p._id },
        p.schoolId ? { $set: set } : { $set: set, $unset: { schoolId: 1 } },
      );
    }
    for (let i = 0; i < lines.length; i++) {
      const p = byTeacher.get(lines[i].teacherId);
      if (p) lines[i] = withFacts(lines[i], patchFacts(p));
    }
    since = fresh[fresh.length - 1].at;
    const training = await Training.findById(trainingId).lean<TrainingDoc>();
    if (training) await writeGeneration(clock, training, lines);
  }
  await RosterPatch.deleteMany({ trainingId: String(trainingId), at: { $lte: since } });
}

// ---------------------------------------------------------------------------------------------
// Recount: the rollups and the roster rebuilt from the records

export interface RecountResult {
  trainingId: string;
  records: number;
  factsFixed: number;
  gen: number;
  elapsedMs: number;
}

/**
 * Rebuilds the training's rollups and roster from its records (a full read of the records: the
 * nightly reconcile, and what repairs rollups after a crash or by hand).
 */
export async function recountTraining(
  clock: Clock,
  trainingId: Types.ObjectId | string,
): Promise<RecountResult> {
  const started = performance.now();
  const release = await lockTraining(clock, String(trainingId), 'recount');
  try {
    const training = await Training.findById(trainingId).lean<TrainingDoc>();
    if (!training) throw new Error(`training ${String(trainingId)} vanished`);
    const snapshotAt = clock();
    const current = new Map((await rosterOf(training)).map((l) => [l.teacherId, l]));
    const cap = toCentiHours(training.hourCap);
    const lines: RosterLine[] = [];
    const missing: RosterLine[] = [];
    let factsFixed = 0;
    const records = recordsCollection(training._id, training.recordsGen);
    for await (const rec of training.recordsGen ? records.find({}) : []) {
      const centiHours = toCentiHours(rec.hours);
      const learned = centiHours > 0 ? 1 : 0;
      const completed = centiHours >= cap ? 1 : 0;
      if (rec.learned !== learned || rec.completed !== completed) {
        await records.updateOne({ _id: rec._id }, { $set: { learned, completed } });
        factsFixed++;
      }
      const known = current.get(String(rec.teacherId));
      const line: RosterLine = {
        teacherId: String(rec.teacherId),
        account: known?.account ?? '',
        name: known?.name ?? '',
        schoolName: known?.schoolName ?? '',
        ...factsOfRecord(rec),
        centiHours,
        studySeconds: rec.studySeconds ?? 0,
        updatedAt: new Date(rec.updatedAt).getTime(),
      };
      if (!known) missing.push(line);
      lines.push(line);
    }
    await fillNames(missing);
    const gen = await writeGeneration(clock, training, lines);
    // Records already carry what the patches said (syncTeacherTrainings writes the record first).
    await settleGeneration(clock, training._id, lines, snapshotAt);
    return {
      trainingId: String(training._id),
      records: lines.length,
      factsFixed,
      gen,
      elapsedMs: performance.now() - started,
    };
  } finally {
    await release();
  }
}

/** Names, accounts and school names for lines the roster did not know (a lost generation). */
async function fillNames(lines: RosterLine[]): Promise<void> {
  const schools = new Map<string, string>();
  for (const line of lines) {
    const t = await Teacher.findById(line.teacherId, { name: 1, mobile: 1 }).lean<TeacherDoc>();
    line.name = t?.name ?? '';
    line.account = maskMobile(t?.mobile) ?? '';
    if (line.schoolId && !schools.has(line.schoolId)) {
      schools.set(line.schoolId, (await School.findById(line.schoolId, { name: 1 }).lean())?.name ?? '');
    }
    line.schoolName = schools.get(line.schoolId) ?? '';
  }
}

/** The scheduled reconcile: every training recounted (those busy right now are left for next time). */
export async function recountAllTrainings(
  clock: Clock,
): Promise<{ recounted: RecountResult[]; busy: string[] }> {
  const recounted: RecountResult[] = [];
  const busy: string[] = [];
  for (const t of await Training.find({}, { _id: 1 }).lean<Pick<TrainingDoc, '_id'>[]>()) {
    try {
      recounted.push(await recountTraining(clock, t._id));
    } catch (err) {
      if (err instanceof ConflictError) busy.push(String(t._id));
      else throw err;
    }
  }
  return { recounted, busy };
}

// ---------------------------------------------------------------------------------------------
// 专任教师数

const parentKey = (r: Pick<RegionDoc, 'parentCode'>) => r.parentCode ?? 'root';

/** Full-time teacher counts of a region and of its children (two `_id` look-ups). */
export async function fullTimeCounts(
  region: Pick<RegionDoc, '_id' | 'parentCode'>,
): Promise<{ own: number | null; children: Map<string, number> }> {
  const [up, down] = await Promise.all([
    FullTimeTeacherCount.findById(parentKey(region)).lean(),
    FullTimeTeacherCount.findById(region._id).lean(),
  ]);
  const own = up?.counts?.[region._id];
  return {
    own: typeof own === 'number' ? own : null,
    children: new Map(Object.entries(down?.counts ?? {}).filter(([, n]) => typeof n === 'number')),
  };
}

/** Sets counts (null removes one), grouped into one `$set`/`$unset` per parent region. */
export async function setFullTimeCounts(
  clock: Clock,
  entries: { region: Pick<RegionDoc, '_id' | 'parentCode'>; count: number | null }[],
): Promise<void> {
  const byParent = new Map<string, { set: Record<string, number>; unset: Record<string, 1> }>();
  for (const { region, count } of entries) {
    const key = parentKey(region);
    const group = byParent.get(key) ?? { set: {}, unset: {} };
    if (count === null) group.unset[`counts.${region._id}`] = 1;
    else group.set[`counts.${region._id}`] = count;
    byParent.set(key, group);
  }
  for (const [key, { set, unset }] of byParent) {
    const update: Record<string, unknown> = { $set: { ...set, updatedAt: clock() } };
    if (Object.keys(unset).length) update.$unset = unset;
    await FullTimeTeacherCount.updateOne({ _id: key }, update, { upsert: true });
  }
}
