// Permission codes (seed 003 权限码): a superior issues a one-time code for a subordinate role, the person
// binds it while logged in; plus removing a bound admin (seed 003 Q2) and activation progress (part 3).
import { createHash, randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import { NATIONAL_CODE, regionScope, scopeOf, type RegionLevel, type Role } from '@eduprogress/shared';
import {
  activeAdminsOfSchool,
  deactivateBinding,
  MANAGER_ROLES,
  meView,
  requireRegionManager,
  setSessionBinding,
  type ActionContext,
} from '../accounts/admin-service';
import { bindingView, User, type Binding, type UserDoc } from '../accounts/model';
import { recordAudit } from '../audit/service';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { hit } from '../http/rate-limit';
import { Region, type RegionDoc } from '../regions/model';
import { getRegionWithin } from '../regions/service';
import { noteSchoolAdmin } from '../schools/admins';
import { School, type SchoolDoc } from '../schools/model';
import {
  PermissionCode,
  PermissionCodeClaim,
  statusOf,
  type PermissionCodeDoc,
  type PermissionCodeStatus,
} from './model';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
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
const DAY_MS = 86_400_000;
/** Bind attempts per person and window: guessing codes online is hopeless at this rate. */
const BIND_LIMIT = 10;
const BIND_WINDOW_SECONDS = 600;

const REGION_STAFF_ROLES = ['admin', 'auditor', 'inspector'];

export function normaliseCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(0, ALPHABET.length)];
  return code;
}

function hintOf(code: string): string {
  return `${code.slice(0, 2)}******${code.slice(-2)}`;
}

// ---------------------------------------------------------------------------------------------
// Who may issue what

type Target =
  { kind: 'region'; role: Role; region: RegionDoc } | { kind: 'school'; role: Role; school: SchoolDoc };

function targetPath(t: Target): string[] {
  return t.kind === 'region' ? regionScope(t.region) : t.school.regionPath;
}

/** Seed 003: the national administrator stands in for the super admin above the provinces. */
function actsAsSuper(b: Binding): boolean {
  return b.role === 'super' || (b.role === 'admin' && b.regionCode === NATIONAL_CODE);
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
async function assertMayIssue(binding: Binding | undefined, target: Target): Promise<Binding> {
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

async function loadRegion(code: string): Promise<RegionDoc> {
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  return region;
}

async function loadSchool(id: Types.ObjectId | string): Promise<SchoolDoc> {
  const school = await School.findById(id).lean<SchoolDoc>();
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  return school;
}

async function targetOfCode(code: PermissionCodeDoc): Promise<Target> {
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

// ---------------------------------------------------------------------------------------------
// Issue, list, revoke

export interface CreateCodeInput {
  kind: 'region' | 'school';
  role: Role;
  regionCode?: string;
  schoolId?: string;
  validDays: number;
}

export async function createCode(ac: ActionContext, body: CreateCodeInput) {
  requireRegionManager(ac.binding, messages.notIssuer);
  let target: Target;
  if (body.kind === 'school') {
    if (body.role !== 'admin') throw new ValidationError(messages.schoolRoleOnlyAdmin, { property: 'role' });
    if (body.regionCode) throw new ValidationError(messages.regionFieldForSchool, { property: 'regionCode' });
    if (!body.schoolId) throw new ValidationError(messages.schoolIdRequired, { property: 'schoolId' });
    target = { kind: 'school', role: 'admin', school: await loadSchool(body.schoolId) };
  } else {
    if (body.schoolId) throw new ValidationError(messages.schoolFieldForRegion, { property: 'schoolId' });
    if (!body.regionCode) throw new ValidationError(messages.regionCodeRequired, { property: 'regionCode' });
    const region = await loadRegion(body.regionCode);
    if (region.placeholder) throw new ValidationError(messages.placeholderRegion, { property: 'regionCode' });
    target = { kind: 'region', role: body.role, region };
  }
  await assertMayIssue(ac.binding, target);

  const now = ac.clock();
  const managing =
    target.kind === 'region' ? target.region : await loadRegion(target.school.regionCode).catch(() => null);
  const fields = {
    kind: target.kind,
    role: target.role,
    regionCode: target.kind === 'region' ? target.region._id : target.school.regionCode,
    regionName: managing?.name ?? (target.kind === 'school' ? target.school.regionCode : ''),
    regionPath: targetPath(target),
    schoolId: target.kind === 'school' ? target.school._id : undefined,
    schoolName: target.kind === 'school' ? target.school.name : undefined,
    state: 'unused' as const,
    expiresAt: new Date(now.getTime() + body.validDays * DAY_MS),
    createdAt: now,
    createdBy: { userId: ac.actor.userId!, name: ac.actor.name, bindingId: ac.binding!._id },
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newCode();
    try {
      const doc = (
        await PermissionCode.create({ ...fields, codeHash: hashCode(code), codeHint: hintOf(code) })
      ).toObject() as PermissionCodeDoc;
      await recordAudit(ac.clock, ac.actor, {
        action: 'permissionCode.create',
        targetType: 'permissionCode',
        targetId: String(doc._id),
        regionPath: doc.regionPath,
        before: null,
        after: {
          kind: doc.kind,
          role: doc.role,
          regionCode: doc.regionCode,
          schoolId: doc.schoolId ? String(doc.schoolId) : null,
          expiresAt: doc.expiresAt,
        },
      });
      // The only time the code itself leaves the server.
      return { ...codeView(doc, now, true), code };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new ConflictError(messages.codeGenerationFailed, 'CODE_GENERATION_FAILED');
}

export interface ListCodesQuery {
  region?: string;
  state?: PermissionCodeStatus;
  kind?: 'region' | 'school';
  page: number;
  pageSize: number;
}

export async function listCodes(
  binding: Binding | undefined,
  query: ListCodesQuery,
  now: Date,
): Promise<Page<ReturnType<typeof codeView>>> {
  const caller = requireRegionManager(binding, messages.notIssuer);
  const region = await getRegionWithin(caller, query.region ?? caller.regionCode!);
  const filter: Record<string, unknown> = { regionPath: region._id };
  if (query.kind) filter.kind = query.kind;
  if (query.state === 'expired') Object.assign(filter, { state: 'unused', expiresAt: { $lte: now } });
  else if (query.state === 'unused') Object.assign(filter, { state: 'unused', expiresAt: { $gt: now } });
  else if (query.state) filter.state = query.state;
  const [docs, total] = await Promise.all([
    PermissionCode.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip(skipOf(query.page, query.pageSize))
      .limit(query.pageSize)
      .lean<PermissionCodeDoc[]>(),
    PermissionCode.countDocuments(filter),
  ]);
  // Issuers manage the people who bound their codes: contact mobiles are shown in full.
  return {
    items: docs.map((d) => codeView(d, now, true)),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** Takes the code out of `unused` for good; false when someone else already did (see PermissionCodeClaim). */
async function claim(
  codeId: Types.ObjectId,
  kind: 'bind' | 'revoke',
  userId: Types.ObjectId,
  at: Date,
  bindingId?: Types.ObjectId,
): Promise<boolean> {
  try {
    await PermissionCodeClaim.create({ _id: String(codeId), kind, userId, bindingId, at });
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

export async function revokeCode(ac: ActionContext, id: string) {
  const code = await PermissionCode.findById(id).lean<PermissionCodeDoc>();
  if (!code) throw new NotFoundError(messages.codeNotFound, 'CODE_NOT_FOUND');
  await assertMayIssue(ac.binding, await targetOfCode(code));
  const now = ac.clock();
  const alreadyRevoked = () => new ConflictError(messages.alreadyRevoked, 'CODE_REVOKED');
  if (code.state === 'revoked') throw alreadyRevoked();
  if (code.state === 'used') throw new ConflictError(messages.cannotRevokeUsed, 'CODE_USED');
  if (!(await claim(code._id, 'revoke', ac.actor.userId!, now))) {
    const holder = await PermissionCodeClaim.findById(String(code._id)).lean();
    throw holder?.kind === 'revoke'
      ? alreadyRevoked()
      : new ConflictError(messages.cannotRevokeUsed, 'CODE_USED');
  }
  const revokedBy = { userId: ac.actor.userId!, name: ac.actor.name };
  await PermissionCode.updateOne(
    { _id: code._id },
    { $set: { state: 'revoked', revokedAt: now, revokedBy } },
  );
  await recordAudit(ac.clock, ac.actor, {
    action: 'permissionCode.revoke',
    targetType: 'permissionCode',
    targetId: String(code._id),
    regionPath: code.regionPath,
    before: { state: statusOf(code, now) },
    after: { state: 'revoked' },
  });
  return codeView({ ...code, state: 'revoked', revokedAt: now, revokedBy }, now, true);
}

// ---------------------------------------------------------------------------------------------
// Binding a code

export interface BindInput {
  code: string;
  name: string;
  mobile?: string;
}

function failureOf(code: PermissionCodeDoc, now: Date): ConflictError {
  const status = statusOf(code, now);
  if (status === 'revoked') return new ConflictError(messages.codeRevoked, 'CODE_REVOKED');
  if (status === 'expired') return new ConflictError(messages.codeExpired, 'CODE_EXPIRED');
  return new ConflictError(messages.codeUsed, 'CODE_USED');
}

function sameRole(a: Pick<Binding, 'kind' | 'role' | 'regionCode' | 'schoolId'>, b: Binding): boolean {
  return (
    a.kind === b.kind &&
    a.role === b.role &&
    (a.kind === 'school'
      ? !!a.schoolId && !!b.schoolId && a.schoolId.equals(b.schoolId)
      : a.regionCode === b.regionCode)
  );
}

async function pushBinding(userId: Types.ObjectId, binding: Binding): Promise<void> {
  if (binding.kind === 'school' && binding.role === 'admin' && binding.schoolId) {
    await noteSchoolAdmin(binding.schoolId, userId);
  }
  await User.updateOne({ _id: userId }, { $push: { bindings: binding } });
}

/**
 * The code leaves `unused` through a claim document keyed by the code's id, so it binds exactly once even
 * when people race; then the pre-allocated binding is appended to the user. A crash between the steps is
 * finished by the same person binding the same code again.
 */
export async function bindCode(ac: ActionContext, user: UserDoc, accessToken: string, body: BindInput) {
  await hit(ac.clock, `permission-code-bind:${String(user._id)}`, BIND_LIMIT, BIND_WINDOW_SECONDS);
  const now = ac.clock();
  const code = await PermissionCode.findOne({
    codeHash: hashCode(normaliseCode(body.code)),
  }).lean<PermissionCodeDoc>();
  if (!code) throw new NotFoundError(messages.codeNotFound, 'CODE_NOT_FOUND');

  // Resume a bind of this person's that claimed the code but did not reach the user document.
  const earlier = await PermissionCodeClaim.findById(String(code._id)).lean();
  if (earlier?.kind === 'bind' && earlier.userId.equals(user._id) && earlier.bindingId) {
    if (!user.bindings.some((b) => b._id.equals(earlier.bindingId!))) {
      const target = await targetOfCode(code);
      return finishBind(ac, user, accessToken, code, body, target, earlier.bindingId, now);
    }
  }
  if (earlier) throw failureOf({ ...code, state: earlier.kind === 'revoke' ? 'revoked' : 'used' }, now);
  if (statusOf(code, now) !== 'unused') throw failureOf(code, now);

  const target = await targetOfCode(code);
  const wanted = {
    kind: target.kind,
    role: target.role,
    regionCode: code.regionCode,
    schoolId: target.kind === 'school' ? target.school._id : undefined,
  };
  if (user.bindings.some((b) => b.active && sameRole(wanted, b))) {
    throw new ConflictError(messages.bindingExists, 'BINDING_EXISTS');
  }
  if (target.kind === 'school' && (await activeAdminsOfSchool(target.school._id)).length > 0) {
    throw new ConflictError(messages.schoolHasAdmin, 'SCHOOL_HAS_ADMIN');
  }

  const bindingId = new Types.ObjectId();
  if (!(await claim(code._id, 'bind', user._id, now, bindingId))) {
    const holder = await PermissionCodeClaim.findById(String(code._id)).lean();
    throw failureOf({ ...code, state: holder?.kind === 'revoke' ? 'revoked' : 'used' }, now);
  }
  return finishBind(ac, user, accessToken, code, body, target, bindingId, now);
}

async function finishBind(
  ac: ActionContext,
  user: UserDoc,
  accessToken: string,
  code: PermissionCodeDoc,
  body: BindInput,
  target: Target,
  bindingId: Types.ObjectId,
  now: Date,
) {
  const usedBy = { userId: user._id, name: body.name.trim(), mobile: body.mobile };
  await PermissionCode.updateOne(
    { _id: code._id },
    { $set: { state: 'used', usedAt: now, usedBy, bindingId } },
  );
  const binding: Binding = {
    _id: bindingId,
    kind: target.kind,
    role: target.role,
    regionCode: target.kind === 'region' ? target.region._id : target.school.regionCode,
    regionPath: target.kind === 'region' ? target.region.path : target.school.regionPath,
    schoolId: target.kind === 'school' ? target.school._id : undefined,
    active: true,
  };
  await pushBinding(user._id, binding);

  // Two different codes for one school bound at the same moment: the earlier binding stays.
  if (target.kind === 'school') {
    const others = (await activeAdminsOfSchool(target.school._id)).filter(
      (a) => !a.binding._id.equals(bindingId),
    );
    if (others.some((a) => String(a.binding._id) < String(bindingId))) {
      const fresh = await User.findById(user._id).lean<UserDoc>();
      if (fresh) await deactivateBinding(fresh, bindingId);
      await PermissionCode.updateOne(
        { _id: code._id },
        { $set: { state: 'unused' }, $unset: { usedAt: 1, usedBy: 1, bindingId: 1 } },
      );
      await PermissionCodeClaim.deleteOne({ _id: String(code._id), bindingId });
      throw new ConflictError(messages.schoolHasAdmin, 'SCHOOL_HAS_ADMIN');
    }
  }

  // A person who had no usable binding starts working in the new one right away.
  if (!ac.binding) await setSessionBinding(accessToken, bindingId);
  const path = targetPath(target);
  await recordAudit(ac.clock, ac.actor, {
    action: 'permissionCode.bind',
    targetType: 'permissionCode',
    targetId: String(code._id),
    regionPath: code.regionPath,
    before: { state: 'unused' },
    after: { state: 'used', usedBy: String(user._id) },
  });
  await recordAudit(ac.clock, ac.actor, {
    action: 'user.addBinding',
    targetType: 'user',
    targetId: String(user._id),
    regionPath: path,
    before: null,
    after: {
      bindingId: String(bindingId),
      kind: binding.kind,
      role: binding.role,
      regionCode: binding.regionCode,
      schoolId: binding.schoolId ? String(binding.schoolId) : null,
      contactName: body.name.trim(),
      contactMobile: body.mobile ?? null,
    },
  });
  const updated = (await User.findById(user._id).lean<UserDoc>()) ?? user;
  const active = ac.binding ? updated.bindings.find((b) => b._id.equals(ac.binding!._id)) : binding;
  return { binding: bindingView(binding), ...meView(updated, active) };
}

// ---------------------------------------------------------------------------------------------
// Removing a bound region admin (seed 003 Q2)

export async function removeRegionAdmin(ac: ActionContext, code: string, userId: string) {
  const caller = requireRegionManager(ac.binding, messages.notIssuer);
  const region = await getRegionWithin(caller, code);
  const user = await User.findById(userId).lean<UserDoc>();
  if (!user) throw new NotFoundError(messages.userNotFound, 'USER_NOT_FOUND');
  const atRegion = user.bindings.filter((b) => b.kind === 'region' && b.active && b.regionCode === code);
  if (atRegion.length === 0) throw new NotFoundError(messages.noAdminAtRegion, 'REGION_ADMIN_NOT_FOUND');
  const removable: Binding[] = [];
  for (const b of atRegion) {
    const ok = await assertMayIssue(caller, { kind: 'region', role: b.role, region }).then(
      () => true,
      () => false,
    );
    if (ok) removable.push(b);
  }
  if (removable.length === 0) throw new ForbiddenError(messages.roleNotAllowed, 'ROLE_FORBIDDEN');
  for (const b of removable) {
    await deactivateBinding(user, b._id);
    await recordAudit(ac.clock, ac.actor, {
      action: 'region.removeAdmin',
      targetType: 'user',
      targetId: String(user._id),
      regionPath: regionScope(region),
      before: { bindingId: String(b._id), role: b.role, regionCode: code, active: true },
      after: { bindingId: String(b._id), role: b.role, regionCode: code, active: false },
    });
  }
  return { removed: removable.map((b) => ({ ...bindingView(b), active: false })) };
}

// ---------------------------------------------------------------------------------------------
// Activation progress (seed 003 part 3)

export interface ActivationRow {
  code: string | null;
  name: string;
  level: RegionLevel | null;
  schoolsTotal: number;
  schoolsActivated: number;
  schoolActivationRate: number | null;
  /** Null on the direct-schools row ("--" in the seed's table). */
  regionsTotal: number | null;
  regionsActivated: number | null;
  regionActivationRate: number | null;
  /** Regions (self and below) with at least one activated school in their subtree (学校管理员覆盖区域数). */
  coveredRegions: number | null;
}

function rate(part: number, total: number): number | null {
  return total > 0 ? Math.round((part / total) * 10_000) / 10_000 : null;
}

async function countByRegion(filter: Record<string, unknown>): Promise<Map<string, number>> {
  const rows = await School.aggregate<{ _id: string; n: number }>([
    { $match: filter },
    { $group: { _id: '$regionCode', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id, r.n]));
}

/**
 * A school counts as activated when it is initialized, or when its active admin has completed the first
 * login (changed the initial password) and is not locked. A region counts as activated when an unlocked
 * user holds an active manager binding (admin, super or special) there. Counted with `$group`/`$sum`
 * over the denormalised paths; no `$lookup`.
 */
export async function activationProgress(binding: Binding | undefined, code: string) {
  if (!binding || binding.kind !== 'region') {
    throw new ForbiddenError(messages.outsideTarget, 'OUTSIDE_JURISDICTION');
  }
  const region = await getRegionWithin(binding, code);
  const below = await Region.find(code === NATIONAL_CODE ? { _id: { $ne: code } } : { path: code }).lean<
    RegionDoc[]
  >();
  const byCode = new Map<string, RegionDoc>([[code, region], ...below.map((r) => [r._id, r] as const)]);

  const totals = await countByRegion({ regionPath: code });
  const activated = await countByRegion({ regionPath: code, initialized: true });
  // Schools not yet initialized whose admin has completed the first login.
  const adminDone = new Set<string>();
  const schoolAdmins = User.find({
    'bindings.kind': 'school',
    $or: [{ 'bindings.regionPath': code }, { 'bindings.regionCode': code }],
    mustChangePassword: false,
    locked: false,
  })
    .select('bindings')
    .lean<UserDoc[]>()
    .cursor();
  for await (const u of schoolAdmins as AsyncIterable<UserDoc>) {
    for (const b of u.bindings) {
      if (b.kind === 'school' && b.role === 'admin' && b.active && b.schoolId)
        adminDone.add(String(b.schoolId));
    }
  }
  const ids = [...adminDone];
  for (let i = 0; i < ids.length; i += 5000) {
    const extra = await countByRegion({
      _id: { $in: ids.slice(i, i + 5000).map((id) => new Types.ObjectId(id)) },
      regionPath: code,
      initialized: false,
    });
    for (const [rc, n] of extra) activated.set(rc, (activated.get(rc) ?? 0) + n);
  }

  const activeRegions = new Set<string>();
  const regionUsers = User.find({
    'bindings.kind': 'region',
    ...(code === NATIONAL_CODE
      ? {}
      : { $or: [{ 'bindings.regionPath': code }, { 'bindings.regionCode': code }] }),
    locked: false,
  })
    .select('bindings')
    .lean<UserDoc[]>()
    .cursor();
  for await (const u of regionUsers as AsyncIterable<UserDoc>) {
    for (const b of u.bindings) {
      if (
        b.kind === 'region' &&
        b.active &&
        b.regionCode &&
        MANAGER_ROLES.includes(b.role) &&
        byCode.has(b.regionCode)
      )
        activeRegions.add(b.regionCode);
    }
  }

  // A region is covered when its subtree holds an activated school: mark each such school's ancestors.
  const covered = new Set<string>();
  for (const [rc, n] of activated) {
    const r = byCode.get(rc);
    if (!r || n === 0) continue;
    for (const c of scopeOf(r.path, rc)) if (byCode.has(c)) covered.add(c);
  }

  // Rows: the direct children, looking through placeholder rows (市辖区) to the real regions below them.
  const childCodes: string[] = [];
  for (const r of below.filter((x) => x.parentCode === code).sort((a, b) => a._id.localeCompare(b._id))) {
    if (!r.placeholder) childCodes.push(r._id);
    else
      childCodes.push(
        ...below
          .filter((x) => x.parentCode === r._id)
          .map((x) => x._id)
          .sort(),
      );
  }
  const rowOf = (r: RegionDoc): string | undefined => [r._id, ...r.path].find((c) => childCodes.includes(c));

  const empty = () => ({ schools: 0, schoolsOn: 0, regions: 0, regionsOn: 0, covered: 0 });
  const acc = new Map<string, ReturnType<typeof empty>>([
    [code, empty()],
    ...childCodes.map((c) => [c, empty()] as const),
  ]);
  const all = empty();
  for (const r of byCode.values()) {
    const schools = totals.get(r._id) ?? 0;
    const schoolsOn = activated.get(r._id) ?? 0;
    all.schools += schools;
    all.schoolsOn += schoolsOn;
    const row = r._id === code ? code : rowOf(r);
    const target = row ? acc.get(row) : undefined;
    if (target) {
      target.schools += schools;
      target.schoolsOn += schoolsOn;
    }
    if (r.placeholder) continue;
    const on = activeRegions.has(r._id) ? 1 : 0;
    const cov = covered.has(r._id) ? 1 : 0;
    all.regions += 1;
    all.regionsOn += on;
    all.covered += cov;
    if (target && row !== code) {
      target.regions += 1;
      target.regionsOn += on;
      target.covered += cov;
    }
  }

  const toRow = (r: RegionDoc | null, a: ReturnType<typeof empty>, schoolsOnly = false): ActivationRow => ({
    code: r ? r._id : null,
    name: r ? r.name : messages.directSchools,
    level: r ? r.level : null,
    schoolsTotal: a.schools,
    schoolsActivated: a.schoolsOn,
    schoolActivationRate: rate(a.schoolsOn, a.schools),
    regionsTotal: schoolsOnly ? null : a.regions,
    regionsActivated: schoolsOnly ? null : a.regionsOn,
    regionActivationRate: schoolsOnly ? null : rate(a.regionsOn, a.regions),
    coveredRegions: schoolsOnly ? null : a.covered,
  });
  return {
    region: { code: region._id, name: region.name, level: region.level },
    totals: toRow(region, all),
    direct: toRow(null, acc.get(code)!, true),
    children: childCodes.map((c) => toRow(byCode.get(c)!, acc.get(c)!)),
  };
}
