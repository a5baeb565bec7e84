// School management (seed 000 part 2; rules 001 §11–13, 002 §9–11). Services take typed
// dependencies and the caller's binding, never a Koa context.
//
// No multi-document transactions (FerretDB): every multi-step write puts the main document in a
// state first (`setup: 'pendingAdmin'`, `transfer: {…}`, an import job in `writing`), then writes the
// derived documents, then clears the state. Re-running the same request — or resumeSchoolWrites() / resumeInterruptedImports() — settles a half-done one.
import { hostname } from 'node:os';
import { reserveSchoolAdminLoginNames } from './login-names';
import { Types, type QueryFilter } from 'mongoose';
import {
  DEFAULT_CALENDAR,
  isWithin,
  NATIONAL_CODE,
  roleLabel,
  nameProblem,
  SCHOOL_OWNERSHIPS,
  SCHOOL_TYPES,
  URBAN_RURAL_TYPES,
  type CalendarConfig,
  type ReportState,
  type SchoolOwnership,
  type SchoolStatus,
  type SchoolType,
  type UrbanRuralType,
  regionScope,
  scopeOf,
} from '@eduprogress/shared';
import { Session, User, type Binding } from '../accounts/model';
import { hashPassword } from '../accounts/passwords';
import { AuditEntry } from '../audit/model';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { cleanCellText } from '../files/text';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { Region, type RegionDoc } from '../regions/model';
import type { Caller as AccessCaller } from '../access/caller';
import {
  governsRegion,
  governsSchool,
  isRegionBinding,
  reachesSchool,
  type RegionBinding,
} from '../access/rules';
import { Report, reportId } from '../reports/model';
import { applySchoolUnits, factsOf, type ReportedFacts } from '../reports/progress';
import { workablePeriods } from '../reports/rules';
import { Teacher } from '../teachers/model';
import {
  School,
  SchoolImport,
  SCHOOL_SYSTEMS,
  schoolView,
  type SchoolImportDoc,
  type SchoolDoc,
  type SchoolSystem,
  type SchoolView,
} from './model';
import { noteSchoolAdmin, schoolAdminUsers } from './admins';
import { runOnce } from '../jobs/lease';
import {
  indexedRows,
  indexSchoolDocs,
  indexSchools,
  unindexSchool,
  unindexSchoolDocs,
  type ListRow,
} from './list-index';
import type { IssueFilter, SchoolSort } from './schemas';

const messages = {
  renameByRegion: '学校名称由所属教育行政部门（区县）修改，请联系区县管理员',
  nameInvalid: (problem: string) => `学校名称${problem}`,
  schoolNotFound: '学校不存在或已被删除',
  outsideSchool: '该学校不在您的管辖范围内',
  outsideRegion: (name: string) => `地区「${name}」不在您的管辖范围内`,
  regionAdminsOnly: '只有地区管理员可以管理学校',
  readOnly: (role: string) =>
    `${role}只能查看学校信息，不能新增、修改、删除、转移或导入学校，请联系本级管理员操作`,
  regionNotFound: (code: string) => `地区代码 ${code} 不存在`,
  nationalNotManaging: '学校不能直接隶属于全国，请选择省、市或县（区）',
  placeholderRegion: (name: string) =>
    `「${name}」不是实际的行政区域，不能直接管理学校，请选择其上级市或下级县（区）`,
  nameBlank: '学校名称不能为空',
  nameLength: '学校名称应为 2–60 个字',
  nameTaken: (region: string, name: string) => `地区「${region}」已有名为「${name}」的学校`,
  initialized:
    '该学校已初始化，不能删除。如学校已停止招生、被合并或撤销，请修改学校状态；确需删除的，请联系全国管理员操作',
  forceNationalOnly: '只有全国管理员可以强制删除已初始化的学校',
  schoolStatusOnly:
    '学校管理员只能将本校状态设为「正常」或「暂停招生」，被合并、撤销等状态变更请联系主管教育行政部门',
  transferNeedsCommonSuperior: (target: string) =>
    `学校转移须由原所属地区与转入地区的共同上级管理员操作：转入地区「${target}」不在您的管辖范围内` +
    '（同一县内由县级、跨县由市级、跨市由省级管理员操作）',
  schoolAdminName: (school: string) => `${school}管理员`,
  // Import rows: `第 N 行：…`
  row: (row: number, reason: string) => `第 ${row} 行：${reason}`,
  typeMissing: '学校类型不能为空',
  typeInvalid: (v: string) => `学校类型「${v}」不在可选范围内`,
  regionMissing: '所属地区代码不能为空',
  regionFormat: (v: string) => `所属地区代码「${v}」应为 6 位数字`,
  regionUnknown: (v: string) => `所属地区代码「${v}」不存在`,
  regionOutsideRow: (name: string, code: string) => `地区「${name}」（${code}）不在您的管辖范围内`,
  weakInvalid: (v: string) => `是否薄弱学校「${v}」应填写「是」或「否」`,
  enumInvalid: (label: string, v: string) => `${label}「${v}」不在可选范围内`,
  postcodeInvalid: (v: string) => `学校邮编「${v}」应为 6 位数字`,
  addressTooLong: '学校地址不能超过 200 个字',
  duplicateInFile: (name: string, first: number) => `学校名称「${name}」与第 ${first} 行重复（同一地区）`,
  cellProblem: (column: string, problem: string) => `「${column}」${problem}`,
  importColumns: {
    name: '学校名称',
    type: '学校类型',
    regionCode: '所属地区代码',
    weak: '是否薄弱学校',
    schoolSystem: '学制',
    ownership: '办别',
    urbanRural: '城乡类型',
    address: '学校地址',
    postcode: '学校邮编',
  } as Record<string, string>,
  importEmpty: '导入文件中没有学校数据，请在模板的表头下方逐行填写',
  importInvalid: (bad: number, first: string) =>
    `导入文件中有 ${bad} 行数据有误，未导入任何学校，请修改后重新导入。${first}${bad > 1 ? '……' : ''}`,
  importConflict: '导入过程中有同名学校被其他人同时创建，本次导入已撤销，请重新导入',
  importInterrupted: '本次导入因服务中断已被撤销，请重新导入',
};

/** Seed 000 §2.1: a new school admin's initial password; changed at first login. */
export const INITIAL_PASSWORD = '123456';
/** Report states that count as 已填报 for the list: submitted upward (withdrawal pending keeps it so). */
export { REPORTED_STATES } from '../reports/rules';
import { REPORTED_STATES } from '../reports/rules';
import { isDuplicateKey } from '../db/duplicate-key';
const ERROR_ROWS_SHOWN = 500;

export interface SchoolDeps {
  clock: Clock;
  /** The reporting calendar (which periods' progress counts a new or removed school changes). */
  calendar?: CalendarConfig;
}

/** Periods whose progress rollups follow school creation and removal at once (others: the recount). */
function openPeriods(deps: SchoolDeps): string[] {
  return workablePeriods(deps.clock(), deps.calendar ?? DEFAULT_CALENDAR);
}

async function reportedFacts(
  deps: SchoolDeps,
  schoolId: Types.ObjectId,
): Promise<Map<string, ReportedFacts>> {
  const periods = openPeriods(deps);
  const reports = await Promise.all(
    periods.map((p) =>
      Report.findById(reportId(p, { schoolId }), { state: 1, autoSubmitted: 1, confirmedNoChange: 1 }).lean(),
    ),
  );
  return new Map(periods.map((p, i) => [p, factsOf(reports[i])]));
}

/** Who is calling (access/caller.ts): the binding decides jurisdiction, the actor goes into the audit trail. */
export type Caller = Pick<AccessCaller, 'binding' | 'actor'>;

// ---------------------------------------------------------------------------------------------
// Regions: static reference data (seeded from GB/T 2260 at start), read once and kept in memory —
// on FerretDB/SQLite each look-up would otherwise cost a round trip, each scan a second.

const REGION_CACHE_MS = 10 * 60_000;
let regionCache: { loadedAt: number; byCode: Map<string, RegionDoc> } | undefined;
let regionLoading: Promise<Map<string, RegionDoc>> | undefined;

async function regionIndex(): Promise<Map<string, RegionDoc>> {
  if (regionCache && Date.now() - regionCache.loadedAt < REGION_CACHE_MS) return regionCache.byCode;
  regionLoading ??= Region.find({})
    .lean<RegionDoc[]>()
    .then((all) => {
      regionCache = { loadedAt: Date.now(), byCode: new Map(all.map((r) => [r._id, r])) };
      return regionCache.byCode;
    })
    .finally(() => {
      regionLoading = undefined;
    });
  return regionLoading;
}

async function findRegion(code: string): Promise<RegionDoc | null> {
  const cached = (await regionIndex()).get(code);
  // Not cached (seeded after the cache was read): ask the database itself.
  return cached ?? Region.findById(code).lean<RegionDoc>();
}

// ---------------------------------------------------------------------------------------------
// Jurisdiction

/** A region admin; auditors and inspectors read only, other bindings manage no schools. */
function requireRegionAdmin(binding: Binding | undefined): RegionBinding {
  if (!isRegionBinding(binding)) {
    throw new ForbiddenError(messages.regionAdminsOnly, 'OUTSIDE_JURISDICTION');
  }
  if (binding.role !== 'admin')
    throw new ForbiddenError(messages.readOnly(roleLabel(binding.role)), 'ROLE_FORBIDDEN');
  return binding;
}

/** The school's region admin: outsiders first (whatever their role), then read-only roles. */
function requireManagerOf(binding: Binding | undefined, school: SchoolDoc): RegionBinding {
  if (!governsSchool(binding, school)) {
    throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
  }
  return requireRegionAdmin(binding);
}

async function findSchool(id: string): Promise<SchoolDoc> {
  const school = Types.ObjectId.isValid(id) ? await School.findById(id).lean<SchoolDoc>() : null;
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  return school;
}

async function findSchoolWithin(binding: Binding | undefined, id: string): Promise<SchoolDoc> {
  const school = await findSchool(id);
  if (!reachesSchool(binding, school))
    throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
  return school;
}

/** Why a region cannot manage schools directly, if it cannot. */
function managingProblem(region: RegionDoc): string | undefined {
  if (region.level === 'national') return messages.nationalNotManaging;
  if (region.placeholder) return messages.placeholderRegion(region.name);
  return undefined;
}

/** A region the caller governs that can manage schools (county, or a city/province for direct ones). */
async function managingRegion(binding: RegionBinding, code: string, property: string): Promise<RegionDoc> {
  const region = await findRegion(code);
  if (!region) throw new ValidationError(messages.regionNotFound(code), { property }, 'REGION_NOT_FOUND');
  if (!governsRegion(binding, region)) {
    throw new ForbiddenError(messages.outsideRegion(region.name), 'OUTSIDE_JURISDICTION');
  }
  const problem = managingProblem(region);
  if (problem) throw new ValidationError(problem, { property }, 'REGION_NOT_MANAGING');
  return region;
}

function normalizeName(raw: string, property = 'name'): string {
  const problem = nameProblem(raw);
  if (problem) throw new ValidationError(messages.nameInvalid(problem), { property }, 'VALIDATION_FAILED');
  const name = raw.replace(/\s+/g, ' ').trim();
  if (!name) throw new ValidationError(messages.nameBlank, { property }, 'VALIDATION_FAILED');
  if (name.length < 2 || name.length > 60) {
    throw new ValidationError(messages.nameLength, { property }, 'VALIDATION_FAILED');
  }
  return name;
}

/** One login name per school, in order, each of its managing region's sequence (login-names.ts). */
async function loginNamesFor(schools: Pick<SchoolDoc, 'regionCode'>[]): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const s of schools) counts.set(s.regionCode, (counts.get(s.regionCode) ?? 0) + 1);
  const pools = new Map<string, string[]>();
  for (const [code, n] of counts) pools.set(code, await reserveSchoolAdminLoginNames(code, n));
  return schools.map((s) => pools.get(s.regionCode)!.shift()!);
}

/** The managing region of an admin account document (its school binding). */
function adminRegionOf(doc: Record<string, unknown>): string {
  return (doc.bindings as Binding[])[0].regionCode!;
}

/** The audit entry fields of a school: its view without volatile timestamps. */
function auditable(school: SchoolDoc): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, ...rest } = schoolView(school);
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Periods and months (Asia/Shanghai, UTC+8 without daylight saving)

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The last quarter that has ended: the period whose reports the county–city–province windows collect. */
export function lastCompletedQuarter(now: Date): string {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  let year = local.getUTCFullYear();
  let quarter = Math.floor(local.getUTCMonth() / 3);
  if (quarter === 0) {
    quarter = 4;
    year -= 1;
  }
  return `${year}Q${quarter}`;
}

/** First instant of a `YYYY-MM` month in Asia/Shanghai, and of the month after it. */
export function monthRange(month: string): { start: Date; end: Date } {
  const [year, mon] = month.split('-').map(Number);
  return {
    start: new Date(Date.UTC(year, mon - 1, 1) - SHANGHAI_OFFSET_MS),
    end: new Date(Date.UTC(year, mon, 1) - SHANGHAI_OFFSET_MS),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

// ---------------------------------------------------------------------------------------------
// Create (one school and its admin account)

export interface BasicInfoInput {
  type?: SchoolType;
  weak?: boolean;
  schoolSystem?: SchoolSystem;
  ownership?: SchoolOwnership;
  urbanRural?: UrbanRuralType;
  address?: string;
  postcode?: string;
}

export interface CreateSchoolInput extends BasicInfoInput {
  name: string;
  type: SchoolType;
  regionCode: string;
}

export interface CreatedAdmin {
  id: string;
  loginName: string;
  initialPassword: string;
}

function optionalText(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

/** The school's admin account, created unless a half-finished earlier attempt already wrote it. */
async function ensureSchoolAdmin(
  school: SchoolDoc,
  passwordHash: string,
  resuming: boolean,
): Promise<{ id: string; loginName: string }> {
  // Only a resumed create can have written the account already.
  const existing = resuming ? (await schoolAdminUsers(school._id))[0] : undefined;
  if (existing) return { id: String(existing._id), loginName: existing.loginName };
  const userId = new Types.ObjectId();
  await noteSchoolAdmin(school._id, userId);
  for (let attempt = 0; ; attempt++) {
    try {
      const [loginName] = await reserveSchoolAdminLoginNames(school.regionCode, 1);
      const user = await User.create({
        _id: userId,
        loginName,
        name: messages.schoolAdminName(school.name),
        passwordHash,
        mustChangePassword: true,
        bindings: [
          {
            kind: 'school',
            role: 'admin',
            schoolId: school._id,
            regionCode: school.regionCode,
            regionPath: school.regionPath,
            active: true,
          },
        ],
      });
      return { id: String(user._id), loginName: user.loginName };
    } catch (err) {
      // Only loginName is unique on a fresh account: a concurrent creator took it, reserve again.
      if (!isDuplicateKey(err) || attempt >= 10) throw err;
    }
  }
}

export async function createSchool(
  deps: SchoolDeps,
  caller: Caller,
  input: CreateSchoolInput,
): Promise<{ school: SchoolView; admin: CreatedAdmin }> {
  const binding = requireRegionAdmin(caller.binding);
  const name = normalizeName(input.name);
  const region = await managingRegion(binding, input.regionCode, 'regionCode');
  let school: SchoolDoc;
  let created = false;
  try {
    const doc = await School.create({
      name,
      type: input.type,
      regionCode: region._id,
      regionPath: regionScope(region),
      weak: input.weak ?? false,
      schoolSystem: input.schoolSystem,
      ownership: input.ownership,
      urbanRural: input.urbanRural,
      address: optionalText(input.address),
      postcode: optionalText(input.postcode),
      setup: 'pendingAdmin',
      adminIds: [],
    });
    school = doc.toObject<SchoolDoc>();
    created = true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await School.findOne({ regionCode: region._id, name }).lean<SchoolDoc>();
    // A school still marked pendingAdmin is an earlier attempt that stopped half-way: finish it.
    if (existing?.setup !== 'pendingAdmin') {
      throw new ConflictError(messages.nameTaken(region.name, name), 'SCHOOL_NAME_TAKEN', {
        property: 'name',
      });
    }
    school = existing;
  }
  let admin: { id: string; loginName: string };
  try {
    admin = await ensureSchoolAdmin(school, await hashPassword(INITIAL_PASSWORD), !created);
  } catch (err) {
    // A school without its admin account is useless: take it back, the client may simply retry.
    if (created) await School.deleteOne({ _id: school._id, setup: 'pendingAdmin' });
    throw err;
  }
  await School.updateOne({ _id: school._id }, { $unset: { setup: 1 } });
  delete school.setup;
  await indexSchools([school._id]);
  await applySchoolUnits(openPeriods(deps), school, 1);
  await recordAudit(deps.clock, caller.actor, {
    action: 'school.create',
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    before: null,
    after: { ...auditable(school), adminLoginName: admin.loginName },
  });
  await recordAudit(deps.clock, caller.actor, {
    action: 'user.create',
    targetType: 'user',
    targetId: admin.id,
    regionPath: school.regionPath,
    before: null,
    after: { loginName: admin.loginName, role: 'admin', kind: 'school', schoolId: String(school._id) },
  });
  return {
    school: schoolView(school),
    admin: { id: admin.id, loginName: admin.loginName, initialPassword: INITIAL_PASSWORD },
  };
}

// ---------------------------------------------------------------------------------------------
// Edit

export interface UpdateSchoolInput extends BasicInfoInput {
  name?: string;
  status?: SchoolStatus;
}

/** The statuses a school admin may set on its own school (002 §11: 暂停招生). */
const SCHOOL_SETTABLE_STATUSES: readonly SchoolStatus[] = ['正常', '暂停招生'];

export async function updateSchool(
  deps: SchoolDeps,
  caller: Caller,
  id: string,
  input: UpdateSchoolInput,
): Promise<SchoolView> {
  const binding = caller.binding;
  const school = await findSchoolWithin(binding, id);
  if (binding?.kind === 'region' && binding.role !== 'admin') {
    throw new ForbiddenError(messages.readOnly(roleLabel(binding.role)), 'ROLE_FORBIDDEN');
  }
  // Seed 003 FAQ 3: a school's name is changed by its county (managing region), not by the school.
  if (binding?.kind === 'school' && input.name !== undefined && input.name.trim() !== school.name) {
    throw new ForbiddenError(messages.renameByRegion, 'ROLE_FORBIDDEN');
  }
  if (binding?.kind === 'school' && input.status !== undefined && input.status !== school.status) {
    if (
      !SCHOOL_SETTABLE_STATUSES.includes(input.status) ||
      !SCHOOL_SETTABLE_STATUSES.includes(school.status)
    ) {
      throw new ForbiddenError(messages.schoolStatusOnly, 'ROLE_FORBIDDEN');
    }
  }
  const wanted: Record<string, unknown> = { ...input };
  if (input.name !== undefined) wanted.name = normalizeName(input.name);
  if (input.address !== undefined) wanted.address = optionalText(input.address);
  if (input.postcode !== undefined) wanted.postcode = optionalText(input.postcode);
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const current = (school as unknown as Record<string, unknown>)[key];
    if ((current ?? null) === (value ?? null)) continue;
    before[key] = current ?? null;
    after[key] = value ?? null;
    if (value === undefined) $unset[key] = 1;
    else $set[key] = value;
  }
  if (!Object.keys(after).length) return schoolView(school);
  $set.lastUpdatedAt = deps.clock();
  let updated: SchoolDoc | null;
  try {
    updated = await School.findOneAndUpdate(
      { _id: school._id },
      Object.keys($unset).length ? { $set, $unset } : { $set },
      { returnDocument: 'after' },
    ).lean<SchoolDoc>();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const region = await findRegion(school.regionCode);
    throw new ConflictError(
      messages.nameTaken(region?.name ?? school.regionCode, String(wanted.name)),
      'SCHOOL_NAME_TAKEN',
      {
        property: 'name',
      },
    );
  }
  if (!updated) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  await indexSchools([updated._id]);
  if (after.name !== undefined) {
    // The admin account is named after the school: keep it readable (seed 000 §3.1).
    for (const user of await schoolAdminUsers(school._id)) {
      await User.updateOne(
        { _id: user._id, name: messages.schoolAdminName(school.name) },
        { $set: { name: messages.schoolAdminName(updated.name) } },
      );
    }
  }
  await recordAudit(deps.clock, caller.actor, {
    action: 'school.update',
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    before,
    after,
  });
  return schoolView(updated);
}

// ---------------------------------------------------------------------------------------------
// Delete

export interface DeleteSchoolOptions {
  force?: boolean;
  reason?: string;
}

export async function deleteSchool(
  deps: SchoolDeps,
  caller: Caller,
  id: string,
  opts: DeleteSchoolOptions = {},
): Promise<{ deletedAdmins: string[] }> {
  const school = await findSchool(id);
  const binding = requireManagerOf(caller.binding, school);
  if (opts.force && binding.regionCode !== NATIONAL_CODE) {
    throw new ForbiddenError(messages.forceNationalOnly, 'FORCE_NOT_ALLOWED');
  }
  if (school.initialized && !opts.force) {
    throw new ConflictError(messages.initialized, 'SCHOOL_INITIALIZED', { status: school.status });
  }
  // Derived documents first, the school last: a retry after a crash still finds the school.
  const users = await User.find({ 'bindings.schoolId': school._id }, { loginName: 1, bindings: 1 }).lean<
    { _id: Types.ObjectId; loginName: string; bindings: Binding[] }[]
  >();
  const removed: { id: string; loginName: string }[] = [];
  for (const user of users) {
    const others = user.bindings.filter((b) => !b.schoolId?.equals(school._id));
    if (others.length) {
      // Someone who also holds other roles keeps the account and loses only this school.
      await User.updateOne({ _id: user._id }, { $set: { bindings: others } });
    } else {
      removed.push({ id: String(user._id), loginName: user.loginName });
    }
  }
  if (removed.length) {
    const ids = removed.map((u) => new Types.ObjectId(u.id));
    await Session.deleteMany({ userId: { $in: ids } });
    await User.deleteMany({ _id: { $in: ids } });
  }
  const facts = await reportedFacts(deps, school._id);
  await School.deleteOne({ _id: school._id });
  await unindexSchool(school._id, school.regionCode);
  await applySchoolUnits(openPeriods(deps), school, -1, facts);
  await recordAudit(deps.clock, caller.actor, {
    action: opts.force ? 'school.forceDelete' : 'school.delete',
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    before: { ...auditable(school), adminLoginNames: removed.map((u) => u.loginName) },
    after: null,
    reason: opts.reason,
  });
  for (const u of removed) {
    await recordAudit(deps.clock, caller.actor, {
      action: 'user.delete',
      targetType: 'user',
      targetId: u.id,
      regionPath: school.regionPath,
      before: { loginName: u.loginName, schoolId: String(school._id) },
      after: null,
      reason: opts.reason,
    });
  }
  return { deletedAdmins: removed.map((u) => u.loginName) };
}

// ---------------------------------------------------------------------------------------------
// Transfer

/** Moves every document derived from the school to its new region, then clears the marker. */
async function finishTransfer(
  deps: SchoolDeps,
  school: SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> },
): Promise<void> {
  const { to, toPath, from, fromPath } = school.transfer;
  const users = await User.find({ 'bindings.schoolId': school._id }, { bindings: 1 }).lean<
    { _id: Types.ObjectId; bindings: Binding[] }[]
  >();
  for (const user of users) {
    // FerretDB has no positional `$` update: address each matching binding by its index.
    const $set: Record<string, unknown> = {};
    user.bindings.forEach((b, i) => {
      if (b.schoolId?.equals(school._id)) {
        $set[`bindings.${i}.regionCode`] = to;
        $set[`bindings.${i}.regionPath`] = toPath;
      }
    });
    if (Object.keys($set).length) await User.updateOne({ _id: user._id }, { $set });
  }
  await Teacher.updateMany({ schoolId: school._id }, { $set: { regionPath: toPath } });
  await Report.updateMany(
    { schoolId: school._id, unitKind: 'school' },
    { $set: { regionCode: to, regionPath: toPath } },
  );
  // The list rows and the progress counts follow the school (a resumed transfer may count twice;
  // the periodic recount repairs that).
  await unindexSchool(school._id, from);
  const facts = await reportedFacts(deps, school._id);
  await applySchoolUnits(openPeriods(deps), { ...school, regionCode: from, regionPath: fromPath }, -1, facts);
  await applySchoolUnits(openPeriods(deps), { ...school, regionCode: to, regionPath: toPath }, 1, facts);
  await School.updateOne({ _id: school._id, 'transfer.to': to }, { $unset: { transfer: 1 } });
  await indexSchools([school._id]);
}

export async function transferSchool(
  deps: SchoolDeps,
  caller: Caller,
  id: string,
  targetCode: string,
): Promise<SchoolView> {
  let school = await findSchool(id);
  const binding = requireManagerOf(caller.binding, school);
  const target = await findRegion(targetCode);
  if (!target)
    throw new ValidationError(
      messages.regionNotFound(targetCode),
      { property: 'regionCode' },
      'REGION_NOT_FOUND',
    );
  if (!governsRegion(binding, target)) {
    throw new ForbiddenError(messages.transferNeedsCommonSuperior(target.name), 'TRANSFER_NOT_ALLOWED', {
      from: school.regionCode,
      to: target._id,
    });
  }
  const problem = managingProblem(target);
  if (problem) throw new ValidationError(problem, { property: 'regionCode' }, 'REGION_NOT_MANAGING');

  if (school.transfer) {
    // An earlier transfer stopped half-way: finish it before anything else.
    await finishTransfer(deps, school as SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> });
    school = await findSchool(id);
  }
  if (school.regionCode === target._id) return schoolView(school);

  const transfer = {
    from: school.regionCode,
    fromPath: school.regionPath,
    to: target._id,
    toPath: regionScope(target),
    startedAt: deps.clock(),
  };
  let moved: SchoolDoc | null;
  try {
    moved = await School.findOneAndUpdate(
      { _id: school._id, regionCode: school.regionCode },
      { $set: { regionCode: transfer.to, regionPath: transfer.toPath, transfer } },
      { returnDocument: 'after' },
    ).lean<SchoolDoc>();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new ConflictError(messages.nameTaken(target.name, school.name), 'SCHOOL_NAME_TAKEN', {
      property: 'regionCode',
    });
  }
  if (!moved) throw new ConflictError(messages.schoolNotFound, 'SCHOOL_CHANGED');
  await finishTransfer(deps, moved as SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> });
  delete moved.transfer;
  await recordAudit(deps.clock, caller.actor, {
    action: 'school.transfer',
    targetType: 'school',
    targetId: String(school._id),
    // Both subtrees see the move in their trail: the common path plus both branches.
    regionPath: [...new Set([...transfer.fromPath, ...transfer.toPath])],
    before: { regionCode: transfer.from, regionPath: transfer.fromPath },
    after: { regionCode: transfer.to, regionPath: transfer.toPath },
  });
  return schoolView(moved);
}

/** Finishes creates, imports and transfers that a crash left half-done (for a start-up or periodic job). */
export async function resumeSchoolWrites(
  deps: SchoolDeps,
  opts: { staleMs?: number } = {},
): Promise<{ admins: number; imports: number; transfers: number }> {
  let passwordHash: string | undefined;
  const pending = await School.find({ setup: 'pendingAdmin' }).lean<SchoolDoc[]>();
  for (const school of pending) {
    passwordHash ??= await hashPassword(INITIAL_PASSWORD);
    await ensureSchoolAdmin(school, passwordHash, true);
    await School.updateOne({ _id: school._id }, { $unset: { setup: 1 } });
  }
  const imports = await resumeInterruptedImports(deps, opts);
  const moving = await School.find({ transfer: { $exists: true } }).lean<SchoolDoc[]>();
  for (const school of moving) {
    await finishTransfer(deps, school as SchoolDoc & { transfer: NonNullable<SchoolDoc['transfer']> });
  }
  return { admins: pending.length, imports: imports.finished + imports.rolledBack, transfers: moving.length };
}

// ---------------------------------------------------------------------------------------------
// Import

/** One data row of an import file, as text, with its spreadsheet row number. */
export interface ImportRow {
  row: number;
  name?: string;
  type?: string;
  regionCode?: string;
  weak?: string;
  schoolSystem?: string;
  ownership?: string;
  urbanRural?: string;
  address?: string;
  postcode?: string;
  /** Cells the file could not give a value for (a formula's error or missing result), by field. */
  cellProblems?: { field: ImportField; problem: string }[];
}

type ImportField = keyof Omit<ImportRow, 'row' | 'cellProblems'>;

export interface ImportProblem {
  row: number;
  field: ImportField;
  message: string;
}

export interface ImportResult {
  created: number;
  initialPassword: string;
  schools: { id: string; name: string; regionCode: string; loginName: string }[];
}

/** Spellings of the seed's own screens (e.g. 「9年一贯制」) mapped to our type names. */
const TYPE_ALIASES: Record<string, SchoolType> = { '9年一贯制': '九年一贯制', '12年一贯制': '十二年一贯制' };
const YES = new Set(['是', 'Y', 'y', '1', 'TRUE', 'true']);
const NO = new Set(['否', 'N', 'n', '0', 'FALSE', 'false']);

interface ValidRow {
  row: number;
  name: string;
  type: SchoolType;
  region: RegionDoc;
  weak: boolean;
  schoolSystem?: SchoolSystem;
  ownership: SchoolOwnership;
  urbanRural: UrbanRuralType;
  address?: string;
  postcode?: string;
}

function enumValue<T extends string>(allowed: readonly T[], raw: string | undefined): T | undefined | null {
  const v = raw?.trim();
  if (!v) return undefined;
  return (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

/** A school name as imports compare it: NFKC, no invisible characters, one space between words. */
function importName(raw: string | undefined): string {
  return cleanCellText(raw ?? '').replace(/\s+/g, ' ');
}

/** Checks every row, collects every problem; writes nothing. */
async function validateImport(
  binding: RegionBinding,
  rows: ImportRow[],
  defaultRegionCode?: string,
): Promise<{ valid: ValidRow[]; problems: ImportProblem[] }> {
  const problems: ImportProblem[] = [];
  const problem = (row: number, field: ImportProblem['field'], reason: string) =>
    problems.push({ row, field, message: messages.row(row, reason) });

  const codes = new Set<string>();
  for (const r of rows) {
    const code = (r.regionCode?.trim() || defaultRegionCode) ?? '';
    if (/^\d{6}$/.test(code)) codes.add(code);
  }
  // Distinct codes are few: one `_id` look-up each.
  const regions = new Map<string, RegionDoc>();
  await Promise.all(
    [...codes].map(async (code) => {
      const region = await findRegion(code);
      if (region) regions.set(code, region);
    }),
  );

  const valid: ValidRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const r of rows) {
    if (r.cellProblems?.length) {
      for (const { field, problem: why } of r.cellProblems)
        problem(r.row, field, messages.cellProblem(messages.importColumns[field] ?? field, why));
      continue;
    }
    const before = problems.length;
    const name = importName(r.name);
    if (!name) problem(r.row, 'name', messages.nameBlank);
    else if (name.length < 2 || name.length > 60) problem(r.row, 'name', messages.nameLength);

    const rawType = r.type?.trim() ?? '';
    const type = TYPE_ALIASES[rawType] ?? enumValue(SCHOOL_TYPES, rawType);
    if (type === undefined) problem(r.row, 'type', messages.typeMissing);
    else if (type === null) problem(r.row, 'type', messages.typeInvalid(rawType));

    const code = r.regionCode?.trim() || defaultRegionCode || '';
    const region = regions.get(code);
    if (!code) problem(r.row, 'regionCode', messages.regionMissing);
    else if (!/^\d{6}$/.test(code)) problem(r.row, 'regionCode', messages.regionFormat(code));
    else if (!region) problem(r.row, 'regionCode', messages.regionUnknown(code));
    else if (!governsRegion(binding, region))
      problem(r.row, 'regionCode', messages.regionOutsideRow(region.name, code));
    else {
      const why = managingProblem(region);
      if (why) problem(r.row, 'regionCode', why);
    }

    const rawWeak = r.weak?.trim() ?? '';
    const weak = rawWeak === '' ? false : YES.has(rawWeak) ? true : NO.has(rawWeak) ? false : null;
    if (weak === null) problem(r.row, 'weak', messages.weakInvalid(rawWeak));

    const schoolSystem = enumValue(SCHOOL_SYSTEMS, r.schoolSystem);
    if (schoolSystem === null)
      problem(r.row, 'schoolSystem', messages.enumInvalid('学制', r.schoolSystem!.trim()));
    const ownership = enumValue(SCHOOL_OWNERSHIPS, r.ownership);
    if (ownership === null) problem(r.row, 'ownership', messages.enumInvalid('办别', r.ownership!.trim()));
    const urbanRural = enumValue(URBAN_RURAL_TYPES, r.urbanRural);
    if (urbanRural === null)
      problem(r.row, 'urbanRural', messages.enumInvalid('城乡类型', r.urbanRural!.trim()));
    const address = optionalText(r.address);
    if (address && address.length > 200) problem(r.row, 'address', messages.addressTooLong);
    const postcode = optionalText(r.postcode);
    if (postcode && !/^\d{6}$/.test(postcode)) problem(r.row, 'postcode', messages.postcodeInvalid(postcode));

    if (name && region) {
      const key = `${region._id}\u0000${name}`;
      const first = firstRowOf.get(key);
      if (first !== undefined) problem(r.row, 'name', messages.duplicateInFile(name, first));
      else firstRowOf.set(key, r.row);
    }
    if (problems.length === before) {
      valid.push({
        row: r.row,
        name,
        type: type!,
        region: region!,
        weak: weak!,
        schoolSystem: schoolSystem ?? undefined,
        ownership: ownership ?? '教育部门',
        urbanRural: urbanRural ?? '城区',
        address,
        postcode,
      });
    }
  }

  // Schools that already exist in the same region: one query over the regions the file names.
  const usedCodes = [...new Set(valid.map((v) => v.region._id))];
  if (usedCodes.length) {
    const existing = await School.find({ regionCode: { $in: usedCodes } }, { regionCode: 1, name: 1 }).lean<
      { regionCode: string; name: string }[]
    >();
    // Names on file compare as the file's do: width-folded, invisible characters removed.
    const taken = new Set(existing.map((s) => `${s.regionCode}\u0000${importName(s.name)}`));
    for (let i = valid.length - 1; i >= 0; i--) {
      const v = valid[i];
      if (taken.has(`${v.region._id}\u0000${v.name}`)) {
        problem(v.row, 'name', messages.nameTaken(v.region.name, v.name));
        valid.splice(i, 1);
      }
    }
  }
  problems.sort((a, b) => a.row - b.row);
  return { valid, problems };
}

async function insertInBatches(
  collection: { insertMany(docs: any[], opts: { ordered: boolean }): Promise<unknown> },
  docs: unknown[],
): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) {
    await collection.insertMany(docs.slice(i, i + 1000), { ordered: false });
  }
}

let defaults: { school: Record<string, unknown>; user: Record<string, unknown> } | undefined;

/** The models' own defaults, read once, so bulk documents need no per-document hydration. */
function modelDefaults() {
  if (!defaults) {
    const { _id: _s, ...school } = new School({}).toObject();
    const { _id: _u, ...user } = new User({}).toObject();
    defaults = { school, user };
  }
  return defaults;
}

function schoolDefaults(): Record<string, unknown> {
  return { ...modelDefaults().school };
}

/** A school admin account as stored, with the model's defaults (for bulk inserts). */
function adminDocument(school: SchoolDoc, loginName: string, passwordHash: string, now: Date) {
  return {
    ...modelDefaults().user,
    _id: new Types.ObjectId(),
    loginName,
    name: messages.schoolAdminName(school.name),
    passwordHash,
    mustChangePassword: true,
    bindings: [
      {
        _id: new Types.ObjectId(),
        kind: 'school',
        role: 'admin',
        schoolId: school._id,
        regionCode: school.regionCode,
        regionPath: school.regionPath,
        active: true,
      },
    ],
    createdAt: now,
    updatedAt: now,
  } as Record<string, unknown>;
}

/** Inserts admin accounts; a login name taken meanwhile is redrawn for just that account. */
async function insertAdmins(docs: Record<string, unknown>[]): Promise<void> {
  let pending = docs;
  for (let attempt = 0; pending.length; attempt++) {
    const failed: Record<string, unknown>[] = [];
    for (let i = 0; i < pending.length; i += 1000) {
      const batch = pending.slice(i, i + 1000);
      try {
        await User.collection.insertMany(batch, { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: { index: number; code: number }[] }).writeErrors;
        if (!writeErrors || attempt >= 5 || !writeErrors.every((e) => isDuplicateKey(e))) throw err;
        for (const e of writeErrors) {
          const doc = batch[e.index];
          const [loginName] = await reserveSchoolAdminLoginNames(adminRegionOf(doc), 1);
          failed.push({ ...doc, loginName });
        }
      }
    }
    pending = failed;
  }
}

/** How often an import in progress shows it is alive, and after how long without a beat it is taken as interrupted. */
const IMPORT_BEAT_MS = 5_000;
export const IMPORT_STALE_MS = 30_000;
const IMPORT_OWNER = `${hostname()}:${process.pid}`;

/** Whether the process that owns an import is known to be gone (it ran on this host and has exited). */
function ownerGone(owner: string | undefined): boolean {
  const at = owner?.lastIndexOf(':') ?? -1;
  if (!owner || at < 0 || owner.slice(0, at) !== hostname()) return false;
  const pid = Number(owner.slice(at + 1));
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** List rows and progress counts of a fully written import, then done; safe to run again after a crash. */
async function finishImport(
  deps: SchoolDeps,
  importId: string,
  schools: SchoolDoc[],
  counted: string[],
  beforeDone?: () => Promise<void>,
): Promise<void> {
  await indexSchoolDocs(schools);
  const perRegion = new Map<string, { school: SchoolDoc; n: number }>();
  for (const sc of schools) {
    const entry = perRegion.get(sc.regionCode) ?? { school: sc, n: 0 };
    entry.n++;
    perRegion.set(sc.regionCode, entry);
  }
  // Regions counted are marked at most once a second (a write each would cost more than the counts on
  // FerretDB): a crash counts the regions since the last mark twice, until the progress recount.
  const done = [...counted];
  let markedAt = performance.now();
  for (const [code, { school: sc, n }] of perRegion) {
    if (counted.includes(code)) continue;
    await applySchoolUnits(openPeriods(deps), { ...sc, initialized: false }, n);
    done.push(code);
    if (performance.now() - markedAt >= 1000) {
      await SchoolImport.updateOne({ _id: importId }, { $set: { countedRegions: done } });
      markedAt = performance.now();
    }
  }
  await beforeDone?.();
  await SchoolImport.updateOne(
    { _id: importId },
    {
      $set: { state: 'done', created: schools.length, finishedAt: deps.clock() },
      $unset: { schoolIds: 1, countedRegions: 1 },
    },
  );
}

/** Deletes an unfinished import's accounts, schools and any list rows, and marks it rolled back. */
async function rollBackImport(deps: SchoolDeps, importId: string, ids: Types.ObjectId[]): Promise<void> {
  const written = await School.find({ _id: { $in: ids } }, { regionCode: 1 }).lean<SchoolDoc[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000);
    await User.deleteMany({ 'bindings.schoolId': { $in: batch } });
    await School.deleteMany({ _id: { $in: batch } });
  }
  // Rows only exist if a list rebuild ran meanwhile (the import writes them after `indexing`).
  await unindexSchoolDocs(written);
  await SchoolImport.updateOne(
    { _id: importId },
    { $set: { state: 'rolledBack', created: 0, finishedAt: deps.clock() }, $unset: { schoolIds: 1 } },
  );
}

/**
 * Settles imports a crash (kill -9, power loss) left unfinished, all or nothing: an import stopped
 * while writing is rolled back unless every one of its schools was written (then its missing admin
 * accounts are created); one stopped after writing gets its list rows and progress counts. Imports
 * whose process still beats within `staleMs` (default 30 s, wall clock) and is not known to be gone
 * (same host, no such process) are left alone and counted in
 * `waiting`, with `retryInMs` until the first of them can be taken. Each import is settled once, under
 * a lease, however many instances call this (at start-up, and from the jobs table).
 */
export async function resumeInterruptedImports(
  deps: SchoolDeps,
  opts: { staleMs?: number } = {},
): Promise<{ finished: number; rolledBack: number; waiting: number; retryInMs?: number }> {
  const staleMs = opts.staleMs ?? IMPORT_STALE_MS;
  const out: { finished: number; rolledBack: number; waiting: number; retryInMs?: number } = {
    finished: 0,
    rolledBack: 0,
    waiting: 0,
  };
  const jobs = await SchoolImport.find({ state: { $in: ['writing', 'indexing'] } }).lean<SchoolImportDoc[]>();
  for (const job of jobs) {
    const age = Date.now() - (job.beatAt ?? job.startedAt).getTime();
    if (age < staleMs && !ownerGone(job.owner)) {
      out.waiting++;
      out.retryInMs = Math.min(out.retryInMs ?? Infinity, staleMs - age + 100);
      continue;
    }
    await runOnce(deps.clock, `school-import:${job._id}`, async () => {
      const current = await SchoolImport.findById(job._id).lean<SchoolImportDoc>();
      if (!current || (current.state !== 'writing' && current.state !== 'indexing')) return;
      const ids = current.schoolIds ?? [];
      const schools = await School.find({ _id: { $in: ids } }).lean<SchoolDoc[]>();
      const audit = (action: string, after: Record<string, unknown>) =>
        recordAudit(deps.clock, (current.actor ?? {}) as Actor, {
          action,
          targetType: 'schoolImport',
          targetId: current._id,
          regionPath: current.auditPath ?? [],
          before: null,
          after,
        });
      if (current.state === 'writing' && schools.length < ids.length) {
        await rollBackImport(deps, current._id, ids);
        await audit('school.importRolledBack', { created: 0, written: schools.length, rows: ids.length });
        out.rolledBack++;
        return;
      }
      await SchoolImport.updateOne({ _id: current._id }, { $set: { state: 'indexing' } });
      await ensureImportAdmins(deps, schools);
      await finishImport(deps, current._id, schools, current.countedRegions ?? []);
      // The request's own entry is written after `done`: a crash in between leaves none.
      if (!(await AuditEntry.exists({ action: 'school.import', targetId: current._id }))) {
        await audit('school.import', {
          created: schools.length,
          resumed: true,
          schools: schools.map((sc) => `${String(sc._id)} ${sc.regionCode} ${sc.name}`),
        });
      }
      out.finished++;
    });
  }
  return out;
}

/** Creates the admin account of every school that has none (an import stopped while writing them). */
async function ensureImportAdmins(deps: SchoolDeps, schools: SchoolDoc[]): Promise<void> {
  const ids = schools.map((s) => s._id);
  const served = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const holders = await User.find(
      { 'bindings.schoolId': { $in: ids.slice(i, i + 1000) } },
      { bindings: 1 },
    ).lean<{ bindings: Binding[] }[]>();
    for (const u of holders) for (const b of u.bindings) served.add(String(b.schoolId));
  }
  const missingSchools = schools.filter((s) => !served.has(String(s._id)));
  if (!missingSchools.length) return;
  const passwordHash = await hashPassword(INITIAL_PASSWORD);
  const now = deps.clock();
  const names = await loginNamesFor(missingSchools);
  const missing = missingSchools.map((s, i) => adminDocument(s, names[i], passwordHash, now));
  for (const admin of missing) {
    await noteSchoolAdmin((admin.bindings as Binding[])[0].schoolId!, admin._id as Types.ObjectId);
  }
  await insertAdmins(missing);
}

/** Who may import (region admins), checked before the upload is even read. */
export async function checkImportAccess(caller: Caller, defaultRegionCode?: string): Promise<RegionBinding> {
  const binding = requireRegionAdmin(caller.binding);
  if (defaultRegionCode) await managingRegion(binding, defaultRegionCode, 'regionCode');
  return binding;
}

export async function importSchools(
  deps: SchoolDeps,
  caller: Caller,
  rows: ImportRow[],
  opts: { defaultRegionCode?: string } = {},
): Promise<ImportResult> {
  const binding = await checkImportAccess(caller, opts.defaultRegionCode);
  if (!rows.length) throw new ValidationError(messages.importEmpty, { property: 'file' }, 'IMPORT_EMPTY');
  const { valid, problems } = await validateImport(binding, rows, opts.defaultRegionCode);
  if (problems.length) {
    const badRows = new Set(problems.map((p) => p.row)).size;
    throw new ValidationError(
      messages.importInvalid(badRows, problems[0].message),
      {
        property: 'file',
        badRows,
        errorCount: problems.length,
        rows: problems.slice(0, ERROR_ROWS_SHOWN),
      },
      'IMPORT_INVALID',
    );
  }

  const importId = new Types.ObjectId().toHexString();
  const now = deps.clock();
  const passwordHash = await hashPassword(INITIAL_PASSWORD);
  const schools: SchoolDoc[] = valid.map((v) => ({
    ...schoolDefaults(),
    status: '正常' as const,
    initialized: false,
    _id: new Types.ObjectId(),
    name: v.name,
    type: v.type,
    regionCode: v.region._id,
    regionPath: regionScope(v.region),
    weak: v.weak,
    ownership: v.ownership,
    urbanRural: v.urbanRural,
    ...(v.schoolSystem ? { schoolSystem: v.schoolSystem } : {}),
    ...(v.address ? { address: v.address } : {}),
    ...(v.postcode ? { postcode: v.postcode } : {}),
    issueFlags: { basic: [], report: [] },
    createdAt: now,
    updatedAt: now,
  }));
  const names = await loginNamesFor(schools);
  const admins = schools.map((s, i) => adminDocument(s, names[i], passwordHash, now));
  schools.forEach((s, i) => (s.adminIds = [admins[i]._id as Types.ObjectId]));
  const schoolIds = schools.map((s) => s._id);

  const result: ImportResult = {
    created: schools.length,
    initialPassword: INITIAL_PASSWORD,
    schools: schools.map((s, i) => ({
      id: String(s._id),
      name: s.name,
      regionCode: s.regionCode,
      loginName: admins[i].loginName as string,
    })),
  };

  // The job document first (one `_id` write), then schools and accounts side by side, then the list
  // rows and progress counts, then done: marking thousands of schools one by one would cost more than
  // the import itself on FerretDB. A crash anywhere is settled by resumeInterruptedImports().
  await SchoolImport.create({
    _id: importId,
    state: 'writing',
    schoolIds,
    created: 0,
    startedAt: now,
    beatAt: new Date(),
    owner: IMPORT_OWNER,
    actor: { ...caller.actor },
    auditPath: scopeOf(binding.regionPath, binding.regionCode),
  });
  const beat = setInterval(() => {
    SchoolImport.updateOne({ _id: importId }, { $set: { beatAt: new Date() } }).catch(() => {});
  }, IMPORT_BEAT_MS);
  beat.unref();
  try {
    const [schoolsWritten, adminsWritten] = await Promise.allSettled([
      insertInBatches(School.collection, schools),
      insertAdmins(admins),
    ]);
    const failed = [schoolsWritten, adminsWritten].find((r) => r.status === 'rejected');
    // Still ours? A resume that took this import for dead has rolled it back.
    const written =
      !failed &&
      (await SchoolImport.updateOne({ _id: importId, state: 'writing' }, { $set: { state: 'indexing' } }))
        .modifiedCount === 1;
    if (!written) {
      // All or nothing: take back what was written (e.g. a name created meanwhile by someone else).
      await rollBackImport(deps, importId, schoolIds);
      const err = failed?.reason;
      if (schoolsWritten.status === 'rejected' && isDuplicateKey(err)) {
        throw new ConflictError(messages.importConflict, 'IMPORT_CONFLICT');
      }
      throw err ?? new ConflictError(messages.importInterrupted, 'IMPORT_INTERRUPTED');
    }
    // The audit entry before `done`, so a crash after it is found by the resume (which writes it otherwise).
    await finishImport(deps, importId, schools, [], () =>
      recordAudit(deps.clock, caller.actor, {
        action: 'school.import',
        targetType: 'schoolImport',
        targetId: importId,
        regionPath: scopeOf(binding.regionPath, binding.regionCode),
        before: null,
        // One entry for the whole import: thousands of per-school entries would double its cost.
        after: {
          created: result.created,
          schools: result.schools.map((s) => `${s.id} ${s.regionCode} ${s.name} ${s.loginName}`),
        },
      }),
    );
  } finally {
    clearInterval(beat);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Export and template support

/** A region the caller may export from (region admins of it or above). */
export async function exportableRegion(caller: Caller, code: string): Promise<RegionDoc> {
  const binding = caller.binding;
  const region = await findRegion(code);
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  if (!isRegionBinding(binding) || !governsRegion(binding, region)) {
    throw new ForbiddenError(messages.outsideRegion(region.name), 'OUTSIDE_JURISDICTION');
  }
  requireRegionAdmin(binding);
  return region;
}

export interface SchoolAdminAccount {
  loginName: string;
  name: string;
  locked: boolean;
}

/** School admins of the schools in scope, by school id (one query, not one per school). */
export async function schoolAdminsByRegion(
  code: string,
  direct: boolean,
): Promise<Map<string, SchoolAdminAccount[]>> {
  const users = await User.find(direct ? { 'bindings.regionCode': code } : { 'bindings.regionPath': code }, {
    loginName: 1,
    name: 1,
    locked: 1,
    bindings: 1,
  })
    .sort({ loginName: 1 })
    .lean<{ loginName: string; name: string; locked?: boolean; bindings: Binding[] }[]>();
  const bySchool = new Map<string, SchoolAdminAccount[]>();
  for (const u of users) {
    for (const b of u.bindings) {
      if (b.kind !== 'school' || b.role !== 'admin' || !b.schoolId) continue;
      if (direct ? b.regionCode !== code : !b.regionPath.includes(code)) continue;
      const key = String(b.schoolId);
      const list = bySchool.get(key) ?? [];
      list.push({ loginName: u.loginName, name: u.name, locked: Boolean(u.locked) });
      bySchool.set(key, list);
    }
  }
  return bySchool;
}

/** The schools of a region (or only its direct ones), in a stable order, as a cursor. */
export function regionSchoolsCursor(code: string, direct: boolean) {
  const filter = direct ? { regionCode: code } : { regionPath: code };
  return School.find(filter).sort({ regionCode: 1, name: 1 }).lean<SchoolDoc[]>().cursor();
}

/** A region and every region below it, in code order (the export's 所属地区, the template's codes). */
export async function regionsUnder(code: string): Promise<RegionDoc[]> {
  const all = [...(await regionIndex()).values()];
  return all.filter((r) => isWithin(r.path, r._id, code)).sort((a, b) => a._id.localeCompare(b._id));
}

/** The regions a caller can put schools under: for the import template's 地区代码 sheet. */
export async function templateRegions(caller: Caller): Promise<RegionDoc[]> {
  const binding = requireRegionAdmin(caller.binding);
  const regions = await regionsUnder(binding.regionCode);
  return regions.filter((r) => !managingProblem(r));
}
