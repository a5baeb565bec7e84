// Who governs what: the access rules as pure predicates over a binding and a target (no I/O).
// Every feature asks these; the table-driven test (test/server/access/rules.test.ts) covers every
// role × level × target. Jurisdiction follows DESIGN.md "Roles": a region binding governs its region and
// everything below it; a school binding acts for its own school only; a teacher binding governs nothing.
import { isWithin, MANAGER_ROLES, TRAINING_ADMIN_ROLES, type RegionBindingRole } from '@eduprogress/shared';
import type { Types } from 'mongoose';
import type { Binding } from '../accounts/model';

/** A region binding: it names its region. */
export type RegionBinding = Binding & { kind: 'region'; regionCode: string };

/** A school binding: it names its school. */
export type SchoolBinding = Binding & { kind: 'school'; schoolId: Types.ObjectId };

/** A region as the rules need it: its code and its ancestors (root first, itself excluded). */
export interface RegionTarget {
  _id: string;
  path: readonly string[];
}

/** A school as the rules need it: its managing region and that region's path *including* the region. */
export interface SchoolTarget {
  _id?: Types.ObjectId;
  regionCode: string;
  regionPath: readonly string[];
}

/** True for a region binding that names its region. */
export function isRegionBinding(binding: Binding | undefined): binding is RegionBinding {
  return binding?.kind === 'region' && typeof binding.regionCode === 'string' && binding.regionCode !== '';
}

/** True for a school binding that names its school. */
export function isSchoolBinding(binding: Binding | undefined): binding is SchoolBinding {
  return binding?.kind === 'school' && !!binding.schoolId;
}

/**
 * A region binding over the region `code` whose ancestors are `ancestors` (the region itself or one of
 * them). Other bindings govern no region.
 */
export function governsCode(
  binding: Binding | undefined,
  code: string,
  ancestors: readonly string[],
): boolean {
  if (!isRegionBinding(binding)) return false;
  return isWithin(ancestors, code, binding.regionCode);
}

/** A region binding governs its own region and everything below it; other bindings govern no region. */
export function governsRegion(binding: Binding | undefined, region: RegionTarget): boolean {
  return governsCode(binding, region._id, region.path);
}

/** A region binding over the school's managing region (so over the school); school bindings are not. */
export function governsSchool(binding: Binding | undefined, school: SchoolTarget): boolean {
  return governsCode(binding, school.regionCode, school.regionPath);
}

/** A school binding of exactly this school as its admin (a university's 审核员 and 视察员 only read). */
export function administersSchool(binding: Binding | undefined, schoolId: Types.ObjectId | string): boolean {
  return (
    isSchoolBinding(binding) && binding.role === 'admin' && String(binding.schoolId) === String(schoolId)
  );
}

/**
 * A school binding of exactly this school, whatever its role: the admin, or a university's own 审核员
 * and 视察员 (seed 002 §7, §8; universities/).
 */
export function belongsToSchool(binding: Binding | undefined, schoolId: Types.ObjectId | string): boolean {
  return isSchoolBinding(binding) && String(binding.schoolId) === String(schoolId);
}

/** The school's own staff, or a region binding above it: who may see the school and its people. */
export function reachesSchool(
  binding: Binding | undefined,
  school: SchoolTarget & { _id: Types.ObjectId | string },
): boolean {
  return belongsToSchool(binding, school._id) || governsSchool(binding, school);
}

/** A region binding of one of `roles` for exactly `regionCode`. */
export function holdsRole(
  binding: Binding | undefined,
  regionCode: string,
  roles: readonly string[],
): boolean {
  return isRegionBinding(binding) && binding.regionCode === regionCode && roles.includes(binding.role);
}

/** A region binding with one of `roles` (any region). */
export function hasRegionRole(
  binding: Binding | undefined,
  roles: readonly RegionBindingRole[] | readonly string[],
): binding is RegionBinding {
  return isRegionBinding(binding) && (roles as readonly string[]).includes(binding.role);
}

/** A region manager (admin, super or special): manages accounts, notices and codes of its region. */
export function isManager(binding: Binding | undefined): binding is RegionBinding {
  return hasRegionRole(binding, MANAGER_ROLES);
}

/** A region admin (role `admin`): manages schools; auditors and inspectors read only. */
export function isRegionAdmin(binding: Binding | undefined): binding is RegionBinding {
  return hasRegionRole(binding, ['admin']);
}

/** A region binding that may run trainings (super, special or admin; seed 003). */
export function isTrainingAdmin(binding: Binding | undefined): binding is RegionBinding {
  return hasRegionRole(binding, TRAINING_ADMIN_ROLES);
}
