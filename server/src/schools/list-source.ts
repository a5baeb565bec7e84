// Where the school list comes from, chosen once at start by the database backend detected (server.ts,
// config SCHOOL_LIST_SOURCE): on MongoDB, indexed queries against `schools` (a page query and a count,
// or the 已填报 match against `reports`); on FerretDB, whose SQLite backend answers every non-`_id`
// query with a full scan, the school list index (list-index.ts: per-region documents read by `_id`,
// filtered and sorted in memory). Both answer the same list; the list tests run through both (on
// FerretDB the MongoDB source is correct, only slower).
import { type ReportState, type SchoolType } from '@eduprogress/shared';
import { Types, type QueryFilter } from 'mongoose';
import type { Page } from '../http/pagination';
import { Report, reportId } from '../reports/model';
import { REPORTED_STATES } from '../reports/rules';
import { escapeRegex, monthRange, type SchoolDeps } from './common';
import { indexedRows, type ListRow } from './list-index';
import { School, schoolView, type SchoolDoc, type SchoolView } from './model';
import type { IssueFilter, SchoolSort } from './schemas';

/** The list's filters (GET /schools query, validated), the page and the sort. */
export interface ListFilters {
  type?: SchoolType;
  status?: SchoolDoc['status'];
  ownership?: SchoolDoc['ownership'];
  urbanRural?: SchoolDoc['urbanRural'];
  weak?: boolean;
  initialized?: boolean;
  reported?: boolean;
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

/**
 * Which schools the caller may list (decided by list.ts from the binding): those managed by `code`
 * (`direct`) or anywhere under it, only `ownSchool` for a school binding; `schools`/`reports` are the
 * same scope as query filters on the two collections.
 */
export interface ListScope {
  code: string;
  direct: boolean;
  ownSchool?: Types.ObjectId;
  schools: QueryFilter<SchoolDoc>;
  reports: Record<string, unknown>;
}

/** A way to answer one page of the school list: `period` is the one whose report states are shown. */
export interface SchoolListSource {
  readonly name: 'mongodb' | 'read-model';
  page(
    deps: SchoolDeps,
    scope: ListScope,
    query: ListFilters,
    period: string,
  ): Promise<Omit<Page<SchoolListItem>, 'page' | 'pageSize'>>;
  /**
   * How many schools of `scope` each of `filters` matches (the `total` of `page` for each), in one
   * pass where the source allows it. The 已填报 filter (`reported`) is not taken here.
   */
  totals(deps: SchoolDeps, scope: ListScope, filters: Omit<ListFilters, 'reported'>[]): Promise<number[]>;
  /**
   * How many schools managed directly by region `code` have a report of `period` in each of `states`
   * (one count per state, in order; the worklist's badges, reports/worklist.ts).
   */
  directReportStates(
    deps: SchoolDeps,
    code: string,
    period: string,
    states: ReportState[],
  ): Promise<number[]>;
}

const itemOf = (view: SchoolView, state: ReportState | null): SchoolListItem => ({
  ...view,
  reportState: state,
  reported: state !== null && REPORTED_STATES.includes(state),
});
const skipOf = (q: ListFilters) => (q.page - 1) * q.pageSize;

// ---------------------------------------------------------------------------------------------
// MongoDB: indexed queries

const hasBasicIssue = { 'issueFlags.basic.0': { $exists: true } };
const hasReportIssue = { 'issueFlags.report.0': { $exists: true } };

/** The list filters as a `schools` query within `scope`. */
export function listFilter(scope: QueryFilter<SchoolDoc>, query: ListFilters): QueryFilter<SchoolDoc> {
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

/** Fields a list row never needs. */
const LIST_PROJECTION = { setup: 0, transfer: 0 } as const;

async function reportStates(period: string, schools: SchoolDoc[]): Promise<(ReportState | null)[]> {
  const reports = await Promise.all(
    schools.map((s) =>
      Report.findById(reportId(period, { schoolId: s._id }), { state: 1 }).lean<{ state: ReportState }>(),
    ),
  );
  return reports.map((r) => r?.state ?? null);
}

async function schoolsByIds(ids: Types.ObjectId[]): Promise<SchoolDoc[]> {
  const docs = await Promise.all(ids.map((id) => School.findById(id, LIST_PROJECTION).lean<SchoolDoc>()));
  return docs.filter((d): d is SchoolDoc => d !== null);
}

/** Indexed queries against `schools` (and `reports` for 已填报, matched here: there is no $lookup). */
export const mongoListSource: SchoolListSource = {
  name: 'mongodb',
  async page(_deps, scope, query, period) {
    const filter = listFilter(scope.schools, query);
    const sort = sortOf(query.sort);
    const skip = skipOf(query);
    let schools: SchoolDoc[];
    let total: number;
    if (query.reported === undefined) {
      [schools, total] = await Promise.all([
        School.find(filter, LIST_PROJECTION).sort(sort).skip(skip).limit(query.pageSize).lean<SchoolDoc[]>(),
        School.countDocuments(filter),
      ]);
    } else {
      const [reports, candidates] = await Promise.all([
        Report.find(
          { ...scope.reports, period, unitKind: 'school', state: { $in: REPORTED_STATES } },
          { schoolId: 1 },
        ).lean<{ schoolId?: Types.ObjectId }[]>(),
        School.find(filter, Object.fromEntries(Object.keys(sort).map((k) => [k, 1])))
          .sort(sort)
          .lean<{ _id: Types.ObjectId }[]>(),
      ]);
      const reported = new Set(reports.map((r) => String(r.schoolId)));
      const matching = candidates.filter((c) => reported.has(String(c._id)) === query.reported);
      total = matching.length;
      schools = await schoolsByIds(matching.slice(skip, skip + query.pageSize).map((c) => c._id));
    }
    const states = await reportStates(period, schools);
    return { items: schools.map((s, i) => itemOf(schoolView(s), states[i])), total };
  },
  totals(_deps, scope, filters) {
    return Promise.all(filters.map((f) => School.countDocuments(listFilter(scope.schools, f))));
  },
  directReportStates(_deps, code, period, states) {
    return Promise.all(
      states.map((state) => Report.countDocuments({ period, unitKind: 'school', regionCode: code, state })),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// FerretDB: the school list index

/** The list filters of `listFilter`, applied to index rows (same meaning: the list tests run both). */
function filterRows(rows: ListRow[], query: ListFilters, period: string): ListRow[] {
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

/**
 * The per-region list documents (`_id` look-ups), filtered and sorted here; the rows carry the list
 * items and their report states, so a page needs no further look-ups (each `_id` read costs
 * FerretDB/SQLite several milliseconds).
 */
export const readModelListSource: SchoolListSource = {
  name: 'read-model',
  async page(deps, scope, query, period) {
    let rows = await indexedRows(deps.clock, scope.code, scope.direct);
    const own = scope.ownSchool && String(scope.ownSchool);
    if (own) rows = rows.filter((r) => r.id === own);
    const matching = sortRows(filterRows(rows, query, period), query.sort);
    const skip = skipOf(query);
    return {
      items: matching
        .slice(skip, skip + query.pageSize)
        .map((r) => itemOf(r.view, r.reports?.[period] ?? null)),
      total: matching.length,
    };
  },
  async totals(deps, scope, filters) {
    let rows = await indexedRows(deps.clock, scope.code, scope.direct);
    const own = scope.ownSchool && String(scope.ownSchool);
    if (own) rows = rows.filter((r) => r.id === own);
    // No 已填报 filter here, so the period is never read.
    return filters.map((f) => filterRows(rows, f, '').length);
  },
  async directReportStates(deps, code, period, states) {
    const rows = await indexedRows(deps.clock, code, true);
    return states.map((state) => rows.filter((r) => r.reports?.[period] === state).length);
  },
};

// ---------------------------------------------------------------------------------------------
// The choice

/** SCHOOL_LIST_SOURCE: `auto` (by the backend), or one source by name. */
export type SchoolListSourceSetting = 'auto' | SchoolListSource['name'];

/** The source for a backend (`FerretDB` or `MongoDB`, as db/provision.ts `describeServer` names it). */
export function schoolListSourceFor(setting: SchoolListSourceSetting, backend: string): SchoolListSource {
  if (setting === 'mongodb') return mongoListSource;
  if (setting === 'read-model') return readModelListSource;
  return backend === 'FerretDB' ? readModelListSource : mongoListSource;
}

let chosen: SchoolListSource | undefined;
let detecting: Promise<SchoolListSource> | undefined;

/** Sets the source every list uses from now on (startServer, once; tests switching sources). */
export function useSchoolListSource(source: SchoolListSource): void {
  chosen = source;
}

/** The chosen source; without a start-up choice (an app built alone), the backend is asked once. */
export function schoolListSource(): Promise<SchoolListSource> {
  if (chosen) return Promise.resolve(chosen);
  detecting ??= Promise.resolve()
    .then(() => School.db.db!.admin().command({ buildInfo: 1 }))
    .then((info) => {
      chosen ??= schoolListSourceFor(
        'auto',
        (info as { ferretdbVersion?: string }).ferretdbVersion ? 'FerretDB' : 'MongoDB',
      );
      return chosen;
    })
    .finally(() => {
      detecting = undefined; // not connected yet: ask again next time
    });
  return detecting;
}
