// 项目学校 (教学点数字教育资源全覆盖, seed 000 §4.3): the school declares, the county confirms or overrides.
import { DEFAULT_CALENDAR, type CalendarConfig } from '@eduprogress/shared';
import type { AuthContext } from '../accounts/service';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { ForbiddenError } from '../http/errors';
import { School, type SchoolDoc } from '../schools/model';
import { publishSchoolChange } from '../schools/service';
import { administersSchool, holdsRole } from '../access/rules';
import { schoolUnit } from './service';

const messages = {
  schoolOnly: '只有本校学校管理员可以申报项目学校',
  countyOnly: '只有学校所属区县的管理员可以确认项目学校',
};

async function setProject(
  clock: Clock,
  actor: Actor,
  school: SchoolDoc,
  value: 'declared' | 'confirmed' | null,
  action: string,
  calendar: CalendarConfig,
) {
  await School.updateOne(
    { _id: school._id },
    value ? { $set: { projectSchool: value } } : { $unset: { projectSchool: 1 } },
  );
  // 项目学校 decides which 教学点 indicators count the school: the statistics follow (issue 13 §2).
  const after: SchoolDoc = { ...school, projectSchool: value ?? undefined };
  if (!value) delete after.projectSchool;
  await publishSchoolChange({ clock, calendar }, school, after);
  await recordAudit(clock, actor, {
    action,
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    before: { projectSchool: school.projectSchool ?? null },
    after: { projectSchool: value },
  });
  return { schoolId: String(school._id), projectSchool: value };
}

export async function declareProjectSchool(
  clock: Clock,
  auth: AuthContext,
  actor: Actor,
  schoolId: string,
  declared: boolean,
  calendar: CalendarConfig = DEFAULT_CALENDAR,
) {
  const u = await schoolUnit(schoolId);
  if (u.kind !== 'school') throw new Error('unreachable');
  if (!administersSchool(auth.binding, u.school._id)) {
    throw new ForbiddenError(messages.schoolOnly, 'NOT_OWN_UNIT');
  }
  return setProject(clock, actor, u.school, declared ? 'declared' : null, 'school.project.declare', calendar);
}

export async function confirmProjectSchool(
  clock: Clock,
  auth: AuthContext,
  actor: Actor,
  schoolId: string,
  isProject: boolean,
  calendar: CalendarConfig = DEFAULT_CALENDAR,
) {
  const u = await schoolUnit(schoolId);
  if (u.kind !== 'school') throw new Error('unreachable');
  if (!holdsRole(auth.binding, u.school.regionCode, ['admin']))
    throw new ForbiddenError(messages.countyOnly, 'UPPER_LEVEL_ONLY');
  return setProject(
    clock,
    actor,
    u.school,
    isProject ? 'confirmed' : null,
    'school.project.confirm',
    calendar,
  );
}
