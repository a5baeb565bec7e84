// The schools the national level manages itself — 部属高校 (universities/) — at the provinces' deadline
// (seed 002 §18: 省级教育行政部门和部属高校每季度首月 11 日至 15 日审核上报; 如未在规定上报时间内上报数据，
// 系统将按上报截至时间的现有数据自动上报). A few dozen nationwide: one at a time, through the same
// transition as any unit's own auto-submission, so each is idempotent and a rerun after a crash finishes.
import { NATIONAL_CODE } from '@eduprogress/shared';
import type { Types } from 'mongoose';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { autoSubmitOwn } from './deadline-close';
import { Report, reportId, type ReportDoc } from './model';
import type { ReportDeps, Unit } from './service';

/**
 * Reports every school managed by the national level that is not reported yet, with its data as it
 * stands (a return whose own time limit still runs is left to run). They stay `submitted`: the national
 * level reports to no one, so nothing above locks them — as with the provinces' own reports. A school
 * created after `deadline` without a report of `period` is no unit of it (rules.ts `countsInPeriod`).
 * Returns how many of them stand auto-submitted at this deadline (by this run or an earlier one).
 * `schoolIds`: the national level's schools when already known (read by `_id`, ≤ 1,000), else found by a scan.
 */
export async function autoSubmitNationalSchools(
  deps: ReportDeps,
  period: string,
  reason: string,
  deadline: Date,
  schoolIds?: Types.ObjectId[],
): Promise<number> {
  const national = await Region.findById(NATIONAL_CODE).lean<RegionDoc>();
  if (!national || schoolIds?.length === 0) return 0;
  // By `_id` when the caller found them in its own pass over the schools (a `regionCode` filter is one
  // scan of every school in one command on FerretDB).
  const schools = await School.find(
    schoolIds ? { _id: { $in: schoolIds }, regionCode: NATIONAL_CODE } : { regionCode: NATIONAL_CODE },
  ).lean<SchoolDoc[]>();
  const now = deps.clock();
  let auto = 0;
  for (const school of schools) {
    const id = reportId(period, { schoolId: school._id });
    const late = school.createdAt && school.createdAt >= deadline && school.createdAt <= now;
    if (late && !(await Report.exists({ _id: id }))) continue;
    const unit: Unit = { kind: 'school', school, managing: national, level: 'province' };
    await autoSubmitOwn(deps, unit, period, reason);
    const after = await Report.findById(id, { autoSubmitted: 1, submittedAt: 1 }).lean<ReportDoc>();
    if (after?.autoSubmitted && after.submittedAt && after.submittedAt >= deadline) auto++;
  }
  return auto;
}
