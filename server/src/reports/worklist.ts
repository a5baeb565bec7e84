// GET /regions/{code}/worklist: which period a region's pages open on, and what waits in each. A region
// works on its level's working period (rules.ts workingPeriod: the period just ended until its level's
// deadline, then the one under way — outside the windows that is the coming period, still empty); but
// when the period being reported up (上报期) holds work for the region — withdrawal requests of its direct
// units to decide, direct units returned and not yet reported again, its own report returned or its own
// withdrawal pending — that is where the region admin expects to land (seed 001 §18–19; DESIGN.md,
// Reporting calendar). The counts feed the badges on the period tabs and the review tabs.
import { reportingStateAt, type PeriodWork, type ReportState, type Worklist } from '@eduprogress/shared';
import type { AuthContext } from '../accounts/service';
import { Region, type RegionDoc } from '../regions/model';
import { Report, reportId, type ReportDoc } from './model';
import { regionWithin, type ProgressDeps } from './progress-view';
import { schoolReportingLevel, workingPeriod } from './rules';

/** Direct units of `region` (its schools, its child regions) with a report of `period` in `state`. */
async function countDirect(region: RegionDoc, children: string[], period: string, state: ReportState) {
  const [schools, regions] = await Promise.all([
    Report.countDocuments({ period, unitKind: 'school', regionCode: region._id, state }),
    children.length
      ? Report.countDocuments({ period, unitKind: 'region', regionCode: { $in: children }, state })
      : 0,
  ]);
  return schools + regions;
}

async function workIn(region: RegionDoc, children: string[], period: string): Promise<PeriodWork> {
  const [withdrawalRequests, returned, own] = await Promise.all([
    countDirect(region, children, period, 'withdrawalRequested'),
    countDirect(region, children, period, 'returned'),
    Report.findById(reportId(period, { regionCode: region._id }), { state: 1 }).lean<ReportDoc>(),
  ]);
  const ownState = own?.state ?? null;
  return {
    period,
    withdrawalRequests,
    returned,
    ownState,
    pending: withdrawalRequests + returned + Number(ownState === 'returned'),
  };
}

/**
 * The worklist of region `code` for its own level (the national level works with the provinces).
 * Readable by every role of the region or above (inspectors too). Errors: 404 REGION_NOT_FOUND,
 * 403 OUTSIDE_JURISDICTION.
 */
export async function getWorklist(deps: ProgressDeps, auth: AuthContext, code: string): Promise<Worklist> {
  const region = await regionWithin(auth, code);
  const now = deps.clock();
  const level = schoolReportingLevel(region) ?? 'county';
  const workingName = workingPeriod(now, level, deps.calendar).period;
  const reportedName = reportingStateAt(now, deps.calendar).period.name;
  const children = (await Region.find({ parentCode: code }, { _id: 1 }).lean<{ _id: string }[]>()).map(
    (r) => r._id,
  );
  const working = await workIn(region, children, workingName);
  const reported = reportedName === workingName ? working : await workIn(region, children, reportedName);
  const landing = reportedName !== workingName && reported.pending > 0 ? reportedName : workingName;
  return { working, reported, landing };
}
