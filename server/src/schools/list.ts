// The school list with every filter (seed 000 part 2 §2; 001 §11), and reading one school. Who may see
// which schools is decided here; the page itself comes from the SchoolListSource chosen at start
// (list-source.ts: indexed queries on MongoDB, the list index on FerretDB).
import { type SchoolOwnership, type SchoolStatus, type UrbanRuralType } from '@eduprogress/shared';
import { governsRegion, isRegionBinding } from '../access/rules';
import { type Binding } from '../accounts/model';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { type Page } from '../http/pagination';
import {
  type Caller,
  findRegion,
  findSchoolWithin,
  lastCompletedQuarter,
  messages,
  recentMonths,
  type SchoolDeps,
} from './common';
import { schoolListSource, type ListFilters, type ListScope, type SchoolListItem } from './list-source';
import { schoolView, type SchoolView } from './model';

export { listFilter, type SchoolListItem } from './list-source';

// ---------------------------------------------------------------------------------------------
// List

export interface ListSchoolsQuery extends ListFilters {
  region?: string;
  direct?: boolean;
  status?: SchoolStatus;
  ownership?: SchoolOwnership;
  urbanRural?: UrbanRuralType;
  period?: string;
}

export interface SchoolList extends Page<SchoolListItem> {
  period: string;
}

/**
 * The jurisdiction part of a list — never wider than the caller's subtree or own school — as a region
 * scope and as filters for the same units' school and report documents.
 */
async function listScope(binding: Binding | undefined, query: ListSchoolsQuery): Promise<ListScope> {
  if (isRegionBinding(binding)) {
    const scope = query.region ?? binding.regionCode;
    if (scope !== binding.regionCode) {
      const region = await findRegion(scope);
      if (!region) throw new NotFoundError(messages.regionNotFound(scope), 'REGION_NOT_FOUND');
      if (!governsRegion(binding, region)) {
        throw new ForbiddenError(messages.outsideRegion(region.name), 'OUTSIDE_JURISDICTION');
      }
    }
    const direct = !!query.direct;
    return direct
      ? { code: scope, direct, schools: { regionCode: scope }, reports: { regionCode: scope } }
      : { code: scope, direct, schools: { regionPath: scope }, reports: { regionPath: scope } };
  }
  if (binding?.kind === 'school' && binding.schoolId) {
    if (query.region && !binding.regionPath.includes(query.region)) {
      throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
    }
    // Its own school only, and only if it is managed by `region` when direct schools are asked for.
    const code = query.region && query.direct ? query.region : binding.regionCode!;
    return {
      code,
      direct: true,
      ownSchool: binding.schoolId,
      schools:
        query.region && query.direct
          ? { _id: binding.schoolId, regionCode: code }
          : { _id: binding.schoolId },
      reports: { schoolId: binding.schoolId },
    };
  }
  throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
}

/** One page of the schools the caller may see, filtered and sorted, with each one's report state for `period`. */
export async function listSchools(
  deps: SchoolDeps,
  caller: Caller,
  query: ListSchoolsQuery,
): Promise<SchoolList> {
  const scope = await listScope(caller.binding, query);
  const period = query.period ?? lastCompletedQuarter(deps.clock());
  const source = await schoolListSource();
  const { items, total } = await source.page(deps, scope, query, period);
  return { items, total, page: query.page, pageSize: query.pageSize, period };
}

/** 更新管理's answer: schools last updated in each recent month, and earlier (or never). */
export interface UpdatedMonths {
  /** Newest first: `month` is `YYYY-MM` (Asia/Shanghai). */
  months: { month: string; total: number }[];
  /** Last updated before `before` (the oldest month listed), or never updated. */
  earlier: { before: string; total: number };
}

/**
 * 更新管理 (seed 000 §4.2: 按最后更新时间统计学校): how many of the caller's schools were last updated
 * in each of the last `months` months (the current one included) and earlier, in one request: each
 * count is the `total` the list gives for `updatedMonth` / `updatedBefore`, read in one pass.
 * Errors: 403 OUTSIDE_JURISDICTION, 404 REGION_NOT_FOUND, as the list.
 */
export async function schoolsByUpdatedMonth(
  deps: SchoolDeps,
  caller: Caller,
  query: { region?: string; direct?: boolean; months?: number },
): Promise<UpdatedMonths> {
  const scope = await listScope(caller.binding, query as ListSchoolsQuery);
  const months = recentMonths(deps.clock(), query.months ?? 6);
  const oldest = months[months.length - 1];
  const base = { page: 1, pageSize: 1 };
  const source = await schoolListSource();
  const totals = await source.totals(deps, scope, [
    ...months.map((updatedMonth) => ({ ...base, updatedMonth })),
    { ...base, updatedBefore: oldest },
  ]);
  return {
    months: months.map((month, i) => ({ month, total: totals[i] })),
    earlier: { before: oldest, total: totals[months.length] },
  };
}

// ---------------------------------------------------------------------------------------------
// Read one

export async function getSchool(_deps: SchoolDeps, caller: Caller, id: string): Promise<SchoolView> {
  const school = await findSchoolWithin(caller.binding, id);
  return schoolView(school);
}
