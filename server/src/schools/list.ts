// The school list with every filter (seed 000 part 2 §2; 001 §11), and reading one school.
import {
  type ReportState,
  type SchoolOwnership,
  type SchoolStatus,
  type SchoolType,
  type UrbanRuralType,
} from '@eduprogress/shared';
import { Types, type QueryFilter } from 'mongoose';
import { governsRegion, isRegionBinding } from '../access/rules';
import { type Binding } from '../accounts/model';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { Report, reportId } from '../reports/model';
import { REPORTED_STATES } from '../reports/rules';
import {
  type Caller,
  escapeRegex,
  findRegion,
  findSchoolWithin,
  lastCompletedQuarter,
  messages,
  monthRange,
  type SchoolDeps,
} from './common';
import { indexedRows, type ListRow } from './list-index';
import { School, schoolView, type SchoolDoc, type SchoolView } from './model';
import type { IssueFilter, SchoolSort } from './schemas';

// ---------------------------------------------------------------------------------------------
// List

export interface ListSchoolsQuery {
  region?: string;
  direct?: boolean;
  type?: SchoolType;
  status?: SchoolStatus;
  ownership?: SchoolOwnership;
  urbanRural?: UrbanRuralType;
  weak?: boolean;
  initialized?: boolean;
  reported?: boolean;
  period?: string;
  issue?: IssueFilter;
  updatedMonth?: string;
  updatedBefore?: string;
  q?: string;
  sort?: SchoolSort;
  page: number;
  pageSize: number;
}

export interface SchoolListItem extends SchoolView {
  /** State of the school's report for the list's period (null: not started). */
  reportState: ReportState | null;
  reported: boolean;
}

export interface SchoolList extends Page<SchoolListItem> {
  period: string;
}

const hasBasicIssue = { 'issueFlags.basic.0': { $exists: true } };
const hasReportIssue = { 'issueFlags.report.0': { $exists: true } };

/**
 * The jurisdiction part of a list filter — never wider than the caller's subtree or own school —
 * and the matching filter for the same units' report documents.
 */
async function listScope(
  binding: Binding | undefined,
  query: ListSchoolsQuery,
): Promise<{ schools: QueryFilter<SchoolDoc>; reports: Record<string, unknown> }> {
  if (isRegionBinding(binding)) {
    const scope = query.region ?? binding.regionCode;
    if (scope !== binding.regionCode) {
      const region = await findRegion(scope);
      if (!region) throw new NotFoundError(messages.regionNotFound(scope), 'REGION_NOT_FOUND');
      if (!governsRegion(binding, region)) {
        throw new ForbiddenError(messages.outsideRegion(region.name), 'OUTSIDE_JURISDICTION');
      }
    }
    return query.direct
      ? { schools: { regionCode: scope }, reports: { regionCode: scope } }
      : { schools: { regionPath: scope }, reports: { regionPath: scope } };
  }
  if (binding?.kind === 'school' && binding.schoolId) {
    if (query.region && !binding.regionPath.includes(query.region)) {
      throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
    }
    const own: QueryFilter<SchoolDoc> = { _id: binding.schoolId };
    if (query.region && query.direct) own.regionCode = query.region;
    return { schools: own, reports: { schoolId: binding.schoolId } };
  }
  throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
}

export function listFilter(scope: QueryFilter<SchoolDoc>, query: ListSchoolsQuery): QueryFilter<SchoolDoc> {
  const filter: QueryFilter<SchoolDoc> = { ...scope };
  const and: QueryFilter<SchoolDoc>[] = [];
  for (const key of ['type', 'status', 'ownership', 'urbanRural', 'weak', 'initialized'] as const) {
    if (query[key] !== undefined) (filter as Record<string, unknown>)[key] = query[key];
  }
  if (query.issue === 'basic') and.push(hasBasicIssue);
  else if (query.issue === 'report') and.push(hasReportIssue);
  else if (query.issue === 'any') and.push({ $or: [hasBasicIssue, hasReportIssue] });
  else if (query.issue === 'none') and.push({ $nor: [hasBasicIssue, hasReportIssue] });
  if (query.updatedMonth) {
    const { start, end } = monthRange(query.updatedMonth);
    and.push({ lastUpdatedAt: { $gte: start, $lt: end } });
  }
  if (query.updatedBefore) {
    const { start } = monthRange(query.updatedBefore);
    and.push({ $or: [{ lastUpdatedAt: { $lt: start } }, { lastUpdatedAt: { $exists: false } }] });
  }
  if (query.q) filter.name = { $regex: escapeRegex(query.q.trim()), $options: 'i' };
  if (and.length) filter.$and = and;
  return filter;
}

function sortOf(sort: SchoolSort = 'name'): Record<string, 1 | -1> {
  const desc = sort.startsWith('-');
  const field = desc ? sort.slice(1) : sort;
  return { [field]: desc ? -1 : 1, _id: desc ? -1 : 1 };
}

/** The list filter of `listFilter`, applied to index rows (same meaning, checked by the list tests). */
function filterRows(rows: ListRow[], query: ListSchoolsQuery, period: string): ListRow[] {
  const month = query.updatedMonth ? monthRange(query.updatedMonth) : undefined;
  const before = query.updatedBefore ? monthRange(query.updatedBefore).start : undefined;
  const q = query.q?.trim().toLowerCase();
  return rows.filter((r) => {
    for (const key of ['type', 'status', 'ownership', 'urbanRural', 'weak', 'initialized'] as const) {
      if (query[key] !== undefined && r[key] !== query[key]) return false;
    }
    if (query.issue === 'basic' && !r.basicIssues) return false;
    if (query.issue === 'report' && !r.reportIssues) return false;
    if (query.issue === 'any' && !(r.basicIssues || r.reportIssues)) return false;
    if (query.issue === 'none' && (r.basicIssues || r.reportIssues)) return false;
    const updated = r.lastUpdatedAt ? new Date(r.lastUpdatedAt) : undefined;
    if (month && !(updated && updated >= month.start && updated < month.end)) return false;
    if (before && updated && updated >= before) return false;
    if (q && !r.name.toLowerCase().includes(q)) return false;
    if (query.reported !== undefined) {
      const state = r.reports?.[period];
      if ((!!state && REPORTED_STATES.includes(state)) !== query.reported) return false;
    }
    return true;
  });
}

function sortRows(rows: ListRow[], sort: SchoolSort = 'name'): ListRow[] {
  const desc = sort.startsWith('-');
  const field = (desc ? sort.slice(1) : sort) as 'name' | 'createdAt' | 'updatedAt';
  const key = (r: ListRow) =>
    field === 'name' ? r.name : new Date((r[field] as Date | null | undefined) ?? 0).getTime();
  const cmp = (a: ListRow, b: ListRow) => {
    const ka = key(a);
    const kb = key(b);
    // Code-point order, as MongoDB sorts strings (no collation), then the id, for a stable order.
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return desc ? -c : c;
  };
  return [...rows].sort(cmp);
}

async function reportStates(period: string, schools: SchoolDoc[]): Promise<(ReportState | null)[]> {
  // One `_id` look-up each: the only query FerretDB's SQLite backend answers without a full scan.
  const reports = await Promise.all(
    schools.map((s) =>
      Report.findById(reportId(period, { schoolId: s._id }), { state: 1 }).lean<{ state: ReportState }>(),
    ),
  );
  return reports.map((r) => r?.state ?? null);
}

/** Fields a list row never needs. */
const LIST_PROJECTION = { setup: 0, transfer: 0 } as const;

let ferretDb: Promise<boolean> | undefined;

/**
 * FerretDB answers every non-`_id` query with a full scan, so one scan that returns the sorted keys
 * of all matches (count = their number) beats a page query plus a count — two scans. MongoDB has the
 * indexes to answer both cheaply and does not need to ship every key.
 */
function scansEveryQuery(): Promise<boolean> {
  ferretDb ??= Promise.resolve()
    .then(() => School.db.db!.admin().command({ buildInfo: 1 }))
    .then((info) => Boolean((info as { ferretdbVersion?: string }).ferretdbVersion))
    .catch(() => {
      ferretDb = undefined; // not connected yet: ask again next time
      return false;
    });
  return ferretDb;
}

async function schoolsByIds(ids: Types.ObjectId[]): Promise<SchoolDoc[]> {
  const docs = await Promise.all(ids.map((id) => School.findById(id, LIST_PROJECTION).lean<SchoolDoc>()));
  return docs.filter((d): d is SchoolDoc => d !== null);
}

export async function listSchools(
  deps: SchoolDeps,
  caller: Caller,
  query: ListSchoolsQuery,
): Promise<SchoolList> {
  const scope = await listScope(caller.binding, query);
  const filter = listFilter(scope.schools, query);
  const period = query.period ?? lastCompletedQuarter(deps.clock());
  const sort = sortOf(query.sort);
  const skip = skipOf(query.page, query.pageSize);
  let schools: SchoolDoc[];
  let total: number;
  if (await scansEveryQuery()) {
    // FerretDB: the per-region list documents (`_id` look-ups), filtered and sorted here.
    const binding = caller.binding!;
    const own = binding.kind === 'school' ? String(binding.schoolId) : undefined;
    const code = own ? binding.regionCode! : (query.region ?? binding.regionCode!);
    let rows = await indexedRows(deps.clock, code, own ? true : !!query.direct);
    if (own) rows = rows.filter((r) => r.id === own);
    const matching = sortRows(filterRows(rows, query, period), query.sort);
    // The rows carry the list items and their report states: the page needs no further look-ups
    // (each `_id` read costs FerretDB/SQLite several milliseconds).
    return {
      items: matching.slice(skip, skip + query.pageSize).map((r) => {
        const state = r.reports?.[period] ?? null;
        return { ...r.view, reportState: state, reported: state !== null && REPORTED_STATES.includes(state) };
      }),
      total: matching.length,
      page: query.page,
      pageSize: query.pageSize,
      period,
    };
  } else if (query.reported === undefined) {
    [schools, total] = await Promise.all([
      School.find(filter, LIST_PROJECTION).sort(sort).skip(skip).limit(query.pageSize).lean<SchoolDoc[]>(),
      School.countDocuments(filter),
    ]);
  } else {
    // 已填报 lives on the report documents and there is no $lookup: match the two sets here.
    const [reports, candidates] = await Promise.all([
      query.reported === undefined
        ? Promise.resolve([])
        : Report.find(
            { ...scope.reports, period, unitKind: 'school', state: { $in: REPORTED_STATES } },
            { schoolId: 1 },
          ).lean<{ schoolId?: Types.ObjectId }[]>(),
      School.find(filter, Object.fromEntries(Object.keys(sort).map((k) => [k, 1])))
        .sort(sort)
        .lean<{ _id: Types.ObjectId }[]>(),
    ]);
    let matching = candidates;
    if (query.reported !== undefined) {
      const reported = new Set(reports.map((r) => String(r.schoolId)));
      matching = candidates.filter((c) => reported.has(String(c._id)) === query.reported);
    }
    total = matching.length;
    schools = await schoolsByIds(matching.slice(skip, skip + query.pageSize).map((c) => c._id));
  }
  const states = await reportStates(period, schools);
  return {
    items: schools.map((s, i) => ({
      ...schoolView(s),
      reportState: states[i],
      reported: states[i] !== null && REPORTED_STATES.includes(states[i]),
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
    period,
  };
}

// ---------------------------------------------------------------------------------------------
// Read one

export async function getSchool(_deps: SchoolDeps, caller: Caller, id: string): Promise<SchoolView> {
  const school = await findSchoolWithin(caller.binding, id);
  return schoolView(school);
}
