// The school list's read model on FerretDB: one document per managing region, `_id`
// `schools:<regionCode>`, holding a compact row per school (every field the list filters or sorts on,
// plus its report state per period). A province's list is then ~100 `_id` look-ups and an in-memory
// filter instead of a scan of every school (FerretDB/SQLite scans the whole collection for any other
// query: ~0.3 ms a school, 6–10 s for a 20,000-school province). Rows are written after every school
// or report change, by the listeners `subscribeSchoolList` registers on the event bus (events.ts); a full
// rebuild (on first use, and hourly) repairs anything a crash or a failed listener left behind.
//
// Each process also keeps the decoded rows of the documents it has read, checked on every request
// against one small stamps document per province (`_id` read): every write publishes a new stamp
// there and then writes it on its region document, and rows are kept only while the two agree, so a province's list is one `_id` read plus an in-memory
// filter while nothing changed, and a change anywhere (in any instance) re-reads just that region.
import mongoose, { Schema, Types } from 'mongoose';
import { NATIONAL_CODE, type ReportState } from '@eduprogress/shared';
import type { Clock } from '../clock';
import { Region } from '../regions/model';
import { cachedDescendants } from '../regions/tree';
import { Report } from '../reports/model';
import { School, schoolView, type SchoolDoc, type SchoolView } from './model';
import { bulkWriteUpserts, isDuplicateKey } from '../db/duplicate-key';
import { onDomainEvent } from '../events';

export interface ListRow {
  id: string;
  name: string;
  type: string;
  status: string;
  ownership: string;
  urbanRural: string;
  weak: boolean;
  initialized: boolean;
  basicIssues: number;
  reportIssues: number;
  lastUpdatedAt?: Date | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  /** Report state per period name. */
  reports: Record<string, ReportState>;
  /** The list item itself (`schoolView`), so a page needs no further look-ups. */
  view: SchoolView;
}

interface IndexDoc {
  _id: string;
  regionCode: string;
  /**
   * The rows, JSON-encoded: FerretDB decodes a document field by field (~0.2 ms a row as subdocuments,
   * 4–5 s for a 20,000-school province) but a string in one go. Rows are rewritten whole; two writers
   * racing on one region may lose a row update, which the hourly rebuild restores.
   */
  rows: string;
  builtAt?: Date;
  /** New on every write; published in the province's stamps document before the write. */
  stamp?: string;
}

const indexSchema = new Schema<IndexDoc>(
  { _id: String, regionCode: String, rows: String, builtAt: Date, stamp: String },
  { versionKey: false },
);

const decode = (doc: IndexDoc | null): Record<string, ListRow> => (doc?.rows ? JSON.parse(doc.rows) : {});
export const SchoolListIndex = mongoose.model<IndexDoc>('SchoolListIndex', indexSchema, 'school_list_index');

const docId = (regionCode: string) => `schools:${regionCode}`;

// ---------------------------------------------------------------------------------------------
// Stamps and the in-process cache

/** `_id` `stamps:<first two digits of the province code>`; `s.r<regionCode>` = that region's stamp. */
interface StampsDoc {
  _id: string;
  s?: Record<string, string>;
}
const stampsOf = () => mongoose.connection.collection<StampsDoc>('school_list_stamps');
const stampsId = (regionCode: string) =>
  `stamps:${regionCode === NATIONAL_CODE ? '00' : regionCode.slice(0, 2)}`;
const newStamp = () => new Types.ObjectId().toHexString();

/** Publishes region stamps, one update per province. */
async function publishStamps(stamps: Map<string, string>): Promise<void> {
  const byGroup = new Map<string, Record<string, string>>();
  for (const [code, stamp] of stamps) {
    const set = byGroup.get(stampsId(code)) ?? {};
    set[`s.r${code}`] = stamp;
    byGroup.set(stampsId(code), set);
  }
  for (const [_id, set] of byGroup) {
    const update = () => stampsOf().updateOne({ _id }, { $set: set }, { upsert: true });
    // Two first upserts of one province race to insert: the loser updates the winner's document.
    await update().catch((err: unknown) => (isDuplicateKey(err) ? update() : Promise.reject(err)));
  }
}

async function readStamps(codes: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(codes.map(stampsId))];
  const docs = await Promise.all(ids.map((_id) => stampsOf().findOne({ _id })));
  const out = new Map<string, string>();
  for (const doc of docs)
    for (const [key, stamp] of Object.entries(doc?.s ?? {})) out.set(key.slice(1), stamp);
  return out;
}

interface CachedRows {
  stamp: string;
  rows: ListRow[];
}
/** Decoded rows by region code, least recently used first; bounded by the number of rows held. */
const cache = new Map<string, CachedRows>();
let cachedRowCount = 0;
const cacheLimit = () => Number(process.env.SCHOOL_LIST_CACHE_ROWS ?? 300_000);

function remember(code: string, entry: CachedRows): void {
  forget(code);
  cache.set(code, entry);
  cachedRowCount += entry.rows.length;
  for (const [oldest, old] of cache) {
    if (cachedRowCount <= cacheLimit() || oldest === code) break;
    cache.delete(oldest);
    cachedRowCount -= old.rows.length;
  }
}

function forget(code: string): void {
  const old = cache.get(code);
  if (!old) return;
  cache.delete(code);
  cachedRowCount -= old.rows.length;
}

/** Empties this process's cache (tests that compare with a cold read). */
export function clearSchoolListCache(): void {
  cache.clear();
  cachedRowCount = 0;
}

/**
 * One writer at a time per region document in this process: rows are rewritten whole, so two
 * overlapping read-modify-writes would lose one update. (Across instances the hourly rebuild repairs.)
 */
const writing = new Map<string, Promise<unknown>>();
function serially<T>(regionCode: string, fn: () => Promise<T>): Promise<T> {
  const previous = writing.get(regionCode) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => {});
  writing.set(regionCode, settled);
  void settled.then(() => {
    if (writing.get(regionCode) === settled) writing.delete(regionCode);
  });
  return run;
}

/** Reads a region's rows, changes them and writes them back under a new stamp, published first. */
async function updateRows(
  regionCode: string,
  change: (rows: Record<string, ListRow>) => boolean,
): Promise<void> {
  await serially(regionCode, async () => {
    const current = await SchoolListIndex.findById(docId(regionCode)).lean<IndexDoc>();
    // Never built for this region: the first list read builds it from scratch.
    if (!current) return;
    const rows = decode(current);
    if (!change(rows)) return;
    // Published first: a process holding the old rows reads the document again from now on, and
    // keeps it only once the document carries this stamp (a crash in between costs reads, not truth).
    const stamp = newStamp();
    await publishStamps(new Map([[regionCode, stamp]]));
    await SchoolListIndex.updateOne(
      { _id: docId(regionCode) },
      { $set: { rows: JSON.stringify(rows), stamp } },
    );
  });
}

function rowOf(s: SchoolDoc, reports: Record<string, ReportState> = {}): ListRow {
  return {
    id: String(s._id),
    name: s.name,
    type: s.type,
    status: s.status ?? '正常',
    ownership: s.ownership ?? '教育部门',
    urbanRural: s.urbanRural ?? '城区',
    weak: !!s.weak,
    initialized: !!s.initialized,
    basicIssues: s.issueFlags?.basic?.length ?? 0,
    reportIssues: s.issueFlags?.report?.length ?? 0,
    lastUpdatedAt: s.lastUpdatedAt ?? null,
    createdAt: s.createdAt ?? null,
    updatedAt: s.updatedAt ?? null,
    reports,
    view: schoolView(s),
  };
}

/** Re-reads the given schools and writes their rows (keeping the report states already indexed). */
async function indexSchools(ids: (Types.ObjectId | string)[]): Promise<void> {
  const schools = (await Promise.all(ids.map((id) => School.findById(id).lean<SchoolDoc>()))).filter(
    (s): s is SchoolDoc => !!s,
  );
  await indexSchoolDocs(schools);
}

/** Writes rows for schools already in memory (imports), grouped by managing region. */
async function indexSchoolDocs(schools: SchoolDoc[]): Promise<void> {
  const byRegion = new Map<string, SchoolDoc[]>();
  for (const s of schools) byRegion.set(s.regionCode, [...(byRegion.get(s.regionCode) ?? []), s]);
  for (const [regionCode, list] of byRegion) {
    await updateRows(regionCode, (rows) => {
      for (const s of list) rows[String(s._id)] = rowOf(s, rows[String(s._id)]?.reports ?? {});
      return true;
    });
  }
}

/** Removes the rows of the given schools (a rolled-back import), one write per managing region. */
async function unindexSchoolDocs(schools: Pick<SchoolDoc, '_id' | 'regionCode'>[]): Promise<void> {
  const byRegion = new Map<string, string[]>();
  for (const s of schools) byRegion.set(s.regionCode, [...(byRegion.get(s.regionCode) ?? []), String(s._id)]);
  for (const [regionCode, ids] of byRegion) {
    await updateRows(regionCode, (rows) => {
      const present = ids.filter((id) => id in rows);
      for (const id of present) delete rows[id];
      return present.length > 0;
    });
  }
}

async function unindexSchool(id: Types.ObjectId | string, regionCode: string): Promise<void> {
  await updateRows(regionCode, (rows) => delete rows[String(id)]);
}

/** Records a school report's state on its row (when the row exists; a rebuild covers the rest). */
async function indexReportState(
  school: { _id: Types.ObjectId; regionCode: string },
  period: string,
  state: ReportState,
) {
  await updateRows(school.regionCode, (rows) => {
    const row = rows[String(school._id)];
    if (!row) return false;
    row.reports = { ...row.reports, [period]: state };
    return true;
  });
}

/** Records report states of many schools of one managing region in one write (auto-submission). */
async function indexReportStates(
  regionCode: string,
  period: string,
  states: Map<string, ReportState>,
): Promise<void> {
  if (states.size === 0) return;
  await updateRows(regionCode, (rows) => {
    let changed = false;
    for (const [id, state] of states) {
      const row = rows[id];
      if (!row) continue;
      row.reports = { ...row.reports, [period]: state };
      changed = true;
    }
    return changed;
  });
}

/** Rebuilds the documents of every region under (and including) `rootCode` from the schools and reports. */
export async function rebuildSchoolIndex(
  clock: Clock,
  rootCode: string,
): Promise<{ regions: number; schools: number }> {
  const regions = await Region.find({ $or: [{ _id: rootCode }, { path: rootCode }] }, { _id: 1 }).lean<
    { _id: string }[]
  >();
  const reports = new Map<string, Record<string, ReportState>>();
  const reportCursor = Report.find(
    { unitKind: 'school', regionPath: rootCode },
    { schoolId: 1, period: 1, state: 1 },
  )
    .lean()
    .cursor();
  for await (const r of reportCursor) {
    const key = String(r.schoolId);
    reports.set(key, { ...(reports.get(key) ?? {}), [r.period]: r.state });
  }
  const docs = new Map<string, Record<string, ListRow>>(regions.map((r) => [r._id, {}]));
  let schools = 0;
  for await (const s of School.find({ regionPath: rootCode }).lean().cursor()) {
    const rows = docs.get(s.regionCode);
    if (!rows) continue;
    rows[String(s._id)] = rowOf(s as SchoolDoc, reports.get(String(s._id)) ?? {});
    schools++;
  }
  const now = clock();
  const stamps = new Map([...docs.keys()].map((code) => [code, newStamp()]));
  const ops = [...docs.entries()].map(([regionCode, rows]) => ({
    replaceOne: {
      filter: { _id: docId(regionCode) },
      replacement: { regionCode, rows: JSON.stringify(rows), builtAt: now, stamp: stamps.get(regionCode) },
      upsert: true,
    },
  }));
  await publishStamps(stamps);
  for (let i = 0; i < ops.length; i += 200) {
    await bulkWriteUpserts(SchoolListIndex.collection, ops.slice(i, i + 200));
  }
  return { regions: regions.length, schools };
}

/** The rows of the schools managed by `code` (direct) or anywhere under it; built on first use. */
export async function indexedRows(clock: Clock, code: string, direct: boolean): Promise<ListRow[]> {
  const codes = direct ? [code] : [code, ...(await cachedDescendants(code)).map((r) => r._id)];
  for (let attempt = 0; ; attempt++) {
    // What this process holds and is still current: one `_id` read per province.
    const stamps = await readStamps(codes);
    const out = new Map<string, ListRow[]>();
    for (const c of codes) {
      const hit = cache.get(c);
      if (hit && hit.stamp === stamps.get(c)) {
        remember(c, hit); // most recently used
        out.set(c, hit.rows);
      }
    }
    const missing = codes.filter((c) => !out.has(c));
    const docs = await readDocs(missing);
    if (attempt === 0 && docs.some((d) => !d?.builtAt || !d.stamp)) {
      await rebuildSchoolIndex(clock, code);
      continue;
    }
    missing.forEach((c, i) => {
      const doc = docs[i];
      const rows = Object.values(decode(doc));
      out.set(c, rows);
      // A document whose stamp is not the published one yet (a write between the two) is not kept.
      if (doc?.stamp && doc.stamp === stamps.get(c)) remember(c, { stamp: doc.stamp, rows });
      else forget(c);
    });
    return codes.flatMap((c) => out.get(c) ?? []);
  }
}

async function readDocs(codes: string[]): Promise<(IndexDoc | null)[]> {
  if (!codes.length) return [];
  // A few documents: exact `_id` look-ups. Many (a province has ~100): one pass over this small
  // collection beats a hundred round trips (measured on FerretDB/SQLite: 26 ms against 340–400 ms).
  if (codes.length <= 12)
    return Promise.all(codes.map((c) => SchoolListIndex.findById(docId(c)).lean<IndexDoc>()));
  const found = new Map(
    (await SchoolListIndex.find({ _id: { $in: codes.map(docId) } }).lean<IndexDoc[]>()).map((d) => [
      d._id,
      d,
    ]),
  );
  return codes.map((c) => found.get(docId(c)) ?? null);
}

let subscribed = false;
/**
 * Keeps the rows current from the event bus (once per process; read-models.ts): schools created,
 * changed, moved, deleted, imported, discarded or marked, and report states, one by one or in bulk.
 */
export function subscribeSchoolList(): void {
  if (subscribed) return;
  subscribed = true;
  onDomainEvent('school.changed', async (e) => {
    if (e.before && e.before.regionCode !== e.after?.regionCode)
      await unindexSchool(e.before._id, e.before.regionCode);
    if (e.after) await indexSchools([e.after._id]);
  });
  onDomainEvent('schools.imported', (e) => indexSchoolDocs(e.schools));
  onDomainEvent('schools.discarded', (e) => unindexSchoolDocs(e.schools));
  onDomainEvent('school.marked', (e) => indexSchools([e.schoolId]));
  onDomainEvent('report.changed', async (e) => {
    if (e.school) await indexReportState(e.school, e.period, e.after.state);
  });
  onDomainEvent('report.recovered', async ({ report }) => {
    if (report.unitKind === 'school' && report.schoolId)
      await indexReportState(
        { _id: report.schoolId, regionCode: report.regionCode },
        report.period,
        report.state,
      );
  });
  onDomainEvent('reports.closed', (e) => indexReportStates(e.regionCode, e.period, e.states));
}
