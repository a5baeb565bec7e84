// 高等学校 (seed 002 §7, §8, §18): a university has its own 管理员 (fills and keeps the data), 审核员
// (reviews and reports upward) and 视察员 (looks on); every other school has one 管理员 who does both.
// Pure rules over schools, used by the reporting workflow.
import type { SchoolDoc } from '../schools/model';

/** The roles a university's own staff hold (school bindings); other schools have only `admin`. */
export const UNIVERSITY_ROLES = ['admin', 'auditor', 'inspector'] as const;
export type UniversityRole = (typeof UNIVERSITY_ROLES)[number];

/** Whether the school is a 高等学校 (it then reports through its own 审核员). */
export function isUniversity(school: Pick<SchoolDoc, 'higherEducation'>): boolean {
  return !!school.higherEducation;
}

// Who fills, submits and reads a university's report: access/reports.ts (`maySubmitReport`: its 审核员).
