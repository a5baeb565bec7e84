// Storage of the teacher-training feature. Canonical: trainings, one record per (training, teacher)
// (in a collection per training and records generation), full-time teacher counts. Derived and
// rebuildable from them (see stats.ts): per training and view generation, collections of rollup pages
// and one of roster chunks. Training.recordsGen and Training.viewGen switch to new ones together.
import type { AncestorPath, ScopePath } from '@eduprogress/shared';
import mongoose, { Schema, Types } from 'mongoose';

export interface TrainingDoc {
  _id: Types.ObjectId;
  name: string;
  /** The period, Asia/Shanghai; both instants belong to it. */
  startAt: Date;
  endAt: Date;
  /** 获得学时上限: hours above it are capped; reaching it is "completed". */
  hourCap: number;
  /** The region the training is organised for (its statistics are rooted there). */
  regionCode: string;
  /** Ancestors of `regionCode` (excluding it). */
  regionPath: AncestorPath;
  createdAt: Date;
  createdBy?: Types.ObjectId;
  /** Current generation of the records (0 = none yet); see recordsCollection(). */
  recordsGen: number;
  /** Current view generation (0 = none yet); see viewCollections(). */
  viewGen: number;
  viewBuiltAt?: Date;
}

const trainingSchema = new Schema<TrainingDoc>(
  {
    name: { type: String, required: true },
    startAt: { type: Date, required: true },
    endAt: { type: Date, required: true },
    hourCap: { type: Number, required: true },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    createdBy: { type: Schema.Types.ObjectId },
    recordsGen: { type: Number, default: 0 },
    viewGen: { type: Number, default: 0 },
    viewBuiltAt: { type: Date },
  },
  { versionKey: false },
);

export const Training = mongoose.model<TrainingDoc>('Training', trainingSchema, 'trainings');

/**
 * One teacher's result in one training, `_id` = `<trainingId>:<teacherId>` (the import's idempotency
 * key). The teacher's attributes are denormalised so the record alone places it in every rollup;
 * `learned`/`completed` are 0/1 facts so counts are plain sums.
 */
export interface TrainingRecordDoc {
  _id: string;
  trainingId: Types.ObjectId;
  teacherId: Types.ObjectId;
  /** Hours earned, already capped at the training's hour cap (two decimals). */
  hours: number;
  /** 实际学习时长 in seconds. */
  studySeconds: number;
  learned: 0 | 1;
  completed: 0 | 1;
  /** 1 when the teacher's verification is approved at the time of writing. */
  verified: 0 | 1;
  /** Scope path of the teacher's managing region (down to and including it). */
  regionPath: ScopePath;
  schoolId?: Types.ObjectId;
  stage: string;
  subject: string;
  updatedAt: Date;
}

/**
 * A training's records live in a collection per generation, `training_records_<trainingId>_<gen>`.
 * An import that changes a few records updates them in place; one that changes many writes the
 * whole set as the next generation with batched inserts (updating 150,000 documents in place costs
 * one transaction each on FerretDB/SQLite, ~4 ms: ten minutes), switched together with the views.
 */
export function recordsCollection(trainingId: Types.ObjectId | string, gen: number) {
  return mongoose.connection.collection<TrainingRecordDoc>(`training_records_${String(trainingId)}_${gen}`);
}

export function recordId(trainingId: Types.ObjectId | string, teacherId: Types.ObjectId | string): string {
  return `${String(trainingId)}:${String(teacherId)}`;
}

/** A teacher's record in the training's current generation (an `_id` look-up). */
export async function findRecord(
  training: Pick<TrainingDoc, '_id' | 'recordsGen'>,
  teacherId: Types.ObjectId | string,
): Promise<TrainingRecordDoc | null> {
  if (!training.recordsGen) return null;
  return recordsCollection(training._id, training.recordsGen).findOne({
    _id: recordId(training._id, teacherId),
  });
}

/**
 * 专任教师数, the denominator of 参训率: one document per parent region (`_id` = parent code, or
 * `root` for the national row) holding its children's counts, so a statistics page needs two
 * `_id` look-ups for a region and all its children.
 */
export interface FullTimeTeacherCountDoc {
  _id: string;
  counts: Record<string, number>;
  updatedAt: Date;
}
const fullTimeSchema = new Schema<FullTimeTeacherCountDoc>(
  { _id: String, counts: { type: Schema.Types.Mixed, default: {} }, updatedAt: Date },
  { versionKey: false, minimize: false },
);
export const FullTimeTeacherCount = mongoose.model<FullTimeTeacherCountDoc>(
  'FullTimeTeacherCount',
  fullTimeSchema,
  'full_time_teacher_counts',
);

/** One writer at a time rebuilds a training's views (an import or a recount); insert-only, so atomic everywhere. */
export interface TrainingLockDoc {
  _id: string;
  kind: 'import' | 'recount';
  owner: string;
  at: Date;
}
const lockSchema = new Schema<TrainingLockDoc>(
  { _id: String, kind: String, owner: String, at: Date },
  { versionKey: false },
);
export const TrainingLock = mongoose.model<TrainingLockDoc>('TrainingLock', lockSchema, 'training_locks');

/**
 * A teacher whose attributes changed (verified, moved, re-applied) since the training's roster was
 * built: readers lay it over the roster line, the next rebuild folds it in and deletes it.
 */
export interface RosterPatchDoc {
  _id: string;
  trainingId: string;
  teacherId: string;
  account: string;
  name: string;
  region: string;
  schoolId: string;
  schoolName: string;
  stage: string;
  subject: string;
  verified: 0 | 1;
  at: Date;
}
const rosterPatchSchema = new Schema<RosterPatchDoc>(
  {
    _id: String,
    trainingId: String,
    teacherId: String,
    account: String,
    name: String,
    region: String,
    schoolId: String,
    schoolName: String,
    stage: String,
    subject: String,
    verified: Number,
    at: Date,
  },
  { versionKey: false },
);
export const RosterPatch = mongoose.model<RosterPatchDoc>(
  'TrainingRosterPatch',
  rosterPatchSchema,
  'training_roster_patches',
);

/** Rollup pages are kept apart by the filter they answer, so that the default page (no filter) is
 * found among ~100 documents instead of ~10,000 (see viewCollections). */
export const ROLLUP_KINDS = ['all', 'stage', 'subject', 'both'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

/**
 * The collections of one view generation. Writing a new generation is a few batched inserts, and
 * dropping the previous one is a single command: rewriting ~10,000 rollup documents in place would
 * cost one transaction each on FerretDB/SQLite (~3 ms), and a deleteMany over more than 32,766
 * documents fails there ("too many SQL variables"). (Unpatched FerretDB v1.24 also read the whole table
 * for every `_id` look-up; the binary we build uses the `_id` index: server/src/db/ferretdb-patches.)
 */
export function viewCollections(trainingId: Types.ObjectId | string, gen: number) {
  const suffix = `${String(trainingId)}_${gen}`;
  return {
    rollups: (kind: RollupKind) =>
      mongoose.connection.collection<RollupDoc>(`training_rollups_${suffix}_${kind}`),
    roster: mongoose.connection.collection<RosterChunkDoc>(`training_roster_${suffix}`),
  };
}

/**
 * A region's statistics page for one filter, `_id` = `<regionCode>|<stage or *>|<subject or *>`:
 * fields `<code>_<p|l|c|h><0|1>` (participants, learners, completers, hundredths of hours; unverified
 * or verified) for the region and each child, `<code>_d…` for the region's direct schools. Absent
 * fields are zero.
 */
export type RollupDoc = { _id: string } & Record<string, number | string>;

/**
 * Roster chunk: the participants managed by one region (`_id` = `<regionCode>:<n>`), one tab-separated
 * line each (see stats.ts). `_id` `meta` lists the chunks in order.
 */
export interface RosterChunkDoc {
  _id: string;
  region?: string;
  n?: number;
  data?: string;
  /** meta: "<chunkId> <lines>" per chunk, in display order. */
  chunks?: string[];
  total?: number;
  builtAt?: Date;
}
