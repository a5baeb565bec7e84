// 高等学校 (seed 002 §7, §8, §13, §18): a school is designated a university by the region admins above it,
// and gets its own 审核员 and 视察员 accounts beside its 管理员. A provincial university is a direct school
// of its province, so it reports in the province's window (seed 002 §18: 省级 … 每季度首月 11 日至 15 日)
// and its withdrawals and returns are decided by the province. A 部属高校 reports to the ministry: it is a
// school the national level manages itself (regionCode 000000), in the same window (§18: 省级教育行政部门
// 和部属高校), and its accounts are handed out by the national level (§13).
import { User, type Binding, type UserDoc } from '../accounts/model';
import {
  deactivateBinding,
  getSchoolWithin,
  requireRegionManager,
  type ActionContext,
} from '../schools/admin-accounts';
import { hashPassword } from '../accounts/passwords';
import { recordAudit } from '../audit/service';
import { NATIONAL_CODE, type CalendarConfig } from '@eduprogress/shared';
import { ConflictError, ForbiddenError, ValidationError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { School, schoolView, type SchoolDoc } from '../schools/model';
import { createSchoolAccount } from '../schools/staff-account';
import { schoolAdminUsers } from '../schools/admins';
import { transferSchool } from '../schools/service';
import { isUniversity, type UniversityRole } from './rules';

const messages = {
  notProvinceDirect: '高等学校须为省级直管学校：请先把学校迁入省级地区（省直属）',
  nationalOnly: '部属高校由教育部（全国）直接管理：设为部属高校或更改部属高校，只能由全国管理员操作',
  noProvince: '无法确定该校所在的省份，请先把学校迁入其所在省份',
  notUniversity: '只有高等学校设审核员和视察员，其他学校只设一名管理员',
  staffName: (school: string, label: string) => `${school}${label}`,
  exhausted: '暂时无法生成登录名，请稍后重试',
};

export const STAFF_LABELS: Record<UniversityRole, string> = {
  admin: '管理员',
  auditor: '审核员',
  inspector: '视察员',
};
/** Seed 000: a new school account's initial password (changed at first login). */
const INITIAL_PASSWORD = '123456';

/** A 高等学校's kind: `provincial` (a province's direct school) or `ministry` (部属高校, run by the ministry). */
export type UniversityKind = 'provincial' | 'ministry';

const isNationalAdmin = (b: Binding | undefined) =>
  b?.kind === 'region' && b.regionCode === NATIONAL_CODE && b.role === 'admin';

/**
 * Marks a school as a 高等学校 or an ordinary school again (`null`). Seed 002 §7, §13, §18.
 * - `provincial`: a direct school of a province (400 NOT_PROVINCE_DIRECT otherwise), reporting in the
 *   province's window to the province; designated by a region manager governing it.
 * - `ministry` (部属高校): reports to the ministry (national level) in the provinces' window, so it is moved
 *   under the national level itself (the ordinary transfer, resumable, with `higherEducation` and the
 *   province it stands in, `locatedIn`, set in the same update): only the national level governs it from
 *   then on — its progress row, returns and withdrawal decisions are the national level's, the province
 *   no longer sees it. National 管理员 only (403 NATIONAL_ONLY), as is every change of a 部属高校's kind
 *   (it goes back to the province it stands in).
 * Caller outside the school's jurisdiction: 403 OUTSIDE_JURISDICTION. Audited (`school.higherEducation`,
 * and `school.transfer` for a move). Returns the school's view.
 */
export async function designateUniversity(
  ac: ActionContext & { calendar?: CalendarConfig },
  schoolId: string,
  kind: UniversityKind | null,
) {
  requireRegionManager(ac.binding);
  let school = await getSchoolWithin(ac.binding, schoolId);
  const before = school.higherEducation ?? null;
  const ministryNow = before === 'ministry' || school.regionCode === NATIONAL_CODE;
  if ((kind === 'ministry' || ministryNow) && !isNationalAdmin(ac.binding))
    throw new ForbiddenError(messages.nationalOnly, 'NATIONAL_ONLY');
  const deps = { clock: ac.clock, calendar: ac.calendar };
  if (kind === 'ministry') {
    const province = school.regionCode === NATIONAL_CODE ? school.locatedIn : school.regionPath[1];
    if (!province)
      throw new ValidationError(messages.noProvince, { property: 'higherEducation' }, 'NOT_IN_PROVINCE');
    if (school.regionCode !== NATIONAL_CODE) {
      await transferSchool(deps, ac, schoolId, NATIONAL_CODE, {
        set: { higherEducation: 'ministry', locatedIn: province },
        toNational: true,
      });
    } else if (before !== 'ministry') {
      await School.updateOne(
        { _id: school._id },
        { $set: { higherEducation: 'ministry', locatedIn: province } },
      );
    }
  } else if (ministryNow) {
    // Back to the province it stands in, as a provincial university or an ordinary direct school.
    const province = school.locatedIn;
    if (!province)
      throw new ValidationError(messages.noProvince, { property: 'higherEducation' }, 'NOT_IN_PROVINCE');
    if (school.regionCode === NATIONAL_CODE)
      await transferSchool(deps, ac, schoolId, province, {
        ...(kind ? { set: { higherEducation: kind } } : {}),
        unset: kind ? ['locatedIn'] : ['higherEducation', 'locatedIn'],
      });
    else
      await School.updateOne(
        { _id: school._id },
        kind
          ? { $set: { higherEducation: kind }, $unset: { locatedIn: 1 } }
          : { $unset: { higherEducation: 1, locatedIn: 1 } },
      );
  } else {
    const region = await Region.findById(school.regionCode).lean<RegionDoc>();
    if (kind && region?.level !== 'province')
      throw new ValidationError(
        messages.notProvinceDirect,
        { property: 'higherEducation' },
        'NOT_PROVINCE_DIRECT',
      );
    if (before !== kind)
      await School.updateOne(
        { _id: school._id },
        kind ? { $set: { higherEducation: kind } } : { $unset: { higherEducation: 1 } },
      );
  }
  if (before !== kind) {
    await recordAudit(ac.clock, ac.actor, {
      action: 'school.higherEducation',
      targetType: 'school',
      targetId: schoolId,
      regionPath: [...new Set([...school.regionPath, ...(school.locatedIn ? [school.locatedIn] : [])])],
      before: { higherEducation: before },
      after: { higherEducation: kind },
    });
  }
  school = (await School.findById(school._id).lean<SchoolDoc>())!;
  return schoolView(school);
}

/**
 * The users of a university's staff bindings, through the school's `adminIds` hint list (staff ids are
 * noted there too; schools/admins.ts), not a scan of every user's bindings.
 */
async function staffUsers(school: SchoolDoc): Promise<UserDoc[]> {
  await schoolAdminUsers(school._id); // fills the hint list of a school written without it
  const hint = await School.findById(school._id, { adminIds: 1 }).lean<SchoolDoc>();
  const ids = hint?.adminIds ?? [];
  return ids.length ? User.find({ _id: { $in: ids } }).lean<UserDoc[]>() : [];
}

function staffOf(users: UserDoc[], school: SchoolDoc) {
  return users.flatMap((u) =>
    u.bindings
      .filter((b) => b.kind === 'school' && b.active && b.schoolId?.equals(school._id))
      .map((b) => ({
        id: String(u._id),
        loginName: u.loginName,
        name: u.name,
        role: b.role,
        roleLabel: STAFF_LABELS[b.role as UniversityRole] ?? b.role,
      })),
  );
}

/** The university's 管理员, 审核员 and 视察员 (active bindings). Caller: a region manager governing it. */
export async function listUniversityStaff(ac: Pick<ActionContext, 'binding'>, schoolId: string) {
  requireRegionManager(ac.binding);
  const school = await getSchoolWithin(ac.binding, schoolId);
  const users = await staffUsers(school);
  return {
    school: { id: schoolId, name: school.name, higherEducation: school.higherEducation ?? null },
    items: staffOf(users, school),
  };
}

/**
 * Seed 002 §7, §13: a new 审核员 or 视察员 account of a university (generated login name, password 123456,
 * changed at first login). One person per role: the previous holder's binding becomes inactive first, so
 * a crash in between leaves none rather than two. 409 NOT_UNIVERSITY for an ordinary school (one admin).
 */
export async function addUniversityStaff(
  ac: ActionContext,
  schoolId: string,
  role: Exclude<UniversityRole, 'admin'>,
  name?: string,
) {
  requireRegionManager(ac.binding);
  const school = await getSchoolWithin(ac.binding, schoolId);
  if (!isUniversity(school)) throw new ConflictError(messages.notUniversity, 'NOT_UNIVERSITY');
  for (const old of await staffUsers(school)) {
    for (const b of old.bindings.filter(
      (x) => x.schoolId?.equals(school._id) && x.role === role && x.active,
    )) {
      await deactivateBinding(old, b._id);
      await recordAudit(ac.clock, ac.actor, {
        action: 'universityStaff.replace',
        targetType: 'user',
        targetId: String(old._id),
        regionPath: school.regionPath,
        before: { schoolId: schoolId, role, active: true },
        after: { schoolId: schoolId, role, active: false },
      });
    }
  }
  const passwordHash = await hashPassword(INITIAL_PASSWORD);
  const staffName = name?.trim() || messages.staffName(school.name, STAFF_LABELS[role]);
  const created = await createSchoolAccount(school, role, staffName, passwordHash);
  if (!created) throw new ConflictError(messages.exhausted, 'LOGIN_NAME_EXHAUSTED');
  await recordAudit(ac.clock, ac.actor, {
    action: 'universityStaff.add',
    targetType: 'user',
    targetId: String(created._id),
    regionPath: school.regionPath,
    before: null,
    after: { loginName: created.loginName, name: created.name, schoolId, role },
  });
  return {
    id: String(created._id),
    loginName: created.loginName,
    name: created.name,
    role,
    initialPassword: INITIAL_PASSWORD,
  };
}
