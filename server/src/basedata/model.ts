// Base-data sync (seed 002 §9, §10, §12): the 学校标识码 claims, and one document per uploaded share of
// the ministry's 教育基础信息数据库 holding its planned changes until they are applied.
import mongoose, { Schema, Types } from 'mongoose';

/**
 * One 学校标识码 held by one school: `_id` is the 10-digit code. A duplicate `_id` insert is the only
 * uniqueness FerretDB keeps exactly (no partial or sparse unique index for an optional field).
 */
export interface SchoolCodeDoc {
  _id: string;
  schoolId: Types.ObjectId;
}

export const SchoolCode = mongoose.model<SchoolCodeDoc>(
  'SchoolCode',
  new Schema<SchoolCodeDoc>(
    { _id: String, schoolId: { type: Schema.Types.ObjectId, required: true } },
    { versionKey: false },
  ),
  'school_codes',
);

export const SYNC_KINDS = ['schools', 'regions'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** What applying a share does to one school or region (a row that changes nothing is counted only). */
export const SYNC_ACTIONS = ['create', 'link', 'rename', 'move', 'close'] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

/**
 * One planned change. Schools: `code` is the 学校标识码, `schoolId` the school it applies to (absent for
 * a create). Regions: `code` is the region's code. `error` is set when applying it failed (e.g. a school
 * created by hand since the preview took the name).
 */
export interface SyncOp {
  action: SyncAction;
  row: number;
  code: string;
  name: string;
  schoolId?: Types.ObjectId;
  type?: string;
  regionCode?: string;
  parentCode?: string;
  status?: string;
  /** What the school or region was before (name, region code), for the preview and the audit. */
  before?: Record<string, unknown>;
  error?: string;
}

/**
 * An uploaded share: `previewed` (plan stored, nothing written) → `applying` (ops run in order, `done`
 * counting the finished ones, with a heartbeat) → `done`. A crash while applying is resumed from `done`
 * (basedata/recovery.ts); every op is idempotent, so the one the crash interrupted is simply run again.
 */
export interface SyncDoc {
  _id: string;
  kind: SyncKind;
  state: 'previewed' | 'applying' | 'done';
  ops: SyncOp[];
  unchanged: number;
  rows: number;
  done: number;
  failed: number;
  actor: Record<string, unknown>;
  createdAt: Date;
  appliedAt?: Date;
  beatAt?: Date;
  owner?: string;
  finishedAt?: Date;
}

const opSchema = new Schema<SyncOp>(
  {
    action: { type: String, enum: SYNC_ACTIONS, required: true },
    row: Number,
    code: String,
    name: String,
    schoolId: Schema.Types.ObjectId,
    type: String,
    regionCode: String,
    parentCode: String,
    status: String,
    before: Schema.Types.Mixed,
    error: String,
  },
  { _id: false },
);

export const BaseDataSync = mongoose.model<SyncDoc>(
  'BaseDataSync',
  new Schema<SyncDoc>(
    {
      _id: String,
      kind: { type: String, enum: SYNC_KINDS, required: true },
      state: { type: String, enum: ['previewed', 'applying', 'done'], required: true },
      ops: { type: [opSchema], default: [] },
      unchanged: { type: Number, default: 0 },
      rows: { type: Number, default: 0 },
      done: { type: Number, default: 0 },
      failed: { type: Number, default: 0 },
      actor: { type: Schema.Types.Mixed },
      createdAt: { type: Date, required: true },
      appliedAt: Date,
      beatAt: Date,
      owner: String,
      finishedAt: Date,
    },
    { versionKey: false },
  ),
  'basedata_syncs',
);

/**
 * Who runs a share's application: `<syncId>:apply` for the first run, `<syncId>:resume:<beat ms>` for
 * a take-over of a stale run; the duplicate `_id` insert decides exactly one runner, also on FerretDB.
 */
export const BaseDataSyncClaim = mongoose.model<{ _id: string; at: Date }>(
  'BaseDataSyncClaim',
  new Schema<{ _id: string; at: Date }>({ _id: String, at: Date }, { versionKey: false }),
  'basedata_sync_claims',
);
