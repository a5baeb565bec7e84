// Teachers whose school is missing (seed 003 第五部分 问题 1): a teacher whose school is not in the system
// applies with 「其他」 under a region; the region's 管理员 sees these teachers and places each in a school —
// an existing one, or one created on the spot (若学校确实不在平台里，请县区管理员联系新增学校). The teacher's
// application then waits for that school's admin to verify it, and the teacher gets a personal message.
import { Types } from 'mongoose';
import { maskMobile, toApiDateTime, VERIFICATION_LABELS } from '@eduprogress/shared';
import type { UserDoc } from '../accounts/model';
import { User } from '../accounts/model';
import { MANAGER_ROLES } from '@eduprogress/shared';
import { recordAudit } from '../audit/service';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { sendUserMessage } from '../messages/service';
import { Region, type RegionDoc } from '../regions/model';
import { governsRegion } from '../regions/service';
import { School, type SchoolDoc } from '../schools/model';
import { createSchool, type Caller, type CreateSchoolInput } from '../schools/service';
import { managingRegionOf, Teacher, type TeacherDoc } from './model';
import { afterTeacherWrite, bindTeacher } from './service';
import { noteUnplaced, UnplacedFill, UnplacedTeacher, type UnplacedDoc } from './unplaced';

const messages = {
  notManager: '只有地区管理员可以安排未选学校的教师',
  regionNotFound: (code: string) => `地区 ${code} 不存在`,
  regionOutside: '该地区不在您的管辖范围内',
  teacherNotFound: '教师不存在',
  teacherOutside: '该教师不在您的管辖范围内',
  alreadyPlaced: '该教师已选择了学校，无需安排',
  schoolNotFound: '学校不存在',
  schoolOutside: '该学校不在您的管辖范围内',
  schoolOrNew: '请指定已有学校（schoolId）或新建学校（newSchool），二者选一',
  messageTitle: '您已被安排到学校',
  messageBody: (school: string, region: string) =>
    `${region}管理员已将您安排到「${school}」。请等待该校管理员审核您的教师信息；如学校有误，请在个人信息中重新选择。`,
};

/** Fills the hint list from one scan of the teachers, once per database (idempotent if repeated). */
async function fillOnce(clock: Clock): Promise<void> {
  if (await UnplacedFill.exists({ _id: 'filled' })) return;
  for (const t of await Teacher.find({ schoolId: { $exists: false } }).lean<TeacherDoc[]>())
    await noteUnplaced(t);
  await UnplacedFill.updateOne({ _id: 'filled' }, { $setOnInsert: { at: clock() } }, { upsert: true });
}

function requireManager(caller: Caller) {
  const b = caller.binding;
  if (!b || b.kind !== 'region' || !b.regionCode || !MANAGER_ROLES.includes(b.role))
    throw new ForbiddenError(messages.notManager, 'ROLE_FORBIDDEN');
  return b;
}

export function unplacedItem(t: TeacherDoc) {
  return {
    id: String(t._id),
    name: t.name,
    account: maskMobile(t.mobile),
    regionCode: managingRegionOf(t),
    stage: t.stage,
    subject: t.subject,
    title: t.title,
    idType: t.idType ?? null,
    idNumber: t.idNumberMasked ?? null,
    appliedAt: toApiDateTime(t.appliedAt ?? t.createdAt),
    verification: t.verification,
    verificationLabel: VERIFICATION_LABELS[t.verification],
  };
}

/**
 * Teachers who applied with 「其他」 in the region's subtree, oldest application first (403 ROLE_FORBIDDEN
 * for non-managers, OUTSIDE_JURISDICTION for a region outside the caller's; personal data masked).
 */
export async function listUnplacedTeachers(
  clock: Clock,
  caller: Caller,
  code: string,
  query: { page: number; pageSize: number },
): Promise<Page<ReturnType<typeof unplacedItem>>> {
  const b = requireManager(caller);
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  if (!governsRegion(b, region)) throw new ForbiddenError(messages.regionOutside, 'OUTSIDE_JURISDICTION');
  await fillOnce(clock);
  const filter = { regionPath: code };
  const [hints, total] = await Promise.all([
    UnplacedTeacher.find(filter)
      .sort({ appliedAt: 1, _id: 1 })
      .skip(skipOf(query.page, query.pageSize))
      .limit(query.pageSize)
      .lean<UnplacedDoc[]>(),
    UnplacedTeacher.countDocuments(filter),
  ]);
  const teachers = await Promise.all(hints.map((h) => Teacher.findById(h._id).lean<TeacherDoc>()));
  return {
    items: teachers.filter((t): t is TeacherDoc => !!t && !t.schoolId).map(unplacedItem),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export interface PlacementInput {
  schoolId?: string;
  newSchool?: CreateSchoolInput;
}

/**
 * Places a teacher who chose 「其他」 in a school of the caller's jurisdiction: an existing one
 * (`schoolId`) or a new one (`newSchool`, created as `POST /schools` does, with its admin account). The
 * teacher moves to the school's region, its application stays pending for the school's admin, its
 * binding follows, it is told by a personal message; audited as `teacher.place`. Errors: 400 unless
 * exactly one of the two is given, 403 ROLE_FORBIDDEN / OUTSIDE_JURISDICTION (teacher or school),
 * 404 TEACHER_NOT_FOUND / SCHOOL_NOT_FOUND, 409 TEACHER_PLACED when it already has a school.
 */
export async function placeTeacher(
  deps: { clock: Clock; calendar?: import('@eduprogress/shared').CalendarConfig },
  caller: Caller,
  teacherId: string,
  input: PlacementInput,
) {
  const b = requireManager(caller);
  if (!!input.schoolId === !!input.newSchool)
    throw new ValidationError(messages.schoolOrNew, { property: 'schoolId' }, 'PLACEMENT_TARGET');
  const before = Types.ObjectId.isValid(teacherId)
    ? await Teacher.findById(teacherId).lean<TeacherDoc>()
    : null;
  if (!before) throw new NotFoundError(messages.teacherNotFound, 'TEACHER_NOT_FOUND');
  const code = managingRegionOf(before);
  if (!(code === b.regionCode || before.regionPath.includes(b.regionCode!)))
    throw new ForbiddenError(messages.teacherOutside, 'OUTSIDE_JURISDICTION');
  if (before.schoolId) {
    await noteUnplaced(before);
    throw new ConflictError(messages.alreadyPlaced, 'TEACHER_PLACED');
  }
  let school: SchoolDoc | null;
  let created: Awaited<ReturnType<typeof createSchool>> | undefined;
  if (input.newSchool) {
    created = await createSchool(deps, caller, input.newSchool);
    school = await School.findById(created.school.id).lean<SchoolDoc>();
  } else {
    school = Types.ObjectId.isValid(input.schoolId!)
      ? await School.findById(input.schoolId).lean<SchoolDoc>()
      : null;
    if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
    if (!school.regionPath.includes(b.regionCode!))
      throw new ForbiddenError(messages.schoolOutside, 'OUTSIDE_JURISDICTION');
  }
  const now = deps.clock();
  await Teacher.updateOne(
    { _id: before._id },
    {
      $set: {
        schoolId: school!._id,
        regionCode: school!.regionCode,
        regionPath: school!.regionPath,
        updatedAt: now,
      },
    },
  );
  const after = (await Teacher.findById(before._id).lean<TeacherDoc>())!;
  const user = after.userId ? await User.findById(after.userId).lean<UserDoc>() : null;
  if (user) await bindTeacher(user, after);
  await afterTeacherWrite(deps, before, after);
  await noteUnplaced(after);
  await recordAudit(deps.clock, caller.actor, {
    action: 'teacher.place',
    targetType: 'teacher',
    targetId: String(after._id),
    regionPath: [...new Set([...before.regionPath, ...after.regionPath])],
    before: { schoolId: null, regionCode: code },
    after: { schoolId: String(school!._id), regionCode: school!.regionCode, newSchool: !!created },
  });
  if (after.userId) {
    const region = await Region.findById(b.regionCode).lean<RegionDoc>();
    await sendUserMessage(deps.clock, {
      id: `teacher-placed:${String(after._id)}:${String(school!._id)}`,
      userId: after.userId,
      kind: 'teacher.placed',
      title: messages.messageTitle,
      body: messages.messageBody(school!.name, region?.name ?? ''),
      link: { type: 'school', id: String(school!._id) },
    });
  }
  return {
    teacher: { ...unplacedItem(after), schoolId: String(school!._id), schoolName: school!.name },
    ...(created ? { createdSchool: created } : {}),
  };
}
