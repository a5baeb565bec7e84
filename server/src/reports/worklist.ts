// GET /regions/{code}/worklist: which period a region's pages open on, and what waits in each. A region
// works on its level's working period (rules.ts workingPeriod: the period just ended until its level's
// deadline, then the one under way — outside the windows that is the coming period, still empty); but
// when the period being reported up (上报期) holds work for the region — withdrawal requests of its direct
// units to decide, direct units returned and not yet reported again, its own report returned or its own
// withdrawal pending — that is where the region admin expects to land (seed 001 §18–19; DESIGN.md,
// Reporting calendar). The counts feed the badges on the period tabs and the review tabs.
import { reportingStateAt, type PeriodWork, type ReportState, type Worklist } from '@eduprogress/shared';
import type { AuthContext } from '../accounts/service';
import type { RegionDoc } from '../regions/model';
import { cachedChildren } from '../regions/tree';
import { schoolListSource } from '../schools/list-source';
import { Report, reportId, type ReportDoc } from './model';
import { regionWithin, type ProgressDeps } from './progress-view';
import { schoolReportingLevel, workingPeriod } from './rules';

/**
 * What waits in `period` for `region`: its direct schools' report states from the school list source
 * (on FerretDB the list index, read by `_id`; on MongoDB indexed counts), its child regions' reports and
 * its own read by `_id` — no query whose cost follows the size of `reports` (FerretDB/SQLite scans the
 * collection for any other filter).
 */
async function workIn(
  deps: ProgressDeps,
  region: RegionDoc,
  children: string[],
  period: string,
): Promise<PeriodWork> {
  const ownId = reportId(period, { regionCode: region._id });
  const [[schoolRequests, schoolReturned], reports] = await Promise.all([
    schoolListSource().then((source) =>
      source.directReportStates(deps, region._id, period, ['withdrawalRequested', 'returned']),
    ),
    Report.find(
      { _id: { $in: [ownId, ...children.map((c) => reportId(period, { regionCode: c }))] } },
      { state: 1 },
    ).lean<Pick<ReportDoc, '_id' | 'state'>[]>(),
  ]);
  const childReports = reports.filter((r) => r._id !== ownId);
  const regionsIn = (state: ReportState) => childReports.filter((r) => r.state === state).length;
  const withdrawalRequests = schoolRequests + regionsIn('withdrawalRequested');
  const returned = schoolReturned + regionsIn('returned');
  const ownState = reports.find((r) => r._id === ownId)?.state ?? null;
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
  const children = (await cachedChildren(code)).map((r) => r._id);
  const [working, reported] = await Promise.all([
    workIn(deps, region, children, workingName),
    reportedName === workingName ? undefined : workIn(deps, region, children, reportedName),
  ]);
  const landing = reported && reported.pending > 0 ? reportedName : workingName;
  return { working, reported: reported ?? working, landing };
}
