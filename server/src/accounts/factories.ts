// Factories for users and their bindings as fixtures write them: the demo world (demo/world.ts) and the
// tests build accounts through these, so a binding's shape (which path a region or a school binding
// carries, see Binding in ./model) is written once. Pure: no database, no password hashing.
import type { Types } from 'mongoose';
import type { Role } from '@eduprogress/shared';
import type { Binding, UserDoc } from './model';

/** A binding before it is saved: `_id` is filled by the database unless given; `active` defaults to true. */
export type NewBinding = Omit<Binding, '_id' | 'active'> & { _id?: Types.ObjectId; active?: boolean };

/** The parts of a region a binding needs: its code (`_id`) and its ancestors (`path`, excluding it). */
export interface RegionRef {
  _id: string;
  path: readonly string[];
}

/** The parts of a school a binding needs: its managing region and its scope path (including that region). */
export interface SchoolRef {
  _id: Types.ObjectId;
  regionCode: string;
  regionPath: readonly string[];
}

/**
 * A region role binding (`role`: admin | auditor | inspector, or the training roles super | special) on
 * `region`; `regionPath` is the region's ancestors (excluding it). `region` may also be given as a code
 * and its ancestor path.
 */
export function regionRoleBinding(
  role: Role,
  region: RegionRef | string,
  ancestors?: readonly string[],
  extra: Partial<NewBinding> = {},
): NewBinding {
  const ref = typeof region === 'string' ? { _id: region, path: ancestors ?? [] } : region;
  return { kind: 'region', role, regionCode: ref._id, regionPath: [...ref.path], ...extra };
}

/** The admin binding of `school` (kind school, role admin; `regionPath` is the school's scope path). */
export function schoolAdminBinding(school: SchoolRef, extra: Partial<NewBinding> = {}): NewBinding {
  return {
    kind: 'school',
    role: 'admin',
    regionCode: school.regionCode,
    regionPath: [...school.regionPath],
    schoolId: school._id,
    ...extra,
  };
}

/** A teacher's binding to `school` (kind and role teacher; `regionPath` is the school's scope path). */
export function teacherBinding(school: SchoolRef, extra: Partial<NewBinding> = {}): NewBinding {
  return { ...schoolAdminBinding(school, extra), kind: 'teacher', role: 'teacher', ...extra };
}

/** A user as fixtures create it, before it is saved; what the database fills (`_id`, dates) is optional. */
export type NewUser = Omit<
  UserDoc,
  '_id' | 'createdAt' | 'updatedAt' | 'bindings' | 'mobileVerified' | 'profileCompleted'
> & {
  _id?: Types.ObjectId;
  mobileVerified?: boolean;
  profileCompleted?: boolean;
  createdAt?: Date;
  updatedAt?: Date;
  bindings: NewBinding[];
};

/**
 * A user holding `bindings` who logs in with the password behind `extra.passwordHash`: named after its
 * login unless `extra.name` says otherwise, unlocked, no failed logins, password already changed
 * (`mustChangePassword` false) unless `extra` says otherwise. Profile and mobile flags are left to the
 * schema's defaults (not done) unless given.
 */
export function userWith(
  loginName: string,
  bindings: NewBinding[],
  extra: Partial<NewUser> & { passwordHash: string },
): NewUser {
  return {
    loginName,
    name: loginName,
    mustChangePassword: false,
    locked: false,
    failedLogins: 0,
    bindings,
    ...extra,
  };
}
