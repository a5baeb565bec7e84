// Roles a binding can carry, as one typed union (DESIGN.md "Roles"; seed 003 for the training roles).
import { NATIONAL_CODE, REGION_ROLE_LABELS, REGION_ROLES, type RegionRole } from './domain';

/** Training administrators of a region (seed 003 part 1): 超级管理员 and 专项管理员. */
export const TRAINING_ROLES = ['super', 'special'] as const;
export type TrainingRole = (typeof TRAINING_ROLES)[number];

/** Every role a region binding may hold: the region staff roles and the training roles. */
export const REGION_BINDING_ROLES = [...REGION_ROLES, ...TRAINING_ROLES] as const;
export type RegionBindingRole = RegionRole | TrainingRole;

/** A school binding is always its school's admin; a teacher binding is a teacher. */
export type SchoolBindingRole = 'admin';
export type TeacherBindingRole = 'teacher';

/** Any role a binding may hold. */
export type Role = RegionBindingRole | SchoolBindingRole | TeacherBindingRole;

/** Region roles that manage accounts, notices and codes of their region: admin, super, special. */
export const MANAGER_ROLES: readonly Role[] = ['admin', 'super', 'special'];

/**
 * Roles that run trainings. Seed 003 names super and special admins; `admin` is accepted as well so the
 * ordinary national/province administrators (the demo's national admin) can work without a
 * training-specific binding.
 */
export const TRAINING_ADMIN_ROLES: readonly Role[] = ['super', 'special', 'admin'];

/** The zh-CN name of a region staff role ("该身份" for the training roles and anything unknown). */
export function roleLabel(role: string): string {
  return (REGION_ROLE_LABELS as Record<string, string>)[role] ?? '该身份';
}

/**
 * Seed 003 (part 2, 角色列表): a region binding acting as its region's 超级管理员 — a `super` binding, or the
 * national administrator, who stands in for the super admin above the provinces. Used by the server
 * (usage statistics, permission codes) and the mini-program's menu alike.
 */
export function actsAsSuper(
  b: { kind?: string; role: string; regionCode?: string } | null | undefined,
): boolean {
  if (!b || (b.kind !== undefined && b.kind !== 'region')) return false;
  return b.role === 'super' || (b.role === 'admin' && b.regionCode === NATIONAL_CODE);
}
