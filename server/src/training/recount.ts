// Keeping the training read models current (see stats.ts): a single teacher's change, one writer per
// training, the full recount from the records, and 专任教师数.
import { maskMobile, toCentiHours } from '@eduprogress/shared';
import mongoose, { Types } from 'mongoose';
import type { Clock } from '../clock';
import { bulkWriteUpserts, isDuplicateKey } from '../db/duplicate-key';
import { ConflictError } from '../http/errors';
import { instanceId } from '../jobs/lease';
import { type RegionDoc } from '../regions/model';
import { School } from '../schools/model';
import { Teacher, type TeacherDoc } from '../teachers/model';
import {
  findRecord,
  FullTimeTeacherCount,
  recordId,
  recordsCollection,
  RosterPatch,
  Training,
  TrainingLock,
  viewCollections,
  type RollupDoc,
  type RollupKind,
  type TrainingDoc,
  type TrainingRecordDoc,
} from './model';
import { addLine, Cells, fieldsOf, kindOfId, UPDATE_BATCH, writeGeneration } from './rollups';
import {
  messages,
  patchesOf,
  patchFacts,
  regionIndex,
  RosterLine,
  rosterOf,
  TeacherFacts,
  withFacts,
} from './roster';

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
      await bulkWriteUpserts(rollups(kind), ops.slice(i, i + UPDATE_BATCH));
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
