// Trainings, who may see and run them, and the statistics views of seed 003 (by region, by teacher,
// by school, the teacher's own). Services take typed inputs and never see the HTTP context.
// Over 500 lines: trainings and their four statistics views share the visibility rules below; not split
// yet (issue 10), the read models already moved to roster.ts, rollups.ts and recount.ts.
import { Types } from 'mongoose';
import {
  formatStudyTime,
  MISSING_FULL_TIME_TEACHERS_HINT,
  trainingRates,
  trainingStatus,
  TRAINING_STATUS_LABELS,
  EMPTY_TRAINING_COUNTS,
  addCounts,
  toShanghaiIso,
  type TrainingCounts,
  type TrainingStatsRow,
  type TrainingStatsView,
  type TrainingStatus,
  scopeOf,
} from '@eduprogress/shared';
import type { Caller as AccessCaller } from '../access/caller';
import { isRegionBinding, isTrainingAdmin, reachesSchool } from '../access/rules';
import type { Binding, UserDoc } from '../accounts/model';
import { recordAudit } from '../audit/service';
import type { Clock } from '../clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import type { Page } from '../http/pagination';
import type { RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { teacherOfUser } from '../teachers/service';
import { managingRegionOf } from '../teachers/model';
import { findRecord, Training, type TrainingDoc } from './model';
import {
  countsOf,
  fullTimeCounts,
  readRollup,
  regionIndex,
  rollupId,
  rosterOf,
  setFullTimeCounts,
  type RegionIndex,
  type RosterLine,
} from './stats';

const messages = {
  notFound: '培训不存在',
  notVisible: '该培训不在您的管辖范围内',
  createForbidden: '只有国家级或省级的超级管理员、专项管理员或管理员可以创建培训',
  regionNotFound: (code: string) => `地区 ${code} 不存在`,
  regionOutside: '该地区不在您的管辖范围内',
  regionNotInTraining: (name: string) => `所选地区不在本培训的范围（${name}）内`,
  badPeriod: '培训结束时间必须晚于开始时间',
  regionOnly: '按地区的统计只向地区管理员开放，学校管理员请查看本校统计',
  schoolNotFound: '学校不存在',
  schoolOutside: '该学校不在您的管辖范围内',
  notTeacher: '您还不是教师，无法查看研修学时；请先申请教师认证',
  importForbidden: '只有地区的超级管理员、专项管理员或管理员可以导入学时数据',
  recountForbidden: '只有培训所属地区或其上级的管理员可以重新统计',
  fullTimeForbidden: '只有省级或国家级管理员可以维护专任教师数',
  direct: '直属学校',
  otherSchool: '其他',
};

/** Who is calling (access/caller.ts). */
export type Caller = Pick<AccessCaller, 'user' | 'binding' | 'actor'>;

export interface TrainingDeps {
  clock: Clock;
}

// ---------------------------------------------------------------------------------------------
// Trainings

export function trainingView(t: TrainingDoc, now: Date, regions?: RegionIndex) {
  const status: TrainingStatus = trainingStatus(t.startAt, t.endAt, now);
  return {
    id: String(t._id),
    name: t.name,
    status,
    statusLabel: TRAINING_STATUS_LABELS[status],
    startAt: toShanghaiIso(t.startAt),
    endAt: toShanghaiIso(t.endAt),
    hourCap: t.hourCap,
    regionCode: t.regionCode,
    regionName: regions?.byCode.get(t.regionCode)?.name ?? null,
    createdAt: toShanghaiIso(t.createdAt),
    statsUpdatedAt: t.viewBuiltAt ? toShanghaiIso(t.viewBuiltAt) : null,
  };
}

/** A region binding sees trainings of its region's ancestors and of its subtree; others those above them. */
function canSee(binding: Binding | undefined, training: TrainingDoc, regions: RegionIndex): boolean {
  if (!binding) return false;
  if (binding.kind === 'region' && binding.regionCode) {
    return (
      regions.within(binding.regionCode, training.regionCode) ||
      regions.within(training.regionCode, binding.regionCode)
    );
  }
  const code = binding.regionCode ?? binding.regionPath[binding.regionPath.length - 1];
  return (
    Boolean(code) &&
    (regions.within(code!, training.regionCode) || binding.regionPath.includes(training.regionCode))
  );
}

async function trainingById(id: string): Promise<TrainingDoc> {
  const t = Types.ObjectId.isValid(id) ? await Training.findById(id).lean<TrainingDoc>() : null;
  if (!t) throw new NotFoundError(messages.notFound, 'TRAINING_NOT_FOUND');
  return t;
}

export async function visibleTraining(
  caller: Caller,
  id: string,
): Promise<{ training: TrainingDoc; regions: RegionIndex }> {
  const [training, regions] = await Promise.all([trainingById(id), regionIndex()]);
  if (!canSee(caller.binding, training, regions))
    throw new ForbiddenError(messages.notVisible, 'OUTSIDE_JURISDICTION');
  return { training, regions };
}

function levelOf(regions: RegionIndex, code: string | undefined) {
  return code ? regions.byCode.get(code)?.level : undefined;
}

export interface CreateTrainingInput {
  name: string;
  startAt: string;
  endAt: string;
  hourCap: number;
  regionCode?: string;
}

/** A date alone means the whole day in Shanghai: 00:00 for the start, 23:59:59.999 for the end. */
function instant(text: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(`${text}T${end ? '23:59:59.999' : '00:00:00'}+08:00`);
  return new Date(text);
}

export async function createTraining(deps: TrainingDeps, caller: Caller, input: CreateTrainingInput) {
  const regions = await regionIndex();
  const b = caller.binding;
  const level = levelOf(regions, b?.regionCode);
  if (!isTrainingAdmin(b) || (level !== 'national' && level !== 'province')) {
    throw new ForbiddenError(messages.createForbidden, 'TRAINING_CREATE_FORBIDDEN');
  }
  const code = input.regionCode ?? b.regionCode!;
  const region = regions.byCode.get(code);
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  if (!regions.within(code, b.regionCode!))
    throw new ForbiddenError(messages.regionOutside, 'OUTSIDE_JURISDICTION');
  const startAt = instant(input.startAt, false);
  const endAt = instant(input.endAt, true);
  if (!(endAt > startAt)) throw new ValidationError(messages.badPeriod, { property: 'endAt' }, 'BAD_PERIOD');
  const now = deps.clock();
  const doc = await Training.create({
    name: input.name.trim(),
    startAt,
    endAt,
    hourCap: input.hourCap,
    regionCode: code,
    regionPath: region.path,
    createdAt: now,
    createdBy: caller.user._id,
    viewGen: 0,
  });
  const training = doc.toObject() as TrainingDoc;
  await recordAudit(deps.clock, caller.actor, {
    action: 'training.create',
    targetType: 'training',
    targetId: String(training._id),
    regionPath: scopeOf(region.path, code),
    after: { name: training.name, startAt, endAt, hourCap: training.hourCap, regionCode: code },
  });
  return trainingView(training, now, regions);
}

export interface ListTrainingsQuery {
  status?: TrainingStatus;
  q?: string;
  /** Trainings whose period overlaps [from, to] (dates, Asia/Shanghai). */
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** Trainings visible to the caller, newest first (a small collection: read whole, filtered here). */
export async function listTrainings(deps: TrainingDeps, caller: Caller, query: ListTrainingsQuery) {
  const regions = await regionIndex();
  const now = deps.clock();
  const all = await Training.find({}).sort({ createdAt: -1, _id: -1 }).lean<TrainingDoc[]>();
  const from = query.from ? instant(query.from, false) : undefined;
  const to = query.to ? instant(query.to, true) : undefined;
  const items = all
    .filter((t) => canSee(caller.binding, t, regions))
    .filter((t) => (!from || t.endAt >= from) && (!to || t.startAt <= to))
    .map((t) => trainingView(t, now, regions))
    .filter(
      (t) => (!query.status || t.status === query.status) && (!query.q || t.name.includes(query.q.trim())),
    );
  const skip = (query.page - 1) * query.pageSize;
  return {
    items: items.slice(skip, skip + query.pageSize),
    total: items.length,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export async function getTraining(deps: TrainingDeps, caller: Caller, id: string) {
  const { training, regions } = await visibleTraining(caller, id);
  return trainingView(training, deps.clock(), regions);
}

// ---------------------------------------------------------------------------------------------
// Which region a region admin looks at

/** The top region the caller may see in this training: its own region, or the training's when higher. */
function topRegion(binding: Binding, training: TrainingDoc, regions: RegionIndex): string {
  return regions.within(binding.regionCode!, training.regionCode) ? binding.regionCode! : training.regionCode;
}

function regionInTraining(
  caller: Caller,
  training: TrainingDoc,
  regions: RegionIndex,
  code?: string,
): RegionDoc {
  const b = caller.binding;
  if (!isRegionBinding(b)) throw new ForbiddenError(messages.regionOnly, 'REGION_ADMIN_ONLY');
  const target = code ?? topRegion(b, training, regions);
  const region = regions.byCode.get(target);
  if (!region) throw new NotFoundError(messages.regionNotFound(target), 'REGION_NOT_FOUND');
  if (!regions.within(target, b.regionCode))
    throw new ForbiddenError(messages.regionOutside, 'OUTSIDE_JURISDICTION');
  if (!regions.within(target, training.regionCode)) {
    const name = regions.byCode.get(training.regionCode)?.name ?? training.regionCode;
    throw new ValidationError(
      messages.regionNotInTraining(name),
      { property: 'region' },
      'REGION_NOT_IN_TRAINING',
    );
  }
  return region;
}

// ---------------------------------------------------------------------------------------------
// By region (seed 003 part 3 §2.3–2.5)

export interface StatsFilters {
  region?: string;
  includeUnverified: boolean;
  stage?: string;
  subject?: string;
}

/** A row of the by-region statistics (shared/src/api/views.ts). */
export type StatsRow = TrainingStatsRow;

export interface RegionStats extends TrainingStatsView<ReturnType<typeof trainingView>> {
  filters: StatsFilters;
}

export async function regionStats(
  deps: TrainingDeps,
  caller: Caller,
  id: string,
  filters: StatsFilters,
): Promise<RegionStats> {
  const { training, regions } = await visibleTraining(caller, id);
  const region = regionInTraining(caller, training, regions, filters.region);
  const children = regions.children.get(region._id) ?? [];
  const [doc, fullTime] = await Promise.all([
    readRollup(training, rollupId(region._id, filters.stage, filters.subject)),
    fullTimeCounts(region),
  ]);
  const row = (r: RegionDoc, fullTimeTeachers: number | null): StatsRow => ({
    code: r._id,
    name: r.name,
    kind: 'region',
    drill: { view: 'stats', region: r._id },
    ...trainingRates(countsOf(doc, r._id, filters.includeUnverified), fullTimeTeachers),
  });
  const total = row(region, fullTime.own);
  const rows = children.map((c) => row(c, fullTime.children.get(c._id) ?? null));
  if (children.length) {
    rows.push({
      code: region._id,
      name: messages.direct,
      kind: 'direct',
      drill: { view: 'teachers', region: region._id, direct: true },
      ...trainingRates(countsOf(doc, region._id, filters.includeUnverified, true), null),
    });
  }
  // The seed lists rows by participants, largest first (直属学校 takes its place among them).
  rows.sort(
    (a, b) =>
      b.participants - a.participants || a.code.localeCompare(b.code) || (a.kind === 'direct' ? 1 : -1),
  );
  const top = topRegion(caller.binding!, training, regions);
  const path = regions.pathOf(region._id);
  const missing = [total, ...rows]
    .filter((r) => r.kind === 'region' && r.participationRate === null)
    .map((r) => r.code);
  return {
    training: trainingView(training, deps.clock(), regions),
    region: { code: region._id, name: region.name, level: region.level },
    breadcrumb: path
      .slice(path.indexOf(top))
      .map((code) => ({ code, name: regions.byCode.get(code)?.name ?? code })),
    filters: { ...filters, region: region._id },
    total,
    children: rows,
    hint: missing.length ? MISSING_FULL_TIME_TEACHERS_HINT : null,
    missingFullTimeTeachers: missing,
  };
}

// ---------------------------------------------------------------------------------------------
// By teacher (seed 003 part 3 §2.4, part 4 §3.3)

export interface TeacherListQuery {
  region?: string;
  school?: string;
  direct?: boolean;
  q?: string;
  stage?: string;
  subject?: string;
  page: number;
  pageSize: number;
}

export interface TeacherRow {
  teacherId: string;
  account: string;
  name: string;
  school: string;
  region: string;
  regionCode: string;
  stage: string;
  subject: string;
  hours: number;
  studySeconds: number;
  studyTime: string;
  completed: boolean;
  verified: boolean;
}

export function teacherRow(line: RosterLine, regions: RegionIndex, capCenti: number): TeacherRow {
  return {
    teacherId: line.teacherId,
    account: line.account,
    name: line.name,
    school: line.schoolName || messages.otherSchool,
    region: regions.pathName(line.region),
    regionCode: line.region,
    stage: line.stage,
    subject: line.subject,
    hours: line.centiHours / 100,
    studySeconds: line.studySeconds,
    studyTime: formatStudyTime(line.studySeconds),
    completed: line.centiHours >= capCenti,
    verified: line.verified === 1,
  };
}

/** Who the caller may list in this training: a predicate over roster lines, and over the managing
 * regions of roster chunks (so an export reads only the chunks that can match). */
export async function teacherScope(
  caller: Caller,
  training: TrainingDoc,
  regions: RegionIndex,
  query: Pick<TeacherListQuery, 'region' | 'school' | 'direct' | 'q' | 'stage' | 'subject'>,
): Promise<{ label: string; match: (l: RosterLine) => boolean; chunk: (region: string) => boolean }> {
  const b = caller.binding;
  let where: (l: RosterLine) => boolean;
  let chunk: (region: string) => boolean;
  let label: string;
  if (b?.kind === 'school' && b.schoolId) {
    const own = String(b.schoolId);
    if (query.school && query.school !== own)
      throw new ForbiddenError(messages.schoolOutside, 'OUTSIDE_JURISDICTION');
    const school = await School.findById(own, { name: 1, regionCode: 1 }).lean();
    // A school admin sees its own teachers only: asking for a region its school is not in is refused,
    // not answered with the own school's rows as if they were that region's.
    if (query.region && school && !regions.within(school.regionCode, query.region))
      throw new ForbiddenError(messages.regionOutside, 'OUTSIDE_JURISDICTION');
    where = (l) => l.schoolId === own;
    chunk = (r) => r === school?.regionCode;
    label = school?.name ?? own;
  } else {
    const region = regionInTraining(caller, training, regions, query.region);
    const code = region._id;
    if (query.school) {
      const school = await schoolWithin(caller, query.school);
      const id = String(school._id);
      where = (l) => l.schoolId === id;
      chunk = (r) => r === school.regionCode;
      label = school.name;
    } else if (query.direct) {
      where = (l) => l.region === code;
      chunk = (r) => r === code;
      label = `${region.name}${messages.direct}`;
    } else {
      where = (l) => regions.within(l.region, code);
      chunk = (r) => regions.within(r, code);
      label = region.name;
    }
  }
  const q = query.q?.trim();
  return {
    label,
    chunk,
    match: (l) =>
      where(l) &&
      (!query.stage || l.stage === query.stage) &&
      (!query.subject || l.subject === query.subject) &&
      (!q || l.name.includes(q)),
  };
}

export async function listTrainingTeachers(
  caller: Caller,
  id: string,
  query: TeacherListQuery,
): Promise<Page<TeacherRow>> {
  const { training, regions } = await visibleTraining(caller, id);
  const { match } = await teacherScope(caller, training, regions, query);
  const lines = await rosterOf(training);
  const from = (query.page - 1) * query.pageSize;
  const items: TeacherRow[] = [];
  const cap = Math.round(training.hourCap * 100);
  let total = 0;
  // The roster is already in display order (region, school, teacher): one pass, no sort.
  for (const line of lines) {
    if (!match(line)) continue;
    if (total >= from && items.length < query.pageSize) items.push(teacherRow(line, regions, cap));
    total++;
  }
  return { items, total, page: query.page, pageSize: query.pageSize };
}

// ---------------------------------------------------------------------------------------------
// By school (seed 003 part 4 §3.2)

async function schoolWithin(caller: Caller, schoolId: string): Promise<SchoolDoc> {
  const school = Types.ObjectId.isValid(schoolId) ? await School.findById(schoolId).lean<SchoolDoc>() : null;
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  if (!reachesSchool(caller.binding, school))
    throw new ForbiddenError(messages.schoolOutside, 'OUTSIDE_JURISDICTION');
  return school;
}

export async function schoolStats(
  deps: TrainingDeps,
  caller: Caller,
  id: string,
  schoolId: string,
  filters: { includeUnverified: boolean },
) {
  const { training, regions } = await visibleTraining(caller, id);
  const school = await schoolWithin(caller, schoolId);
  const cap = Math.round(training.hourCap * 100);
  const total: TrainingCounts = { ...EMPTY_TRAINING_COUNTS };
  const byStage = new Map<string, TrainingCounts>();
  const bySubject = new Map<string, TrainingCounts>();
  const sid = String(school._id);
  for (const l of await rosterOf(training)) {
    if (l.schoolId !== sid || (!filters.includeUnverified && !l.verified)) continue;
    const c: TrainingCounts = {
      participants: 1,
      learners: l.centiHours > 0 ? 1 : 0,
      completers: l.centiHours >= cap ? 1 : 0,
      centiHours: l.centiHours,
    };
    addCounts(total, c);
    addCounts(byStage.get(l.stage) ?? byStage.set(l.stage, { ...EMPTY_TRAINING_COUNTS }).get(l.stage)!, c);
    addCounts(
      bySubject.get(l.subject) ?? bySubject.set(l.subject, { ...EMPTY_TRAINING_COUNTS }).get(l.subject)!,
      c,
    );
  }
  const rows = (m: Map<string, TrainingCounts>, key: 'stage' | 'subject') =>
    [...m]
      .map(([k, c]) => ({ [key]: k, ...trainingRates(c, null) }))
      .sort((a, b) => b.participants - a.participants);
  return {
    training: trainingView(training, deps.clock(), regions),
    school: {
      id: sid,
      name: school.name,
      regionCode: school.regionCode,
      region: regions.pathName(school.regionCode),
    },
    filters,
    total: trainingRates(total, null),
    byStage: rows(byStage, 'stage'),
    bySubject: rows(bySubject, 'subject'),
  };
}

// ---------------------------------------------------------------------------------------------
// The teacher's own trainings

export async function myTrainings(deps: TrainingDeps, user: UserDoc) {
  const teacher = await teacherOfUser(user._id);
  if (!teacher) throw new ForbiddenError(messages.notTeacher, 'NOT_A_TEACHER');
  const regions = await regionIndex();
  const region = managingRegionOf(teacher);
  const now = deps.clock();
  const trainings = (await Training.find({}).sort({ startAt: -1, _id: -1 }).lean<TrainingDoc[]>()).filter(
    (t) => regions.within(region, t.regionCode),
  );
  const records = await Promise.all(trainings.map((t) => findRecord(t, teacher._id)));
  return {
    items: trainings.map((t, i) => {
      const r = records[i];
      return {
        ...trainingView(t, now, regions),
        participating: Boolean(r),
        hours: r?.hours ?? 0,
        studySeconds: r?.studySeconds ?? 0,
        studyTime: formatStudyTime(r?.studySeconds ?? 0),
        completed: r ? r.completed === 1 : false,
        recordUpdatedAt: r ? toShanghaiIso(r.updatedAt) : null,
      };
    }),
    total: trainings.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Imports and recounts: who may run them, over which region

/** The region an import covers: the caller's own, or the training's when the caller is above it. */
export function importScope(caller: Caller, training: TrainingDoc, regions: RegionIndex): RegionDoc {
  const b = caller.binding;
  if (!isTrainingAdmin(b)) {
    throw new ForbiddenError(messages.importForbidden, 'IMPORT_FORBIDDEN');
  }
  return regions.byCode.get(topRegion(b, training, regions))!;
}

export function assertCanRecount(caller: Caller, training: TrainingDoc, regions: RegionIndex): void {
  const b = caller.binding;
  if (!isTrainingAdmin(b) || !regions.within(training.regionCode, b.regionCode)) {
    throw new ForbiddenError(messages.recountForbidden, 'RECOUNT_FORBIDDEN');
  }
}

// ---------------------------------------------------------------------------------------------
// 专任教师数 (maintained by province admins, seed 003 Q6)

/** Province or national admins, over regions they govern. */
export async function fullTimeRegion(
  caller: Caller,
  code: string,
  write: boolean,
): Promise<{ region: RegionDoc; regions: RegionIndex }> {
  const regions = await regionIndex();
  const b = caller.binding;
  const region = regions.byCode.get(code);
  if (!isRegionBinding(b)) throw new ForbiddenError(messages.fullTimeForbidden, 'FULL_TIME_FORBIDDEN');
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  if (!regions.within(code, b.regionCode))
    throw new ForbiddenError(messages.regionOutside, 'OUTSIDE_JURISDICTION');
  const level = levelOf(regions, b.regionCode);
  if (write && (!isTrainingAdmin(b) || (level !== 'national' && level !== 'province'))) {
    throw new ForbiddenError(messages.fullTimeForbidden, 'FULL_TIME_FORBIDDEN');
  }
  return { region, regions };
}

export async function getFullTimeTeachers(caller: Caller, code: string) {
  const { region, regions } = await fullTimeRegion(caller, code, false);
  const counts = await fullTimeCounts(region);
  return {
    region: { code: region._id, name: region.name, count: counts.own },
    children: (regions.children.get(region._id) ?? []).map((c) => ({
      code: c._id,
      name: c.name,
      count: counts.children.get(c._id) ?? null,
    })),
  };
}

export async function putFullTimeTeachers(
  deps: TrainingDeps,
  caller: Caller,
  code: string,
  count: number | null,
) {
  const { region } = await fullTimeRegion(caller, code, true);
  const before = (await fullTimeCounts(region)).own;
  await setFullTimeCounts(deps.clock, [{ region, count }]);
  await recordAudit(deps.clock, caller.actor, {
    action: 'region.fullTimeTeachers',
    targetType: 'region',
    targetId: code,
    regionPath: scopeOf(region.path, code),
    before: { fullTimeTeachers: before },
    after: { fullTimeTeachers: count },
  });
  return { code, name: region.name, count };
}
