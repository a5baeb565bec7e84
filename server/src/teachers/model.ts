import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema, Types } from 'mongoose';
import {
  maskIdNumber,
  VERIFICATION_STATES,
  type VerificationState,
  type ScopePath,
} from '@eduprogress/shared';

/** 证件类型 offered when a teacher applies (the platform's list). */
export const ID_TYPES = [
  '居民身份证',
  '港澳居民来往内地通行证',
  '台湾居民来往大陆通行证',
  '港澳台居民居住证',
  '外国人永久居留身份证',
  '护照',
  '其他',
] as const;
export type IdType = (typeof ID_TYPES)[number];

export interface TeacherDoc {
  _id: Types.ObjectId;
  name: string;
  /** The teacher's account on the learning platform; training records are matched by it. */
  mobile: string;
  /** Absent while the teacher chose 「其他」 because the school is not in the system (seed 003 Q1). */
  schoolId?: Types.ObjectId;
  /** Scope path of the teacher's school: region codes down to and including its managing region. */
  regionPath: ScopePath;
  /** The managing region (the school's, or the region chosen with 「其他」); else the last of regionPath. */
  regionCode?: string;
  stage: string;
  subject: string;
  title: string;
  verification: VerificationState;
  /** Why the school admin rejected the application; cleared when approved or re-applied. */
  verificationReason?: string;
  verifiedAt?: Date;
  verifiedBy?: Types.ObjectId;
  appliedAt?: Date;
  idType?: IdType;
  /** AES-256-GCM sealed ID number (see sealIdNumber); never sent to clients. */
  idNumberSealed?: string;
  /** 35*****0375, what lists show. */
  idNumberMasked?: string;
  /** The platform user who applied as this teacher. */
  userId?: Types.ObjectId;
  createdAt: Date;
  updatedAt?: Date;
}

const teacherSchema = new Schema<TeacherDoc>(
  {
    name: { type: String, required: true },
    mobile: { type: String, required: true, unique: true },
    schoolId: { type: Schema.Types.ObjectId },
    regionPath: { type: [String], required: true },
    regionCode: { type: String },
    stage: { type: String, required: true },
    subject: { type: String, required: true },
    title: { type: String, required: true },
    verification: { type: String, enum: VERIFICATION_STATES, default: 'pending' },
    verificationReason: { type: String },
    verifiedAt: { type: Date },
    verifiedBy: { type: Schema.Types.ObjectId },
    appliedAt: { type: Date },
    idType: { type: String },
    idNumberSealed: { type: String },
    idNumberMasked: { type: String },
    userId: { type: Schema.Types.ObjectId },
    createdAt: { type: Date, default: () => new Date() },
    updatedAt: { type: Date },
  },
  { versionKey: false },
);
teacherSchema.index({ schoolId: 1 });
teacherSchema.index({ userId: 1 });

export const Teacher = mongoose.model<TeacherDoc>('Teacher', teacherSchema, 'teachers');

/** The teacher's managing region: the school's region, or the one chosen with 「其他」. */
export function managingRegionOf(t: Pick<TeacherDoc, 'regionCode' | 'regionPath'>): string {
  return t.regionCode ?? t.regionPath[t.regionPath.length - 1];
}

/** user → teacher, an `_id` look-up (a `{userId}` query would scan every teacher on FerretDB/SQLite). */
export interface TeacherAccountDoc {
  _id: string;
  teacherId: Types.ObjectId;
  linkedAt: Date;
}
const teacherAccountSchema = new Schema<TeacherAccountDoc>(
  { _id: String, teacherId: { type: Schema.Types.ObjectId, required: true }, linkedAt: Date },
  { versionKey: false },
);
export const TeacherAccount = mongoose.model<TeacherAccountDoc>(
  'TeacherAccount',
  teacherAccountSchema,
  'teacher_accounts',
);

/**
 * The teacher directory: every teacher as one tab-separated line, packed into buckets by the last three
 * digits of the mobile. An import resolves 150,000 accounts against it by reading ~1,000 documents;
 * on FerretDB/SQLite, where only `_id` filters are pushed down and decoding costs per field, reading the
 * teachers themselves would take minutes. A build writes a whole generation of buckets
 * (`teacher_directory_<gen>`, `_id` `b:NNN`) with batched inserts and then switches this document,
 * `_id` `meta`, to it.
 */
export interface TeacherDirectoryDoc {
  _id: string;
  gen: number;
  builtAt: Date;
  teachers: number;
  buckets: number;
}
const directorySchema = new Schema<TeacherDirectoryDoc>(
  { _id: String, gen: Number, builtAt: Date, teachers: Number, buckets: Number },
  { versionKey: false },
);
export const TeacherDirectory = mongoose.model<TeacherDirectoryDoc>(
  'TeacherDirectory',
  directorySchema,
  'teacher_directory',
);

export interface DirectoryBucketDoc {
  _id: string;
  data: string;
  n: number;
}

export function directoryBuckets(gen: number) {
  return mongoose.connection.collection<DirectoryBucketDoc>(`teacher_directory_${gen}`);
}

/** The same lines grouped by school (`_id` = school id): a school's verification page is one read. */
export function directorySchools(gen: number) {
  return mongoose.connection.collection<DirectoryBucketDoc>(`teacher_directory_${gen}_schools`);
}

/** A teacher written since the last directory build (`_id` = mobile; an empty line removes it). */
export interface TeacherDirectoryPatchDoc {
  _id: string;
  line: string;
  at: Date;
}
const directoryPatchSchema = new Schema<TeacherDirectoryPatchDoc>(
  { _id: String, line: { type: String, default: '' }, at: { type: Date, required: true } },
  { versionKey: false },
);
export const TeacherDirectoryPatch = mongoose.model<TeacherDirectoryPatchDoc>(
  'TeacherDirectoryPatch',
  directoryPatchSchema,
  'teacher_directory_patches',
);

// ID numbers are personal data of the highest class: stored sealed, shown masked.
const DEV_ID_KEY = 'eduprogress-dev-teacher-id-key (set TEACHER_ID_KEY in production)';

function idKey(): Buffer {
  return createHash('sha256')
    .update(process.env.TEACHER_ID_KEY || DEV_ID_KEY)
    .digest();
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM under TEACHER_ID_KEY. */
export function sealIdNumber(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', idKey(), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function openIdNumber(sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1') throw new Error('unknown sealed ID number format');
  const decipher = createDecipheriv('aes-256-gcm', idKey(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

export function protectIdNumber(plain: string): Pick<TeacherDoc, 'idNumberSealed' | 'idNumberMasked'> {
  return { idNumberSealed: sealIdNumber(plain), idNumberMasked: maskIdNumber(plain) };
}
