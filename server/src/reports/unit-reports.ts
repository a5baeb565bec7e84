// GET /regions/{code}/reports: the reports of the units below a region for one period, filtered by
// state — what the region's 督促 and 审核 pages list (auto-submitted, awaiting a withdrawal decision,
// returned, submitted). Seed 000 §4.2 (上报进度、逾期未报、系统自动上报) and seed 001 §18–19 (撤报审批、退回).
import { REPORT_STATE_LABELS, REPORT_STATES, parsePeriod, toShanghaiIso } from '@eduprogress/shared';
import type { ReportState } from '@eduprogress/shared';
import type { Types } from 'mongoose';
import type { AuthContext } from '../accounts/service';
import { paginationQuery, skipOf, type Page } from '../http/pagination';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { Report, type ReportDoc } from './model';
import { defaultPeriod, regionWithin, type ProgressDeps } from './progress-view';

const period = { type: 'string', title: '期次', pattern: '^\\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$' } as const;

/** `?period=&state=&autoSubmitted=&direct=&page=&pageSize=` */
export const unitReportsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    period,
    state: { type: 'string', title: '报表状态', enum: [...REPORT_STATES] },
    autoSubmitted: { type: 'boolean', title: '是否系统自动上报' },
    direct: { type: 'boolean', title: '只列直接下级（直管学校与下一级地区）' },
    ...paginationQuery,
  },
} as const;

export interface UnitReportsQuery {
  period?: string;
  state?: ReportState;
  autoSubmitted?: boolean;
  direct?: boolean;
  page: number;
  pageSize: number;
}

/** One row: the unit (school or region), where it sits, and its report's state. */
export interface UnitReportRow {
  id: string;
  unit: { kind: 'school' | 'region'; id: string; name: string; regionCode: string; regionName: string };
  state: ReportState;
  stateLabel: string;
  autoSubmitted: boolean;
  submittedAt?: string;
  returnDeadline?: string;
  /** The reason of the last transition (a withdrawal request's, a return's). */
  lastReason?: string;
  updatedAt?: string;
}

/** The region above a region report's unit (its path may or may not end with the region itself). */
function parentOf(r: ReportDoc): string | undefined {
  const above = r.regionPath.filter((c) => c !== r.regionCode);
  return above[above.length - 1];
}

/**
 * The reports of the units below `code` (its schools and regions at any depth, or with `direct` only
 * its direct schools and direct child regions; never the region's own report), newest change first.
 * Readable by every role of the region or of a region above (inspectors included).
 * Errors: 404 REGION_NOT_FOUND, 403 OUTSIDE_JURISDICTION.
 */
export async function listUnitReports(
  deps: ProgressDeps,
  auth: AuthContext,
  code: string,
  query: UnitReportsQuery,
): Promise<Page<UnitReportRow> & { period: string }> {
  const region = await regionWithin(auth, code);
  const name = query.period ?? defaultPeriod(deps);
  parsePeriod(name);
  const filter: Record<string, unknown> = { period: name, regionPath: region._id };
  if (query.state) filter.state = query.state;
  if (query.autoSubmitted !== undefined) filter.autoSubmitted = query.autoSubmitted;
  const docs = (
    await Report.find(filter, {
      data: 0,
      issues: 0,
    }).lean<ReportDoc[]>()
  ).filter((r) =>
    r.unitKind === 'school'
      ? !query.direct || r.regionCode === region._id
      : r.regionCode !== region._id && (!query.direct || parentOf(r) === region._id),
  );
  docs.sort((a, b) => +new Date(b.updatedAt) - +new Date(a.updatedAt) || a._id.localeCompare(b._id));
  const page = docs.slice(
    skipOf(query.page, query.pageSize),
    skipOf(query.page, query.pageSize) + query.pageSize,
  );
  const schoolIds = page.filter((r) => r.schoolId).map((r) => r.schoolId as Types.ObjectId);
  const regionCodes = [...new Set(page.map((r) => r.regionCode))];
  const [schools, regions] = await Promise.all([
    schoolIds.length
      ? School.find({ _id: { $in: schoolIds } }, { name: 1 }).lean<Pick<SchoolDoc, '_id' | 'name'>[]>()
      : [],
    Region.find({ _id: { $in: regionCodes } }, { name: 1 }).lean<Pick<RegionDoc, '_id' | 'name'>[]>(),
  ]);
  const schoolName = new Map(schools.map((s) => [String(s._id), s.name]));
  const regionName = new Map(regions.map((r) => [r._id, r.name]));
  return {
    period: name,
    total: docs.length,
    page: query.page,
    pageSize: query.pageSize,
    items: page.map((r) => {
      const school = r.unitKind === 'school';
      const id = school ? String(r.schoolId) : r.regionCode;
      const last = r.history?.at(-1);
      return {
        id: r._id,
        unit: {
          kind: r.unitKind,
          id,
          name: (school ? schoolName.get(id) : regionName.get(id)) ?? id,
          regionCode: r.regionCode,
          regionName: regionName.get(r.regionCode) ?? r.regionCode,
        },
        state: r.state,
        stateLabel: REPORT_STATE_LABELS[r.state],
        autoSubmitted: r.autoSubmitted,
        submittedAt: r.submittedAt ? toShanghaiIso(r.submittedAt) : undefined,
        returnDeadline: r.returnDeadline ? toShanghaiIso(r.returnDeadline) : undefined,
        lastReason: last?.reason,
        updatedAt: r.updatedAt ? toShanghaiIso(r.updatedAt) : undefined,
      };
    }),
  };
}
