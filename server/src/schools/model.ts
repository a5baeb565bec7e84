import mongoose, { Schema, Types } from 'mongoose';
import {
  SCHOOL_OWNERSHIPS,
  SCHOOL_STATUSES,
  SCHOOL_TYPES,
  URBAN_RURAL_TYPES,
  toApiDateTime,
  type SchoolOwnership,
  type SchoolStatus,
  type SchoolType,
  type UrbanRuralType,
  type ScopePath,
} from '@eduprogress/shared';

/** 学制 (seed 000 §2.4). */
export const SCHOOL_SYSTEMS = [
  '六三制',
  '五四制',
  '五三制',
  '九年一贯制',
  '十二年一贯制',
  '三年制',
  '四年制',
  '五年制',
  '其他',
] as const;
export type SchoolSystem = (typeof SCHOOL_SYSTEMS)[number];

/** 项目学校 (教学点数字教育资源全覆盖): the school declares, the county confirms. */
export const PROJECT_SCHOOL_STATES = ['declared', 'confirmed'] as const;
export type ProjectSchoolState = (typeof PROJECT_SCHOOL_STATES)[number];

/** Open suspected-issue rule codes: basic-info anomalies and report-info anomalies (seed 000 §4.3). */
export interface SchoolIssueFlags {
  basic: string[];
  report: string[];
}

/**
 * A transfer in progress. The school is moved first and carries this marker until every derived
 * document (users' bindings, teachers, reports) follows; re-running the transfer finishes it.
 */
export interface SchoolTransfer {
  from: string;
  fromPath: string[];
  to: string;
  toPath: string[];
  startedAt: Date;
}

export interface SchoolDoc {
  _id: Types.ObjectId;
  name: string;
  type: SchoolType;
  /** The managing region: a county, or a city/province for their direct (直管) schools. */
  regionCode: string;
  /** The school's scope: the managing region's path plus the managing region itself. */
  regionPath: ScopePath;
  status: SchoolStatus;
  ownership: SchoolOwnership;
  urbanRural: UrbanRuralType;
  /** 薄弱学校 */
  weak: boolean;
  /** First login + first report done; an initialized school can no longer be deleted. */
  initialized: boolean;
  // The fields below are optional because older and generated documents may lack them.
  /**
   * 高等学校 (seed 002 §7): `provincial` (a province's direct school, reporting in the province's window)
   * or `ministry` (部属高校). A university has its own 管理员, 审核员 and 视察员 (universities/).
   */
  higherEducation?: 'provincial' | 'ministry';
  /**
   * The province a 部属高校 stands in (its managing region is the national level; universities/service.ts):
   * where it goes back to when it stops being one.
   */
  locatedIn?: string;
  /** 学校标识码 (10 digits) from the ministry's share; unique through `school_codes` (basedata/). */
  schoolCode?: string;
  schoolSystem?: SchoolSystem;
  address?: string;
  postcode?: string;
  projectSchool?: ProjectSchoolState;
  /** Last change of the school's own data (basic info or report): the list's 最后更新时间. */
  lastUpdatedAt?: Date;
  issueFlags?: SchoolIssueFlags;
  /** Set while the school's admin account is still being created (no transactions: see service). */
  setup?: 'pendingAdmin';
  transfer?: SchoolTransfer;
  /** Users who may hold an admin binding of this school (a superset: see admins.ts). */
  adminIds?: Types.ObjectId[];
  createdAt: Date;
  updatedAt: Date;
}

const transferSchema = new Schema<SchoolTransfer>(
  {
    from: { type: String, required: true },
    fromPath: { type: [String], default: [] },
    to: { type: String, required: true },
    toPath: { type: [String], default: [] },
    startedAt: { type: Date, required: true },
  },
  { _id: false },
);

const schoolSchema = new Schema<SchoolDoc>(
  {
    name: { type: String, required: true },
    type: { type: String, enum: SCHOOL_TYPES, required: true },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], required: true },
    status: { type: String, enum: SCHOOL_STATUSES, default: '正常' },
    ownership: { type: String, enum: SCHOOL_OWNERSHIPS, default: '教育部门' },
    urbanRural: { type: String, enum: URBAN_RURAL_TYPES, default: '城区' },
    weak: { type: Boolean, default: false },
    initialized: { type: Boolean, default: false },
    schoolSystem: { type: String, enum: SCHOOL_SYSTEMS },
    schoolCode: { type: String },
    higherEducation: { type: String, enum: ['provincial', 'ministry'] },
    locatedIn: { type: String },
    address: { type: String },
    postcode: { type: String },
    projectSchool: { type: String, enum: PROJECT_SCHOOL_STATES },
    lastUpdatedAt: { type: Date },
    issueFlags: {
      type: new Schema<SchoolIssueFlags>(
        { basic: { type: [String], default: [] }, report: { type: [String], default: [] } },
        { _id: false },
      ),
      default: () => ({ basic: [], report: [] }),
    },
    setup: { type: String, enum: ['pendingAdmin'] },
    transfer: { type: transferSchema },
    adminIds: { type: [Schema.Types.ObjectId], default: undefined },
  },
  { timestamps: true, versionKey: false },
);
// A region never holds two schools of the same name (imports and transfers rely on it).
schoolSchema.index({ regionCode: 1, name: 1 }, { unique: true });
// Jurisdiction-scoped lists sorted by name: on MongoDB the first page is an index walk.
schoolSchema.index({ regionPath: 1, name: 1 });
schoolSchema.index({ schoolCode: 1 });

export const School = mongoose.model<SchoolDoc>('School', schoolSchema, 'schools');

/**
 * One batch import, written before its schools and admin accounts, so a crash at any point is finished
 * or rolled back (resumeInterruptedImports) without touching thousands of documents: `writing` (schools
 * and accounts being inserted; rolled back unless every school was written) → `indexing` (all written;
 * list rows and progress counts pending, finished forward) → `done`, or `rolledBack`.
 */
export interface SchoolImportDoc {
  _id: string;
  state: 'writing' | 'indexing' | 'done' | 'rolledBack';
  /** The schools the import writes, until it is done or rolled back. */
  schoolIds?: Types.ObjectId[];
  /** Managing regions whose progress counts already include the import's schools (`indexing`). */
  countedRegions?: string[];
  created: number;
  startedAt: Date;
  /** Wall-clock heartbeat of the importing process; a job whose beat is old is taken as interrupted. */
  beatAt?: Date;
  /** The importing process, `host:pid`: on its own host a job whose process is gone needs no wait. */
  owner?: string;
  /** Who imported, and the audit region path: a resumed import's audit entry names them. */
  actor?: Record<string, unknown>;
  auditPath?: string[];
  finishedAt?: Date;
}

const schoolImportSchema = new Schema<SchoolImportDoc>(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: ['writing', 'indexing', 'done', 'rolledBack'], required: true },
    schoolIds: { type: [Schema.Types.ObjectId], default: undefined },
    countedRegions: { type: [String], default: undefined },
    created: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    beatAt: { type: Date },
    owner: { type: String },
    actor: { type: Schema.Types.Mixed },
    auditPath: { type: [String], default: undefined },
    finishedAt: { type: Date },
  },
  { versionKey: false },
);

export const SchoolImport = mongoose.model<SchoolImportDoc>(
  'SchoolImport',
  schoolImportSchema,
  'school_imports',
);

/** The fields a client sees (and the audit trail compares). */
export function schoolView(s: SchoolDoc) {
  return {
    id: String(s._id),
    name: s.name,
    type: s.type,
    regionCode: s.regionCode,
    regionPath: s.regionPath,
    status: s.status,
    ownership: s.ownership,
    urbanRural: s.urbanRural,
    weak: s.weak,
    initialized: s.initialized,
    schoolSystem: s.schoolSystem ?? null,
    schoolCode: s.schoolCode ?? null,
    higherEducation: s.higherEducation ?? null,
    locatedIn: s.locatedIn ?? null,
    address: s.address ?? null,
    postcode: s.postcode ?? null,
    projectSchool: s.projectSchool ?? null,
    lastUpdatedAt: s.lastUpdatedAt ? toApiDateTime(s.lastUpdatedAt) : null,
    issueFlags: { basic: s.issueFlags?.basic ?? [], report: s.issueFlags?.report ?? [] },
    transferPending: Boolean(s.transfer),
    // API date-times here, not Dates: the FerretDB list index stores this view JSON-encoded.
    createdAt: s.createdAt ? toApiDateTime(s.createdAt) : undefined,
    updatedAt: s.updatedAt ? toApiDateTime(s.updatedAt) : undefined,
  };
}

export type SchoolView = ReturnType<typeof schoolView>;
