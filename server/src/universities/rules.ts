// 高等学校 (seed 002 §7, §8, §18): a university has its own 管理员 (fills and keeps the data), 审核员
// (reviews and reports upward) and 视察员 (looks on); every other school has one 管理员 who does both.
// Pure rules over bindings and schools, used by the reporting workflow.
import type { Binding } from '../accounts/model';
import type { SchoolDoc } from '../schools/model';

/** The roles a university's own staff hold (school bindings); other schools have only `admin`. */
export const UNIVERSITY_ROLES = ['admin', 'auditor', 'inspector'] as const;
export type UniversityRole = (typeof UNIVERSITY_ROLES)[number];

/** Whether the school is a 高等学校 (it then reports through its own 审核员). */
export function isUniversity(school: Pick<SchoolDoc, 'higherEducation'>): boolean {
  return !!school.higherEducation;
}

/** A school binding of `school` with one of `roles`. */
export function holdsSchoolRole(
  b: Binding | undefined,
  school: Pick<SchoolDoc, '_id'>,
  roles: readonly string[],
): boolean {
  return !!b && b.kind === 'school' && !!b.schoolId?.equals(school._id) && roles.includes(b.role);
}

/**
 * Who reports a school's data upward (上报, 确认无变化): a university's 审核员 (seed 002 §8: 审核员负责本级
 * 数据的审核与上报), another school's 管理员.
 */
export function maySubmitForSchool(
  b: Binding | undefined,
  school: Pick<SchoolDoc, '_id' | 'higherEducation'>,
) {
  return holdsSchoolRole(b, school, isUniversity(school) ? ['auditor'] : ['admin']);
}
