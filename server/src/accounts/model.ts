import mongoose, { Schema, Types } from 'mongoose';
import {
  BINDING_KINDS,
  type AncestorPath,
  type BindingKind,
  type Role,
  type ScopePath,
} from '@eduprogress/shared';

/** What a person may act as: a role in a region, the admin of a school, or a teacher. */
export interface Binding {
  _id: Types.ObjectId;
  kind: BindingKind;
  /** Region roles: admin | auditor | inspector (training: super | special). School: admin. Teacher: teacher. */
  role: Role;
  regionCode?: string;
  /**
   * A region binding: the region's ancestors (excluding it). School and teacher bindings: the school's scope
   * path (down to and including its managing region, `regionCode`). `auditPathOfBinding` gives the scope.
   */
  regionPath: AncestorPath | ScopePath;
  schoolId?: Types.ObjectId;
  active: boolean;
}

export interface UserDoc {
  _id: Types.ObjectId;
  loginName: string;
  name: string;
  mobile?: string;
  email?: string;
  passwordHash: string;
  mustChangePassword: boolean;
  /** Locked by an administrator (seed 000 §3.3); a locked user cannot log in. */
  locked: boolean;
  failedLogins: number;
  /** Failed logins are counted as slots `<userId>:<failureEpoch>:<n>` (login_failures); a new epoch resets. */
  failureEpoch?: string;
  lockedUntil?: Date;
  bindings: Binding[];
  /** First-login personal info (seed 000 §4.1, §6.3). */
  gender?: 'male' | 'female';
  officePhone?: string;
  address?: string;
  postcode?: string;
  qq?: string;
  mobileVerified: boolean;
  profileCompleted: boolean;
  /** WeChat mini-program identity linked after a password login. */
  wechatOpenId?: string;
  createdAt: Date;
  updatedAt: Date;
}

const bindingSchema = new Schema<Binding>(
  {
    kind: { type: String, enum: BINDING_KINDS, required: true },
    role: { type: String, required: true },
    regionCode: { type: String },
    regionPath: { type: [String], default: [] },
    schoolId: { type: Schema.Types.ObjectId },
    active: { type: Boolean, default: true },
  },
  { _id: true },
);

const userSchema = new Schema<UserDoc>(
  {
    loginName: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    mobile: { type: String },
    email: { type: String },
    passwordHash: { type: String, required: true },
    mustChangePassword: { type: Boolean, default: true },
    locked: { type: Boolean, default: false },
    failedLogins: { type: Number, default: 0 },
    failureEpoch: { type: String },
    lockedUntil: { type: Date },
    bindings: { type: [bindingSchema], default: [] },
    gender: { type: String, enum: ['male', 'female'] },
    officePhone: { type: String },
    address: { type: String },
    postcode: { type: String },
    qq: { type: String },
    mobileVerified: { type: Boolean, default: false },
    profileCompleted: { type: Boolean, default: false },
    wechatOpenId: { type: String },
  },
  { timestamps: true, versionKey: false },
);
userSchema.index({ mobile: 1 });
userSchema.index({ email: 1 });
userSchema.index({ wechatOpenId: 1 });
userSchema.index({ 'bindings.schoolId': 1 });
userSchema.index({ 'bindings.regionCode': 1 });

export const User = mongoose.model<UserDoc>('User', userSchema, 'users');

/** `spent`: a refresh token already exchanged, kept to recognise its reuse (which revokes the family). */
export type SessionKind = 'access' | 'refresh' | 'spent';

export interface SessionDoc {
  /** sha256 of the token: the token itself is never stored. */
  _id: string;
  kind: SessionKind;
  userId: Types.ObjectId;
  bindingId?: Types.ObjectId;
  /** The refresh token a pair was issued under; logout revokes the whole family. */
  family: string;
  expiresAt: Date;
  createdAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['access', 'refresh', 'spent'], required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    bindingId: { type: Schema.Types.ObjectId },
    family: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
// No TTL index (FerretDB has none): expired sessions are rejected on read and purged by a job.
sessionSchema.index({ family: 1 });

export const Session = mongoose.model<SessionDoc>('Session', sessionSchema, 'sessions');

export function bindingView(b: Binding) {
  return {
    id: String(b._id),
    kind: b.kind,
    role: b.role,
    regionCode: b.regionCode,
    schoolId: b.schoolId ? String(b.schoolId) : undefined,
  };
}

export function userView(u: UserDoc) {
  return {
    id: String(u._id),
    loginName: u.loginName,
    name: u.name,
    mustChangePassword: u.mustChangePassword,
    bindings: u.bindings.filter((b) => b.active).map(bindingView),
  };
}
