import mongoose, { Schema, Types } from 'mongoose';
import type { Role, ScopePath } from '@eduprogress/shared';

export const PERMISSION_CODE_STATES = ['unused', 'used', 'revoked'] as const;
export type PermissionCodeState = (typeof PERMISSION_CODE_STATES)[number];
/** What lists show: `expired` is an unused code past its expiry (computed, never stored). */
export type PermissionCodeStatus = PermissionCodeState | 'expired';

export interface PersonRef {
  userId: Types.ObjectId;
  name?: string;
  /** Contact mobile given when binding (seed 003: so the superior can reach the new admin). */
  mobile?: string;
}

/** A one-time code (seed 003 权限码) that binds a person to a region role or to a school's admin. */
export interface PermissionCodeDoc {
  _id: Types.ObjectId;
  /** sha256 of the normalised code: the code itself is shown once and never stored. */
  codeHash: string;
  /** First and last two characters, so an issuer can tell codes apart in a list. */
  codeHint: string;
  kind: 'region' | 'school';
  role: Role;
  /** The target region, or the school's managing region. */
  regionCode: string;
  regionName: string;
  /** Ancestors plus the target region itself: the jurisdiction filter for lists. */
  regionPath: ScopePath;
  schoolId?: Types.ObjectId;
  schoolName?: string;
  state: PermissionCodeState;
  expiresAt: Date;
  createdAt: Date;
  createdBy: PersonRef & { bindingId?: Types.ObjectId };
  usedAt?: Date;
  usedBy?: PersonRef;
  /** The binding the code created on the user (pre-allocated, so a half-done bind can be finished). */
  bindingId?: Types.ObjectId;
  revokedAt?: Date;
  revokedBy?: PersonRef;
}

const personSchema = new Schema<PersonRef & { bindingId?: Types.ObjectId }>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String },
    mobile: { type: String },
    bindingId: { type: Schema.Types.ObjectId },
  },
  { _id: false },
);

const permissionCodeSchema = new Schema<PermissionCodeDoc>(
  {
    codeHash: { type: String, required: true, unique: true },
    codeHint: { type: String, required: true },
    kind: { type: String, enum: ['region', 'school'], required: true },
    role: { type: String, required: true },
    regionCode: { type: String, required: true },
    regionName: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    schoolId: { type: Schema.Types.ObjectId },
    schoolName: { type: String },
    state: { type: String, enum: PERMISSION_CODE_STATES, default: 'unused' },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: personSchema, required: true },
    usedAt: { type: Date },
    usedBy: { type: personSchema },
    bindingId: { type: Schema.Types.ObjectId },
    revokedAt: { type: Date },
    revokedBy: { type: personSchema },
  },
  { versionKey: false },
);
permissionCodeSchema.index({ regionPath: 1, createdAt: -1 });

export const PermissionCode = mongoose.model<PermissionCodeDoc>(
  'PermissionCode',
  permissionCodeSchema,
  'permission_codes',
);

export function statusOf(
  code: Pick<PermissionCodeDoc, 'state' | 'expiresAt'>,
  now: Date,
): PermissionCodeStatus {
  return code.state === 'unused' && code.expiresAt <= now ? 'expired' : code.state;
}

/**
 * The one move of a code out of `unused` (bound or revoked). Its `_id` is the code's id, so the unique
 * primary key decides a race: FerretDB's findAndModify is not atomic under concurrent requests (a
 * conditional findOneAndUpdate let two people bind one code), but a duplicate `_id` insert always fails.
 */
export interface PermissionCodeClaimDoc {
  _id: string;
  kind: 'bind' | 'revoke';
  userId: Types.ObjectId;
  bindingId?: Types.ObjectId;
  at: Date;
}

const claimSchema = new Schema<PermissionCodeClaimDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['bind', 'revoke'], required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    bindingId: { type: Schema.Types.ObjectId },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const PermissionCodeClaim = mongoose.model<PermissionCodeClaimDoc>(
  'PermissionCodeClaim',
  claimSchema,
  'permission_code_claims',
);
