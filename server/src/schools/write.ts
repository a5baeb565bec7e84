// Creating (with the admin account), editing and deleting a school (seed 000 part 2; 001 §12–13).
// No multi-document transactions: see service.ts for how half-done writes are settled.
import {
  NATIONAL_CODE,
  regionScope,
  roleLabel,
  type SchoolOwnership,
  type SchoolStatus,
  type SchoolType,
  type UrbanRuralType,
} from '@eduprogress/shared';
import { Types } from 'mongoose';
import { Session, User, type Binding } from '../accounts/model';
import { hashPassword } from '../accounts/passwords';
import { recordAudit } from '../audit/service';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import { publishDomainEvent } from '../events';
import { schoolAdminUsers } from './admins';
import {
  auditable,
  type Caller,
  findRegion,
  findSchool,
  findSchoolWithin,
  INITIAL_PASSWORD,
  managingRegion,
  messages,
  normalizeName,
  publishSchoolChange,
  requireManagerOf,
  requireRegionAdmin,
  type SchoolDeps,
} from './common';
import { reserveSchoolAdminLoginNames } from './login-names';
import { School, schoolView, type SchoolDoc, type SchoolSystem, type SchoolView } from './model';

// ---------------------------------------------------------------------------------------------
// Create (one school and its admin account)

export interface BasicInfoInput {
  type?: SchoolType;
  weak?: boolean;
  schoolSystem?: SchoolSystem;
  ownership?: SchoolOwnership;
  urbanRural?: UrbanRuralType;
  address?: string;
  postcode?: string;
}

export interface CreateSchoolInput extends BasicInfoInput {
  name: string;
  type: SchoolType;
  regionCode: string;
}

export interface CreatedAdmin {
  id: string;
  loginName: string;
  initialPassword: string;
}

export function optionalText(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

/** The school's admin account, created unless a half-finished earlier attempt already wrote it. */
export async function ensureSchoolAdmin(
  school: SchoolDoc,
  passwordHash: string,
  resuming: boolean,
): Promise<{ id: string; loginName: string }> {
  // Only a resumed create can have written the account already.
  const existing = resuming ? (await schoolAdminUsers(school._id))[0] : undefined;
  if (existing) return { id: String(existing._id), loginName: existing.loginName };
  const userId = new Types.ObjectId();
  await publishDomainEvent('school.adminBinding', { schoolId: school._id, userId });
  for (let attempt = 0; ; attempt++) {
    try {
      const [loginName] = await reserveSchoolAdminLoginNames(school.regionCode, 1);
      const user = await User.create({
        _id: userId,
        loginName,
        name: messages.schoolAdminName(school.name),
        passwordHash,
        mustChangePassword: true,
        bindings: [
          {
            kind: 'school',
            role: 'admin',
            schoolId: school._id,
            regionCode: school.regionCode,
            regionPath: school.regionPath,
            active: true,
          },
        ],
      });
      return { id: String(user._id), loginName: user.loginName };
    } catch (err) {
      // Only loginName is unique on a fresh account: a concurrent creator took it, reserve again.
      if (!isDuplicateKey(err) || attempt >= 10) throw err;
    }
  }
}

export async function createSchool(
  deps: SchoolDeps,
  caller: Caller,
  input: CreateSchoolInput,
): Promise<{ school: SchoolView; admin: CreatedAdmin }> {
  const binding = requireRegionAdmin(caller.binding);
  const name = normalizeName(input.name);
  const region = await managingRegion(binding, input.regionCode, 'regionCode');
  let school: SchoolDoc;
  let created = false;
  try {
    const doc = await School.create({
      name,
      type: input.type,
      regionCode: region._id,
      regionPath: regionScope(region),
      weak: input.weak ?? false,
      schoolSystem: input.schoolSystem,
      ownership: input.ownership,
      urbanRural: input.urbanRural,
      address: optionalText(input.address),
      postcode: optionalText(input.postcode),
      setup: 'pendingAdmin',
      adminIds: [],
      // The injected clock's time, as imports do: which periods count the school depends on it.
      createdAt: deps.clock(),
    });
    school = doc.toObject<SchoolDoc>();
    created = true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await School.findOne({ regionCode: region._id, name }).lean<SchoolDoc>();
    // A school still marked pendingAdmin is an earlier attempt that stopped half-way: finish it.
    if (existing?.setup !== 'pendingAdmin') {
      throw new ConflictError(messages.nameTaken(region.name, name), 'SCHOOL_NAME_TAKEN', {
        property: 'name',
      });
    }
    school = existing;
  }
  let admin: { id: string; loginName: string };
  try {
    admin = await ensureSchoolAdmin(school, await hashPassword(INITIAL_PASSWORD), !created);
  } catch (err) {
    // A school without its admin account is useless: take it back, the client may simply retry.
    if (created) await School.deleteOne({ _id: school._id, setup: 'pendingAdmin' });
    throw err;
  }
  await School.updateOne({ _id: school._id }, { $unset: { setup: 1 } });
  delete school.setup;
  await publishSchoolChange(deps, null, school);
  await recordAudit(deps.clock, caller.actor, {
    action: 'school.create',
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    before: null,
    after: { ...auditable(school), adminLoginName: admin.loginName },
  });
  await recordAudit(deps.clock, caller.actor, {
    action: 'user.create',
    targetType: 'user',
    targetId: admin.id,
    regionPath: school.regionPath,
    before: null,
    after: { loginName: admin.loginName, role: 'admin', kind: 'school', schoolId: String(school._id) },
  });
  return {
    school: schoolView(school),
    admin: { id: admin.id, loginName: admin.loginName, initialPassword: INITIAL_PASSWORD },
  };
}

// ---------------------------------------------------------------------------------------------
// Edit

export interface UpdateSchoolInput extends BasicInfoInput {
  name?: string;
  status?: SchoolStatus;
}

/** The statuses a school admin may set on its own school (002 §11: 暂停招生). */
const SCHOOL_SETTABLE_STATUSES: readonly SchoolStatus[] = ['正常', '暂停招生'];

export async function updateSchool(
  deps: SchoolDeps,
  caller: Caller,
  id: string,
  input: UpdateSchoolInput,
): Promise<SchoolView> {
  const binding = caller.binding;
  const school = await findSchoolWithin(binding, id);
  // Region auditors and inspectors, and a university's 审核员 and 视察员, only read.
  if ((binding?.kind === 'region' || binding?.kind === 'school') && binding.role !== 'admin') {
    throw new ForbiddenError(messages.readOnly(roleLabel(binding.role)), 'ROLE_FORBIDDEN');
  }
  // Seed 003 FAQ 3: a school's name is changed by its county (managing region), not by the school.
  if (binding?.kind === 'school' && input.name !== undefined && input.name.trim() !== school.name) {
    throw new ForbiddenError(messages.renameByRegion, 'ROLE_FORBIDDEN');
  }
  if (binding?.kind === 'school' && input.status !== undefined && input.status !== school.status) {
    if (
      !SCHOOL_SETTABLE_STATUSES.includes(input.status) ||
      !SCHOOL_SETTABLE_STATUSES.includes(school.status)
    ) {
      throw new ForbiddenError(messages.schoolStatusOnly, 'ROLE_FORBIDDEN');
    }
  }
  const wanted: Record<string, unknown> = { ...input };
  if (input.name !== undefined) wanted.name = normalizeName(input.name);
  if (input.address !== undefined) wanted.address = optionalText(input.address);
  if (input.postcode !== undefined) wanted.postcode = optionalText(input.postcode);
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const current = (school as unknown as Record<string, unknown>)[key];
    if ((current ?? null) === (value ?? null)) continue;
    before[key] = current ?? null;
    after[key] = value ?? null;
    if (value === undefined) $unset[key] = 1;
    else $set[key] = value;
  }
  if (!Object.keys(after).length) return schoolView(school);
  $set.lastUpdatedAt = deps.clock();
  let updated: SchoolDoc | null;
  try {
    updated = await School.findOneAndUpdate(
      { _id: school._id },
      Object.keys($unset).length ? { $set, $unset } : { $set },
      { returnDocument: 'after' },
    ).lean<SchoolDoc>();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const region = await findRegion(school.regionCode);
    throw new ConflictError(
      messages.nameTaken(region?.name ?? school.regionCode, String(wanted.name)),
      'SCHOOL_NAME_TAKEN',
      {
        property: 'name',
      },
    );
  }
  if (!updated) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  await publishSchoolChange(deps, school, updated);
  if (after.name !== undefined) {
    // The admin account is named after the school: keep it readable (seed 000 §3.1).
    for (const user of await schoolAdminUsers(school._id)) {
      await User.updateOne(
        { _id: user._id, name: messages.schoolAdminName(school.name) },
        { $set: { name: messages.schoolAdminName(updated.name) } },
      );
    }
  }
  await recordAudit(deps.clock, caller.actor, {
    action: 'school.update',
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    before,
    after,
  });
  return schoolView(updated);
}

// ---------------------------------------------------------------------------------------------
// Delete

export interface DeleteSchoolOptions {
  force?: boolean;
  reason?: string;
}

export async function deleteSchool(
  deps: SchoolDeps,
  caller: Caller,
  id: string,
  opts: DeleteSchoolOptions = {},
): Promise<{ deletedAdmins: string[] }> {
  const school = await findSchool(id);
  const binding = requireManagerOf(caller.binding, school);
  if (opts.force && binding.regionCode !== NATIONAL_CODE) {
    throw new ForbiddenError(messages.forceNationalOnly, 'FORCE_NOT_ALLOWED');
  }
  if (school.initialized && !opts.force) {
    throw new ConflictError(messages.initialized, 'SCHOOL_INITIALIZED', { status: school.status });
  }
  // Derived documents first, the school last: a retry after a crash still finds the school.
  const users = await User.find({ 'bindings.schoolId': school._id }, { loginName: 1, bindings: 1 }).lean<
    { _id: Types.ObjectId; loginName: string; bindings: Binding[] }[]
  >();
  const removed: { id: string; loginName: string }[] = [];
  for (const user of users) {
    const others = user.bindings.filter((b) => !b.schoolId?.equals(school._id));
    if (others.length) {
      // Someone who also holds other roles keeps the account and loses only this school.
      await User.updateOne({ _id: user._id }, { $set: { bindings: others } });
    } else {
      removed.push({ id: String(user._id), loginName: user.loginName });
    }
  }
  if (removed.length) {
    const ids = removed.map((u) => new Types.ObjectId(u.id));
    await Session.deleteMany({ userId: { $in: ids } });
    await User.deleteMany({ _id: { $in: ids } });
  }
  await School.deleteOne({ _id: school._id });
  await publishSchoolChange(deps, school, null);
  await recordAudit(deps.clock, caller.actor, {
    action: opts.force ? 'school.forceDelete' : 'school.delete',
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    before: { ...auditable(school), adminLoginNames: removed.map((u) => u.loginName) },
    after: null,
    reason: opts.reason,
  });
  for (const u of removed) {
    await recordAudit(deps.clock, caller.actor, {
      action: 'user.delete',
      targetType: 'user',
      targetId: u.id,
      regionPath: school.regionPath,
      before: { loginName: u.loginName, schoolId: String(school._id) },
      after: null,
      reason: opts.reason,
    });
  }
  return { deletedAdmins: removed.map((u) => u.loginName) };
}
