// What every school service shares (split from service.ts): messages, the Caller, the region cache,
// school jurisdiction, period helpers. service.ts re-exports the public part.
import { DEFAULT_CALENDAR, nameProblem, roleLabel, type CalendarConfig } from '@eduprogress/shared';
import { Types } from 'mongoose';
import type { Caller as AccessCaller } from '../access/caller';
import {
  governsRegion,
  governsSchool,
  isRegionBinding,
  reachesSchool,
  type RegionBinding,
} from '../access/rules';
import { type Binding } from '../accounts/model';
import type { Clock } from '../clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { publishDomainEvent } from '../events';
import { countsInPeriod, schoolReportingLevel, workablePeriods } from '../reports/rules';
import { reserveSchoolAdminLoginNames } from './login-names';
import { School, schoolView, type SchoolDoc } from './model';

export const messages = {
  renameByRegion: '学校名称由所属教育行政部门（区县）修改，请联系区县管理员',
  nameInvalid: (problem: string) => `学校名称${problem}`,
  schoolNotFound: '学校不存在或已被删除',
  outsideSchool: '该学校不在您的管辖范围内',
  outsideRegion: (name: string) => `地区「${name}」不在您的管辖范围内`,
  regionAdminsOnly: '只有地区管理员可以管理学校',
  readOnly: (role: string) =>
    `${role}只能查看学校信息，不能新增、修改、删除、转移或导入学校，请联系本级管理员操作`,
  regionNotFound: (code: string) => `地区代码 ${code} 不存在`,
  nationalNotManaging:
    '学校不能直接隶属于全国，请选择省、市或县（区）；部属高校请先建在所在省份，再由全国管理员设为部属高校',
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
export const ERROR_ROWS_SHOWN = 500;

export interface SchoolDeps {
  clock: Clock;
  /** The reporting calendar (which periods' progress counts a new or removed school changes). */
  calendar?: CalendarConfig;
}

/**
 * Periods whose progress rollups follow the school's creation, removal or move at once (others: the
 * recount): the workable ones in which it is a unit — it existed at its level's deadline for them
 * (reports/rules.ts `countsInPeriod`), so a school created today leaves a closed period's totals alone.
 */
export async function openPeriods(
  deps: SchoolDeps,
  school: { regionCode: string; createdAt?: Date | null },
): Promise<string[]> {
  const calendar = deps.calendar ?? DEFAULT_CALENDAR;
  const managing = await findRegion(school.regionCode);
  const level = managing ? schoolReportingLevel(managing) : null;
  const now = deps.clock();
  return workablePeriods(now, calendar).filter((p) =>
    countsInPeriod(school.createdAt, level, p, calendar, now),
  );
}

/**
 * Tells the read models that follow schools (the school list, the progress and statistics rollups) that
 * a school changed other than through its reports: `before` null for a new school, `after` null for a
 * deleted one. For the workable periods; the list rebuild and the drift checks repair anything missed.
 */
export async function publishSchoolChange(
  deps: SchoolDeps,
  before: SchoolDoc | null,
  after: SchoolDoc | null,
): Promise<void> {
  const school = after ?? before;
  if (!school) return;
  await publishDomainEvent('school.changed', {
    schoolId: String(school._id),
    before,
    after,
    periods: await openPeriods(deps, school),
    periodsBefore: before ? await openPeriods(deps, before) : [],
  });
}

/** Who is calling (access/caller.ts): the binding decides jurisdiction, the actor goes into the audit trail. */
export type Caller = Pick<AccessCaller, 'binding' | 'actor'>;

// ---------------------------------------------------------------------------------------------
// Regions: static reference data (seeded from GB/T 2260 at start), read once and kept in memory —
// on FerretDB/SQLite each look-up would otherwise cost a round trip, each scan a second.

const REGION_CACHE_MS = 10 * 60_000;
let regionCache: { loadedAt: number; byCode: Map<string, RegionDoc> } | undefined;
let regionLoading: Promise<Map<string, RegionDoc>> | undefined;

export async function regionIndex(): Promise<Map<string, RegionDoc>> {
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

export async function findRegion(code: string): Promise<RegionDoc | null> {
  const cached = (await regionIndex()).get(code);
  // Not cached (seeded after the cache was read): ask the database itself.
  return cached ?? Region.findById(code).lean<RegionDoc>();
}

// ---------------------------------------------------------------------------------------------
// Jurisdiction

/** A region admin; auditors and inspectors read only, other bindings manage no schools. */
export function requireRegionAdmin(binding: Binding | undefined): RegionBinding {
  if (!isRegionBinding(binding)) {
    throw new ForbiddenError(messages.regionAdminsOnly, 'OUTSIDE_JURISDICTION');
  }
  if (binding.role !== 'admin')
    throw new ForbiddenError(messages.readOnly(roleLabel(binding.role)), 'ROLE_FORBIDDEN');
  return binding;
}

/** The school's region admin: outsiders first (whatever their role), then read-only roles. */
export function requireManagerOf(binding: Binding | undefined, school: SchoolDoc): RegionBinding {
  if (!governsSchool(binding, school)) {
    throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
  }
  return requireRegionAdmin(binding);
}

export async function findSchool(id: string): Promise<SchoolDoc> {
  const school = Types.ObjectId.isValid(id) ? await School.findById(id).lean<SchoolDoc>() : null;
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  return school;
}

export async function findSchoolWithin(binding: Binding | undefined, id: string): Promise<SchoolDoc> {
  const school = await findSchool(id);
  if (!reachesSchool(binding, school))
    throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
  return school;
}

/** Why a region cannot manage schools directly, if it cannot. */
export function managingProblem(region: RegionDoc): string | undefined {
  if (region.level === 'national') return messages.nationalNotManaging;
  if (region.placeholder) return messages.placeholderRegion(region.name);
  return undefined;
}

/** A region the caller governs that can manage schools (county, or a city/province for direct ones). */
export async function managingRegion(
  binding: RegionBinding,
  code: string,
  property: string,
): Promise<RegionDoc> {
  const region = await findRegion(code);
  if (!region) throw new ValidationError(messages.regionNotFound(code), { property }, 'REGION_NOT_FOUND');
  if (!governsRegion(binding, region)) {
    throw new ForbiddenError(messages.outsideRegion(region.name), 'OUTSIDE_JURISDICTION');
  }
  const problem = managingProblem(region);
  if (problem) throw new ValidationError(problem, { property }, 'REGION_NOT_MANAGING');
  return region;
}

export function normalizeName(raw: string, property = 'name'): string {
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
export async function loginNamesFor(schools: Pick<SchoolDoc, 'regionCode'>[]): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const s of schools) counts.set(s.regionCode, (counts.get(s.regionCode) ?? 0) + 1);
  const pools = new Map<string, string[]>();
  for (const [code, n] of counts) pools.set(code, await reserveSchoolAdminLoginNames(code, n));
  return schools.map((s) => pools.get(s.regionCode)!.shift()!);
}

/** The managing region of an admin account document (its school binding). */
export function adminRegionOf(doc: Record<string, unknown>): string {
  return (doc.bindings as Binding[])[0].regionCode!;
}

/** The audit entry fields of a school: its view without volatile timestamps. */
export function auditable(school: SchoolDoc): Record<string, unknown> {
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

/** The `n` months (`YYYY-MM`, newest first) up to and including the one of `now`, in Asia/Shanghai. */
export function recentMonths(now: Date, n: number): string[] {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  return Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - i, 1)).toISOString().slice(0, 7),
  );
}

/** First instant of a `YYYY-MM` month in Asia/Shanghai, and of the month after it. */
export function monthRange(month: string): { start: Date; end: Date } {
  const [year, mon] = month.split('-').map(Number);
  return {
    start: new Date(Date.UTC(year, mon - 1, 1) - SHANGHAI_OFFSET_MS),
    end: new Date(Date.UTC(year, mon, 1) - SHANGHAI_OFFSET_MS),
  };
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
