// School-admin accounts (seed 000 part 3): view, reset password, lock, unlock, add a replacement, export.
// Moved here from accounts/ (school admins are the schools feature's people; accounts/ no longer imports
// schools/). Services never see ctx: the caller's binding and the audit actor come in as arguments.
import { maskEmail, maskMobile, NATIONAL_CODE, regionScope } from '@eduprogress/shared';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { randomInt } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { ActionContext } from '../access/caller';
import { getSchoolWithin, requireManager } from '../access/jurisdiction';
import { governsSchool, isManager as isRegionManager, type RegionBinding } from '../access/rules';
import { recordAudit } from '../audit/service';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import type { Page } from '../http/pagination';
import { Region, type RegionDoc } from '../regions/model';
import { getRegionWithin } from '../regions/service';
import { isSchoolAdminOf, schoolAdminUsers } from './admins';
import { createSchoolAccount } from './staff-account';
import { School, type SchoolDoc } from './model';
import { bindingView, Session, User, type Binding, type UserDoc } from '../accounts/model';
import { hashPassword } from '../accounts/passwords';

const messages = {
  userNotFound: '用户不存在',
  notManager: '只有地区管理员可以管理学校管理员账号',
  notYourSchoolAdmin: '该账号不是您辖区内学校的管理员',
  userHasOutsideBindings: '该账号还持有您管辖范围以外的身份，请联系其上级管理员处理',
  replacedCannotUnlock: '该学校已新增了接替的管理员，原管理员账号不能再解锁',
  removedCannotUnlock: '该管理员已被移除出学校，账号不能再解锁',
  notAdminOfSchool: '该用户不是本校的在任管理员',
  resetReason: '地区管理员重置密码，须在首次登录时修改',
  defaultAdminName: (school: string) => `${school}管理员`,
  loginNameExhausted: '暂时无法生成登录名，请稍后重试',
  exportSheet: '学校管理员',
  exportFile: (region: string, direct: boolean) => `${region}${direct ? '直管' : ''}学校管理员.xlsx`,
  exportHeaders: [
    '序号',
    '所在地区',
    '学校名称',
    '学校类型',
    '学校状态',
    '已初始化',
    '登录名',
    '管理员姓名',
    '手机',
    '电子邮件',
    '账号状态',
    '首次登录',
  ],
  yes: '是',
  no: '否',
  accountNormal: '正常',
  accountLocked: '已锁定',
  noAdmin: '未设置管理员',
  firstLoginDone: '已完成',
  firstLoginPending: '未完成',
};

/** Seed 000: a new school admin's initial password. */
export const SCHOOL_ADMIN_INITIAL_PASSWORD = '123456';

// Region managers and the jurisdiction over schools live in access/; re-exported for the old paths.
export { MANAGER_ROLES } from '@eduprogress/shared';
export { getSchoolWithin } from '../access/jurisdiction';
export { governsSchool, isManager as isRegionManager } from '../access/rules';

export type { ActionContext } from '../access/caller';

/** The binding if it is a region manager (admin, super, special); 403 ROLE_FORBIDDEN otherwise. */
export function requireRegionManager(
  binding: Binding | undefined,
  message = messages.notManager,
): RegionBinding {
  return requireManager(binding, message);
}

/** A region's scope path (shared `regionScope`), under the name it had here. */
export const fullPathOf = regionScope;

/**
 * Deactivates one binding in place. Bindings are only ever appended, never pulled, so a binding keeps its
 * array position and `bindings.<i>` is safe (FerretDB has no positional `$` operator).
 */
export async function deactivateBinding(user: UserDoc, bindingId: Types.ObjectId): Promise<boolean> {
  const index = user.bindings.findIndex((b) => b._id.equals(bindingId));
  if (index < 0) return false;
  const res = await User.updateOne(
    { _id: user._id, [`bindings.${index}._id`]: bindingId },
    { $set: { [`bindings.${index}.active`]: false } },
  );
  return res.matchedCount === 1;
}

/** The active admin bindings of a school, with their users (normally at most one). */
export async function activeAdminsOfSchool(
  schoolId: Types.ObjectId,
): Promise<{ user: UserDoc; binding: Binding }[]> {
  const out: { user: UserDoc; binding: Binding }[] = [];
  for (const user of await schoolAdminUsers(schoolId)) {
    for (const binding of user.bindings) {
      if (isSchoolAdminOf(binding, schoolId) && binding.active) out.push({ user, binding });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Viewing

export interface SchoolAdminItem {
  id: string;
  loginName: string;
  name: string;
  mobile?: string;
  email?: string;
  officePhone?: string;
  qq?: string;
  /** Locked now: by a region manager (锁定), or by too many wrong passwords until `lockedUntil`. */
  locked: boolean;
  /** The end of a wrong-password lock still running (accounts/service.ts LOCK_MINUTES), else null. */
  lockedUntil: Date | null;
  mustChangePassword: boolean;
  /** False once replaced or removed: the account no longer acts for the school. */
  active: boolean;
  bindingId: string;
  createdAt: Date;
}

/**
 * The school's admin accounts, current first. Contact details are shown in full to the region managers
 * who govern the school (they manage these people); auditors and inspectors see them masked.
 */
export async function listSchoolAdmins(
  binding: Binding | undefined,
  schoolId: string,
  page: number,
  pageSize: number,
  now: Date,
): Promise<Page<SchoolAdminItem>> {
  const school = await getSchoolWithin(binding, schoolId);
  const full = isRegionManager(binding);
  const rows: SchoolAdminItem[] = [];
  for (const u of await schoolAdminUsers(school._id)) {
    const b =
      u.bindings.find((x) => isSchoolAdminOf(x, school._id) && x.active) ??
      u.bindings.find((x) => isSchoolAdminOf(x, school._id))!;
    rows.push({
      id: String(u._id),
      loginName: u.loginName,
      name: u.name,
      mobile: full ? u.mobile : maskMobile(u.mobile),
      email: full ? u.email : maskEmail(u.email),
      officePhone: u.officePhone,
      qq: full ? u.qq : undefined,
      ...lockState(u, now),
      mustChangePassword: u.mustChangePassword,
      active: b.active,
      bindingId: String(b._id),
      createdAt: u.createdAt,
    });
  }
  // A school has a handful of admins over its life: sorting in memory is fine.
  rows.sort((a, b) => Number(b.active) - Number(a.active) || (a.bindingId < b.bindingId ? 1 : -1));
  const start = (page - 1) * pageSize;
  return { items: rows.slice(start, start + pageSize), total: rows.length, page, pageSize };
}

// ---------------------------------------------------------------------------------------------
// Managing one account

interface ManagedAccount {
  user: UserDoc;
  /** The user's school-admin bindings for schools the caller governs, with the school. */
  entries: { binding: Binding; school: SchoolDoc }[];
  /** Audit jurisdiction: the path of the (first) governed school. */
  regionPath: string[];
}

/**
 * The caller may manage an account only when it is an admin of a school in the caller's subtree and
 * every other active binding it holds is also inside that subtree — otherwise a county admin could
 * reset the password of a province admin who happens to hold a school binding too.
 */
async function managedSchoolAdmin(binding: Binding | undefined, userId: string): Promise<ManagedAccount> {
  const caller = requireRegionManager(binding);
  const user = await User.findById(userId).lean<UserDoc>();
  if (!user) throw new NotFoundError(messages.userNotFound, 'USER_NOT_FOUND');
  const schoolBindings = user.bindings.filter((b) => isSchoolAdminOf(b));
  const schools = await Promise.all(schoolBindings.map((b) => School.findById(b.schoolId).lean<SchoolDoc>()));
  const entries: ManagedAccount['entries'] = [];
  schoolBindings.forEach((b, i) => {
    const school = schools[i];
    if (school && governsSchool(caller, school)) entries.push({ binding: b, school });
  });
  if (entries.length === 0) throw new ForbiddenError(messages.notYourSchoolAdmin, 'OUTSIDE_JURISDICTION');
  const code = caller.regionCode!;
  const inside = (b: Binding): boolean => {
    if (!b.active) return true;
    if (b.kind === 'school') return entries.some((e) => e.binding._id.equals(b._id));
    // Region bindings must be strictly below the caller: a peer is not the caller's to manage.
    if (b.kind === 'region') return b.regionPath.includes(code);
    return b.regionCode === code || b.regionPath.includes(code);
  };
  if (!user.bindings.every(inside)) {
    throw new ForbiddenError(messages.userHasOutsideBindings, 'OUTSIDE_JURISDICTION');
  }
  return { user, entries, regionPath: entries[0].school.regionPath };
}

/**
 * Whether the account is locked at `now` — by a manager (`locked`) or by MAX_FAILED_LOGINS wrong passwords
 * (`lockedUntil` ahead, seed 000 §3.3) — and until when a wrong-password lock runs (null otherwise).
 */
export function lockState(u: UserDoc, now: Date): { locked: boolean; lockedUntil: Date | null } {
  const until = u.lockedUntil && u.lockedUntil > now ? u.lockedUntil : null;
  return { locked: !!u.locked || !!until, lockedUntil: until };
}

/** An account as the management answers show it (lock state as of `now`, {@link lockState}). */
export function accountView(u: UserDoc, now: Date) {
  return {
    id: String(u._id),
    loginName: u.loginName,
    name: u.name,
    ...lockState(u, now),
    mustChangePassword: u.mustChangePassword,
  };
}

function sixDigits(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Seed 000 §3.2: a random 6-digit password, shown once to the resetting admin, changed at next login. */
export async function resetSchoolAdminPassword(ac: ActionContext, userId: string) {
  const { user, regionPath } = await managedSchoolAdmin(ac.binding, userId);
  const oneTimePassword = sixDigits();
  await User.updateOne(
    { _id: user._id },
    {
      $set: { passwordHash: await hashPassword(oneTimePassword), mustChangePassword: true, failedLogins: 0 },
      $unset: { lockedUntil: 1 },
    },
  );
  // Whoever held the old password is signed out everywhere.
  await Session.deleteMany({ userId: user._id });
  await recordAudit(ac.clock, ac.actor, {
    action: 'user.resetPassword',
    targetType: 'user',
    targetId: String(user._id),
    regionPath,
    before: { mustChangePassword: user.mustChangePassword, lockedUntil: user.lockedUntil ?? null },
    after: { mustChangePassword: true, lockedUntil: null },
    reason: messages.resetReason,
  });
  return {
    user: {
      ...accountView(user, ac.clock()),
      locked: user.locked,
      lockedUntil: null,
      mustChangePassword: true,
    },
    oneTimePassword,
  };
}

export async function lockSchoolAdmin(ac: ActionContext, userId: string) {
  const { user, regionPath } = await managedSchoolAdmin(ac.binding, userId);
  if (!user.locked) {
    await User.updateOne({ _id: user._id }, { $set: { locked: true } });
    await Session.deleteMany({ userId: user._id });
    await recordAudit(ac.clock, ac.actor, {
      action: 'user.lock',
      targetType: 'user',
      targetId: String(user._id),
      regionPath,
      before: { locked: false },
      after: { locked: true },
    });
  }
  return { user: { ...accountView(user, ac.clock()), locked: true } };
}

/** Seed 000 §3.4: the former admin can be unlocked only until a replacement has been added. */
export async function unlockSchoolAdmin(ac: ActionContext, userId: string) {
  const { user, entries, regionPath } = await managedSchoolAdmin(ac.binding, userId);
  const retired = entries.filter((e) => !e.binding.active);
  if (retired.length > 0) {
    const replaced = await Promise.all(
      retired.map(async (e) =>
        (await schoolAdminUsers(e.school._id)).some(
          (u) =>
            !u._id.equals(user._id) && u.bindings.some((b) => isSchoolAdminOf(b, e.school._id) && b.active),
        ),
      ),
    );
    if (replaced.some(Boolean)) throw new ConflictError(messages.replacedCannotUnlock, 'ADMIN_REPLACED');
    throw new ConflictError(messages.removedCannotUnlock, 'ADMIN_REMOVED');
  }
  // Either lock ends: the manager's, and a wrong-password lock still running (with its failure count).
  const before = lockState(user, ac.clock());
  if (before.locked) {
    await User.updateOne(
      { _id: user._id },
      { $set: { locked: false, failedLogins: 0 }, $unset: { lockedUntil: 1 } },
    );
    await recordAudit(ac.clock, ac.actor, {
      action: 'user.unlock',
      targetType: 'user',
      targetId: String(user._id),
      regionPath,
      before,
      after: { locked: false, lockedUntil: null },
    });
  }
  return { user: { ...accountView(user, ac.clock()), locked: false, lockedUntil: null } };
}

// ---------------------------------------------------------------------------------------------
// Replacing and removing a school's admin

/**
 * Seed 000 §3.4 新增用户: a new school-admin account (generated login name, password 123456, forced change).
 * The previous admins' bindings become inactive first, so a crash between the steps leaves the school
 * with no admin rather than two, and repeating the request completes it. Only one admin is active.
 */
export async function addSchoolAdmin(ac: ActionContext, schoolId: string, name?: string) {
  requireRegionManager(ac.binding);
  const school = await getSchoolWithin(ac.binding, schoolId);
  const replaced: string[] = [];
  for (const old of await schoolAdminUsers(school._id)) {
    for (const b of old.bindings.filter((x) => isSchoolAdminOf(x, school._id) && x.active)) {
      await deactivateBinding(old, b._id);
      replaced.push(String(old._id));
      await recordAudit(ac.clock, ac.actor, {
        action: 'schoolAdmin.replace',
        targetType: 'user',
        targetId: String(old._id),
        regionPath: school.regionPath,
        before: { schoolId: String(school._id), active: true },
        after: { schoolId: String(school._id), active: false },
      });
    }
  }
  const passwordHash = await hashPassword(SCHOOL_ADMIN_INITIAL_PASSWORD);
  const adminName = name?.trim() || messages.defaultAdminName(school.name);
  const created = await createSchoolAccount(school, 'admin', adminName, passwordHash);
  if (!created) throw new ConflictError(messages.loginNameExhausted, 'LOGIN_NAME_EXHAUSTED');
  await recordAudit(ac.clock, ac.actor, {
    action: 'schoolAdmin.add',
    targetType: 'user',
    targetId: String(created._id),
    regionPath: school.regionPath,
    before: null,
    after: { loginName: created.loginName, name: created.name, schoolId: String(school._id) },
  });
  return {
    admin: {
      id: String(created._id),
      loginName: created.loginName,
      name: created.name,
      initialPassword: SCHOOL_ADMIN_INITIAL_PASSWORD,
    },
    replacedUserIds: replaced,
  };
}

/** Seed 003 Q2 for schools: remove the current admin so a permission code can bind a new one. */
export async function removeSchoolAdmin(ac: ActionContext, schoolId: string, userId: string) {
  requireRegionManager(ac.binding);
  const school = await getSchoolWithin(ac.binding, schoolId);
  const user = await User.findById(userId).lean<UserDoc>();
  const active = user?.bindings.filter((b) => isSchoolAdminOf(b, school._id) && b.active) ?? [];
  if (!user || active.length === 0)
    throw new NotFoundError(messages.notAdminOfSchool, 'SCHOOL_ADMIN_NOT_FOUND');
  for (const b of active) await deactivateBinding(user, b._id);
  await recordAudit(ac.clock, ac.actor, {
    action: 'schoolAdmin.remove',
    targetType: 'user',
    targetId: String(user._id),
    regionPath: school.regionPath,
    before: { schoolId: String(school._id), active: true },
    after: { schoolId: String(school._id), active: false },
  });
  return { removed: active.map((b) => ({ ...bindingView(b), active: false })) };
}

// ---------------------------------------------------------------------------------------------
// Export (seed 000 §2.6, §3.3)

interface ExportAdmin {
  loginName: string;
  name: string;
  mobile?: string;
  email?: string;
  locked: boolean;
  mustChangePassword: boolean;
}

/**
 * Checks access, then returns a stream the XLSX is being written into. The seed's "直管学校管理员" export
 * (direct = true) is the default; direct = false exports the whole subtree in one go.
 */
export async function openSchoolAdminExport(
  binding: Binding | undefined,
  code: string,
  direct: boolean,
): Promise<{ filename: string; stream: PassThrough }> {
  requireRegionManager(binding);
  const region = await getRegionWithin(binding, code);
  const stream = new PassThrough();
  writeSchoolAdminExport(region, direct, stream).catch((err) => stream.destroy(err as Error));
  return { filename: messages.exportFile(region.name, direct), stream };
}

async function writeSchoolAdminExport(region: RegionDoc, direct: boolean, out: PassThrough): Promise<void> {
  const code = region._id;
  const national = code === NATIONAL_CODE;
  // Pass 1: the active admin of every school in scope, one streamed scan of the accounts.
  const admins = new Map<string, ExportAdmin>();
  const userFilter: Record<string, unknown> = direct
    ? { 'bindings.regionCode': code }
    : national
      ? { 'bindings.kind': 'school' }
      : { $or: [{ 'bindings.regionPath': code }, { 'bindings.regionCode': code }] };
  const users = User.find(userFilter)
    .select('loginName name mobile email locked mustChangePassword bindings')
    .lean<UserDoc[]>()
    .cursor();
  for await (const u of users as AsyncIterable<UserDoc>) {
    for (const b of u.bindings) {
      if (!isSchoolAdminOf(b) || !b.active) continue;
      const inScope = direct
        ? b.regionCode === code
        : national || b.regionCode === code || b.regionPath.includes(code);
      if (inScope) admins.set(String(b.schoolId), u);
    }
  }
  const regionNames = new Map<string, string>([[code, region.name]]);
  if (!direct) {
    const below = await Region.find(national ? {} : { path: code })
      .select('_id name')
      .lean<RegionDoc[]>();
    for (const r of below) regionNames.set(r._id, r.name);
  }

  // Pass 2: the schools, streamed row by row into the workbook.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(messages.exportSheet);
  sheet.addRow(messages.exportHeaders).commit();
  const schoolFilter = direct ? { regionCode: code } : national ? {} : { regionPath: code };
  const schools = School.find(schoolFilter).sort({ regionCode: 1, name: 1 }).lean<SchoolDoc[]>().cursor();
  let seq = 0;
  for await (const s of schools as AsyncIterable<SchoolDoc>) {
    const a = admins.get(String(s._id));
    sheet
      .addRow([
        ++seq,
        regionNames.get(s.regionCode) ?? s.regionCode,
        s.name,
        s.type,
        s.status,
        s.initialized ? messages.yes : messages.no,
        a?.loginName ?? '',
        a?.name ?? '',
        a?.mobile ?? '',
        a?.email ?? '',
        a ? (a.locked ? messages.accountLocked : messages.accountNormal) : messages.noAdmin,
        a ? (a.mustChangePassword ? messages.firstLoginPending : messages.firstLoginDone) : '',
      ])
      .commit();
  }
  sheet.commit();
  await workbook.commit();
}
