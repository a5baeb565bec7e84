// Permission codes (seed 003 权限码), the policy: who may issue a code for which role and target, and the
// views of a code. Split from service.ts, which re-exports the public part.
import { actsAsSuper, regionScope, type Role } from '@eduprogress/shared';
import { Types } from 'mongoose';
import { createHash, randomInt } from 'node:crypto';
import { requireRegionManager } from '../schools/admin-accounts';
import { type Binding } from '../accounts/model';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { statusOf, type PermissionCodeDoc } from './model';

export const messages = {
  notIssuer: '只有地区管理员可以发放和管理权限码',
  outsideTarget: '目标地区或学校不在您的管辖范围内',
  roleNotAllowed: '您当前的身份不能发放或管理该类权限码',
  schoolRoleOnlyAdmin: '学校权限码只能用于绑定学校管理员',
  regionFieldForSchool: '学校权限码无需填写地区代码',
  schoolIdRequired: '学校权限码须填写目标学校编号（schoolId）',
  regionCodeRequired: '地区权限码须填写目标地区代码（regionCode）',
  schoolFieldForRegion: '地区权限码无需填写学校编号',
  placeholderRegion: '该地区为占位区划，不能发放权限码',
  regionNotFound: (code: string) => `地区 ${code} 不存在`,
  schoolNotFound: '学校不存在',
  codeNotFound: '权限码不存在，请核对后重新输入',
  codeUsed: '该权限码已被使用',
  codeRevoked: '该权限码已被撤销',
  codeExpired: '该权限码已过期，请联系上级管理员重新发放',
  cannotRevokeUsed: '已使用的权限码不能撤销；如需更换管理员，请先删除原管理员再发放新的权限码',
  alreadyRevoked: '该权限码已撤销',
  bindingExists: '您已拥有该身份，无需重复绑定',
  schoolHasAdmin: '该学校已有在任管理员，请联系上级管理员先删除原管理员',
  userNotFound: '用户不存在',
  noAdminAtRegion: '该用户在此地区没有在任的管理员身份',
  codeGenerationFailed: '暂时无法生成权限码，请稍后重试',
  directSchools: '直属学校',
};

/** 32 symbols without 0/O/1/I: 10 of them are 50 random bits, easy to read aloud and retype. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CODE_LENGTH = 10;
export const DAY_MS = 86_400_000;
/** Bind attempts per person and window: guessing codes online is hopeless at this rate. */
export const BIND_LIMIT = 10;
export const BIND_WINDOW_SECONDS = 600;

const REGION_STAFF_ROLES = ['admin', 'auditor', 'inspector'];

export function normaliseCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(0, ALPHABET.length)];
  return code;
}

export function hintOf(code: string): string {
  return `${code.slice(0, 2)}******${code.slice(-2)}`;
}

// ---------------------------------------------------------------------------------------------
// Who may issue what

export type Target =
  { kind: 'region'; role: Role; region: RegionDoc } | { kind: 'school'; role: Role; school: SchoolDoc };

export function targetPath(t: Target): string[] {
  return t.kind === 'region' ? regionScope(t.region) : t.school.regionPath;
}

/** The level right below `code`, looking through placeholder rows such as 市辖区. */
async function isNextLevel(code: string, region: RegionDoc): Promise<boolean> {
  if (region.parentCode === code) return true;
  if (!region.parentCode) return false;
  const parent = await Region.findById(region.parentCode).lean<RegionDoc>();
  return !!parent && parent.placeholder && parent.parentCode === code;
}

/**
 * - school admin: any region manager (admin, super, special) whose subtree holds the school;
 * - region admin/auditor/inspector: a region admin above the target (accounts are handed down, seed 002);
 * - special: a super admin of the same region; super: a super admin of the level above (seed 003).
 */
export async function assertMayIssue(binding: Binding | undefined, target: Target): Promise<Binding> {
  const caller = requireRegionManager(binding, messages.notIssuer);
  const code = caller.regionCode!;
  const path = targetPath(target);
  if (!path.includes(code)) throw new ForbiddenError(messages.outsideTarget, 'OUTSIDE_JURISDICTION');
  let allowed: boolean;
  if (target.kind === 'school') allowed = target.role === 'admin';
  else if (REGION_STAFF_ROLES.includes(target.role))
    allowed = caller.role === 'admin' && target.region._id !== code;
  else if (target.role === 'special') allowed = actsAsSuper(caller) && target.region._id === code;
  else if (target.role === 'super') allowed = actsAsSuper(caller) && (await isNextLevel(code, target.region));
  else allowed = false;
  if (!allowed) throw new ForbiddenError(messages.roleNotAllowed, 'ROLE_FORBIDDEN');
  return caller;
}

export async function loadRegion(code: string): Promise<RegionDoc> {
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  return region;
}

export async function loadSchool(id: Types.ObjectId | string): Promise<SchoolDoc> {
  const school = await School.findById(id).lean<SchoolDoc>();
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  return school;
}

export async function targetOfCode(code: PermissionCodeDoc): Promise<Target> {
  return code.kind === 'school'
    ? { kind: 'school', role: code.role, school: await loadSchool(code.schoolId!) }
    : { kind: 'region', role: code.role, region: await loadRegion(code.regionCode) };
}

// ---------------------------------------------------------------------------------------------
// Views

export function codeView(c: PermissionCodeDoc, now: Date, fullContacts: boolean) {
  return {
    id: String(c._id),
    code: c.codeHint,
    kind: c.kind,
    role: c.role,
    regionCode: c.regionCode,
    regionName: c.regionName,
    schoolId: c.schoolId ? String(c.schoolId) : undefined,
    schoolName: c.schoolName,
    state: statusOf(c, now),
    expiresAt: c.expiresAt,
    createdAt: c.createdAt,
    createdBy: { id: String(c.createdBy.userId), name: c.createdBy.name },
    usedAt: c.usedAt,
    usedBy: c.usedBy
      ? {
          id: String(c.usedBy.userId),
          name: c.usedBy.name,
          mobile: fullContacts ? c.usedBy.mobile : undefined,
        }
      : undefined,
    revokedAt: c.revokedAt,
    revokedBy: c.revokedBy ? { id: String(c.revokedBy.userId), name: c.revokedBy.name } : undefined,
  };
}
