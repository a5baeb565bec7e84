// Transferring a school between regions (002 §11): the common superior moves it, resumably.
import { regionScope } from '@eduprogress/shared';
import { Types } from 'mongoose';
import { governsRegion } from '../access/rules';
import { User, type Binding } from '../accounts/model';
import { hashPassword } from '../accounts/passwords';
import { recordAudit } from '../audit/service';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError, ForbiddenError, ValidationError } from '../http/errors';
import { Report } from '../reports/model';
import { publishDomainEvent } from '../events';
import { Teacher } from '../teachers/model';
import {
  type Caller,
  findRegion,
  findSchool,
  INITIAL_PASSWORD,
  managingProblem,
  messages,
  publishSchoolChange,
  requireManagerOf,
  type SchoolDeps,
} from './common';
import { resumeInterruptedImports } from './imports';
import { School, schoolView, type SchoolDoc, type SchoolView } from './model';
import { ensureSchoolAdmin } from './write';

// ---------------------------------------------------------------------------------------------
// Transfer

/** Moves every document derived from the school to its new region, then clears the marker. */
async function finishTransfer(
  deps: SchoolDeps,
  school: SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> },
): Promise<void> {
  const { to, toPath, from, fromPath } = school.transfer;
  const users = await User.find({ 'bindings.schoolId': school._id }, { bindings: 1 }).lean<
    { _id: Types.ObjectId; bindings: Binding[] }[]
  >();
  for (const user of users) {
    // FerretDB has no positional `$` update: address each matching binding by its index.
    const $set: Record<string, unknown> = {};
    user.bindings.forEach((b, i) => {
      if (b.schoolId?.equals(school._id)) {
        $set[`bindings.${i}.regionCode`] = to;
        $set[`bindings.${i}.regionPath`] = toPath;
      }
    });
    if (Object.keys($set).length) await User.updateOne({ _id: user._id }, { $set });
  }
  await Teacher.updateMany({ schoolId: school._id }, { $set: { regionPath: toPath } });
  await Report.updateMany(
    { schoolId: school._id, unitKind: 'school' },
    { $set: { regionCode: to, regionPath: toPath } },
  );
  // The list rows and the progress and statistics counts follow the school (a resumed transfer may
  // count twice; the periodic recount repairs that), then its row loses the transfer marker.
  const fromPlace = { ...school, regionCode: from, regionPath: fromPath };
  const toPlace = { ...school, regionCode: to, regionPath: toPath };
  await publishSchoolChange(deps, fromPlace, toPlace);
  await School.updateOne({ _id: school._id, 'transfer.to': to }, { $unset: { transfer: 1 } });
  await publishDomainEvent('school.marked', { schoolId: school._id });
}

/**
 * What a transfer may change beside the place, in the same atomic update of the school (a 部属高校's
 * designation: universities/service.ts), and whether the national level itself may be the target (only
 * for a 部属高校, which the national level manages directly; seed 002 §13, §18).
 */
export interface TransferExtras {
  set?: Partial<Pick<SchoolDoc, 'higherEducation' | 'locatedIn'>>;
  unset?: ('higherEducation' | 'locatedIn')[];
  toNational?: boolean;
}

export async function transferSchool(
  deps: SchoolDeps,
  caller: Caller,
  id: string,
  targetCode: string,
  extras: TransferExtras = {},
): Promise<SchoolView> {
  let school = await findSchool(id);
  const binding = requireManagerOf(caller.binding, school);
  const target = await findRegion(targetCode);
  if (!target)
    throw new ValidationError(
      messages.regionNotFound(targetCode),
      { property: 'regionCode' },
      'REGION_NOT_FOUND',
    );
  if (!governsRegion(binding, target)) {
    throw new ForbiddenError(messages.transferNeedsCommonSuperior(target.name), 'TRANSFER_NOT_ALLOWED', {
      from: school.regionCode,
      to: target._id,
    });
  }
  const problem = extras.toNational && target.level === 'national' ? undefined : managingProblem(target);
  if (problem) throw new ValidationError(problem, { property: 'regionCode' }, 'REGION_NOT_MANAGING');

  if (school.transfer) {
    // An earlier transfer stopped half-way: finish it before anything else.
    await finishTransfer(deps, school as SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> });
    school = await findSchool(id);
  }
  if (school.regionCode === target._id) return schoolView(school);

  const transfer = {
    from: school.regionCode,
    fromPath: school.regionPath,
    to: target._id,
    toPath: regionScope(target),
    startedAt: deps.clock(),
  };
  let moved: SchoolDoc | null;
  try {
    moved = await School.findOneAndUpdate(
      { _id: school._id, regionCode: school.regionCode },
      {
        $set: { ...extras.set, regionCode: transfer.to, regionPath: transfer.toPath, transfer },
        ...(extras.unset?.length ? { $unset: Object.fromEntries(extras.unset.map((k) => [k, 1])) } : {}),
      },
      { returnDocument: 'after' },
    ).lean<SchoolDoc>();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new ConflictError(messages.nameTaken(target.name, school.name), 'SCHOOL_NAME_TAKEN', {
      property: 'regionCode',
    });
  }
  if (!moved) throw new ConflictError(messages.schoolNotFound, 'SCHOOL_CHANGED');
  await finishTransfer(deps, moved as SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> });
  delete moved.transfer;
  await recordAudit(deps.clock, caller.actor, {
    action: 'school.transfer',
    targetType: 'school',
    targetId: String(school._id),
    // Both subtrees see the move in their trail: the common path plus both branches.
    regionPath: [...new Set([...transfer.fromPath, ...transfer.toPath])],
    before: { regionCode: transfer.from, regionPath: transfer.fromPath },
    after: { regionCode: transfer.to, regionPath: transfer.toPath },
  });
  return schoolView(moved);
}

/** Finishes creates, imports and transfers that a crash left half-done (for a start-up or periodic job). */
export async function resumeSchoolWrites(
  deps: SchoolDeps,
  opts: { staleMs?: number } = {},
): Promise<{ admins: number; imports: number; transfers: number }> {
  let passwordHash: string | undefined;
  const pending = await School.find({ setup: 'pendingAdmin' }).lean<SchoolDoc[]>();
  for (const school of pending) {
    passwordHash ??= await hashPassword(INITIAL_PASSWORD);
    await ensureSchoolAdmin(school, passwordHash, true);
    await School.updateOne({ _id: school._id }, { $unset: { setup: 1 } });
  }
  const imports = await resumeInterruptedImports(deps, opts);
  const moving = await School.find({ transfer: { $exists: true } }).lean<SchoolDoc[]>();
  for (const school of moving) {
    await finishTransfer(deps, school as SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> });
  }
  return { admins: pending.length, imports: imports.finished + imports.rolledBack, transfers: moving.length };
}
