// Who may do what to a report (seed 001 §15–§18; 002 §8 for 高等学校), in one file: one predicate per
// action and one assert. Pure (no I/O); the state, period and deadline checks stay in
// reports/service.ts. Table-tested in test/server/access/reports.test.ts: every role × level × action.
//
//   action              school report                          region report (county, city, province)
//   read                the school's own staff, regions above   a region binding of it or above
//   edit (填报)          the school's 管理员                       the region's 管理员
//   submit (上报)         the school's 管理员; a university's 审核员 the region's 审核员
//   requestWithdrawal   the school's 管理员                       the region's 管理员 or 审核员
//   decideWithdrawal    the managing region's 管理员 or 审核员      the parent region's 管理员 or 审核员
//   return (退回)        as decideWithdrawal                     as decideWithdrawal
//   lock (锁定)          the upper region's 审核员, by submitting its own report (reports/service.ts lockBelow;
//                      the nation has no report: nobody locks a province's)
//
// 视察员 (inspector) and teachers only read what they reach; nobody acts on a unit outside their jurisdiction.
import { NATIONAL_CODE } from '@eduprogress/shared';
import type { Types } from 'mongoose';
import type { Binding } from '../accounts/model';
import { ForbiddenError } from '../http/errors';
import { belongsToSchool, governsCode, holdsRole, reachesSchool } from './rules';

const messages = {
  outside: '该单位不在您的管辖范围内',
  notOwnUnit: '只能填报本单位的数据',
  fillerOnly: '只有本级管理员可以填报本级数据',
  auditorOnly: '只有本级审核员可以审核并向上级上报',
  upperOnly: '只有上级管理员或审核员可以处理此事项',
};

/** What can be done to a report. */
export type ReportAction =
  'read' | 'edit' | 'submit' | 'requestWithdrawal' | 'decideWithdrawal' | 'return' | 'lock';

export const REPORT_ACTIONS: readonly ReportAction[] = [
  'read',
  'edit',
  'submit',
  'requestWithdrawal',
  'decideWithdrawal',
  'return',
  'lock',
];

/**
 * A reporting unit as the rules see it: a school (its managing region and that region's path including
 * it; `higherEducation` set for a 高等学校) or a region (its ancestors, root first, and its parent).
 */
export type ReportUnit =
  | {
      kind: 'school';
      school: {
        _id: Types.ObjectId;
        regionCode: string;
        regionPath: readonly string[];
        higherEducation?: unknown;
      };
    }
  | { kind: 'region'; region: { _id: string; path: readonly string[]; parentCode?: string | null } };

/** The region whose 管理员 and 审核员 decide the unit's withdrawals and return it (null: the nation). */
export function upperRegionOf(u: ReportUnit): string | null {
  return u.kind === 'school' ? u.school.regionCode : (u.region.parentCode ?? null);
}

/** A school binding of the school with one of `roles`. */
function holdsSchoolRole(b: Binding | undefined, schoolId: Types.ObjectId, roles: readonly string[]) {
  return belongsToSchool(b, schoolId) && roles.includes(b!.role);
}

/** The unit's own staff, or anyone governing it from above, may read its report. */
export function mayReadReport(b: Binding | undefined, u: ReportUnit): boolean {
  if (u.kind === 'school') return reachesSchool(b, u.school);
  return governsCode(b, u.region._id, u.region.path);
}

/** Who fills the unit's own data: the school's 管理员, or the region's 管理员. */
export function mayEditReport(b: Binding | undefined, u: ReportUnit): boolean {
  if (u.kind === 'school') return holdsSchoolRole(b, u.school._id, ['admin']);
  return holdsRole(b, u.region._id, ['admin']);
}

/** Who reports upward (上报, 确认无变化): a university's 审核员, another school's 管理员, a region's 审核员. */
export function maySubmitReport(b: Binding | undefined, u: ReportUnit): boolean {
  if (u.kind === 'school')
    return holdsSchoolRole(b, u.school._id, u.school.higherEducation ? ['auditor'] : ['admin']);
  return holdsRole(b, u.region._id, ['auditor']);
}

/** Who asks the upper level to reopen a reported report: the school's 管理员, the region's 管理员 or 审核员. */
export function mayRequestWithdrawal(b: Binding | undefined, u: ReportUnit): boolean {
  if (u.kind === 'school') return holdsSchoolRole(b, u.school._id, ['admin']);
  return holdsRole(b, u.region._id, ['admin', 'auditor']);
}

/** Who decides a withdrawal request and who returns a report: the upper region's 管理员 or 审核员. */
export function mayDecideForUnit(b: Binding | undefined, u: ReportUnit): boolean {
  const upper = upperRegionOf(u);
  return upper !== null && holdsRole(b, upper, ['admin', 'auditor']);
}

/**
 * Whose submission locks the unit's report: the upper region's 审核员 submitting its own report. The
 * national level has no report of its own, so nobody locks a province's.
 */
export function mayLockReport(b: Binding | undefined, u: ReportUnit): boolean {
  const upper = upperRegionOf(u);
  return upper !== null && upper !== NATIONAL_CODE && holdsRole(b, upper, ['auditor']);
}

/** Whether the binding may do `action` to the unit's report (reading it included). */
export function mayActOnReport(b: Binding | undefined, u: ReportUnit, action: ReportAction): boolean {
  if (!mayReadReport(b, u)) return false;
  switch (action) {
    case 'read':
      return true;
    case 'edit':
      return mayEditReport(b, u);
    case 'submit':
      return maySubmitReport(b, u);
    case 'requestWithdrawal':
      return mayRequestWithdrawal(b, u);
    case 'decideWithdrawal':
    case 'return':
      return mayDecideForUnit(b, u);
    case 'lock':
      return mayLockReport(b, u);
  }
}

/**
 * Throws 403 unless the binding may do `action` to the unit's report: OUTSIDE_JURISDICTION for a unit it
 * cannot read; NOT_OWN_UNIT (school edit, submit and withdrawal requests by others than its staff; region
 * withdrawal requests), ROLE_REQUIRED (a region's data by a non-管理员, a submission by a non-审核员),
 * UPPER_LEVEL_ONLY (decisions, returns, locks by others than the upper level), each with a zh-CN message.
 */
export function assertReportAction(b: Binding | undefined, u: ReportUnit, action: ReportAction): void {
  if (mayActOnReport(b, u, action)) return;
  if (!mayReadReport(b, u)) throw new ForbiddenError(messages.outside, 'OUTSIDE_JURISDICTION');
  switch (action) {
    case 'edit':
      if (u.kind === 'school') throw new ForbiddenError(messages.notOwnUnit, 'NOT_OWN_UNIT');
      throw new ForbiddenError(messages.fillerOnly, 'ROLE_REQUIRED');
    case 'submit':
      // Outside a university the 管理员 submits: refused as an edit would be.
      if (u.kind === 'school' && !u.school.higherEducation)
        throw new ForbiddenError(messages.notOwnUnit, 'NOT_OWN_UNIT');
      throw new ForbiddenError(messages.auditorOnly, 'ROLE_REQUIRED');
    case 'requestWithdrawal':
      throw new ForbiddenError(messages.notOwnUnit, 'NOT_OWN_UNIT');
    default:
      throw new ForbiddenError(messages.upperOnly, 'UPPER_LEVEL_ONLY');
  }
}
