// The training roster (split from stats.ts, whose header explains the read models): the region tree in
// memory and the roster lines, one tab-separated line per participant, in chunks per managing region.
import { NATIONAL_CODE, regionScope } from '@eduprogress/shared';
import mongoose from 'mongoose';
import { Region, type RegionDoc } from '../regions/model';
import {
  RosterPatch,
  viewCollections,
  type RosterChunkDoc,
  type RosterPatchDoc,
  type TrainingDoc,
} from './model';

export const messages = {
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

export function withFacts(line: RosterLine, f: Omit<TeacherFacts, 'regionPath'>): RosterLine {
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

export function patchFacts(p: RosterPatchDoc): Omit<TeacherFacts, 'regionPath'> {
  return { ...p, verified: p.verified ? 1 : 0 };
}

const CHUNK_LINES = 2000;

/** Chunks in display order (regions by code, then school, then teacher), and the lines in that order. */
export function chunkLines(lines: RosterLine[]): { chunks: RosterChunkDoc[]; ordered: RosterLine[] } {
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

export function remember(key: string, lines: Promise<RosterLine[]>): void {
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

export async function patchesOf(trainingId: string): Promise<RosterPatchDoc[]> {
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
