// The demo world: one believable province (福建省) with schools, admins, teachers and last quarter's
// reports in every state. Deterministic: a fixed seed and ids derived from region codes mean every
// run writes the same documents, so a crashed load can simply run again (duplicates are skipped).
// Over 500 lines on purpose: one deterministic script, read top to bottom; splitting it would scatter the
// ids and counts that must agree.
import { noteLoginSequences, schoolAdminLoginName as loginNameOf } from '../schools/login-names';
import { Types, type Model } from 'mongoose';
import {
  NATIONAL_CODE,
  REGION_ROLE_LABELS,
  REGION_ROLES,
  TEACHER_SUBJECTS,
  TEACHER_TITLES,
  type RegionRole,
  type ReportState,
  type SchoolOwnership,
  type SchoolStatus,
  type SchoolType,
  type UrbanRuralType,
  type VerificationState,
  regionScope,
} from '@eduprogress/shared';
import { User, type Binding, type UserDoc } from '../accounts/model';
import { hashPassword } from '../accounts/passwords';
import { regionRoleBinding, schoolAdminBinding, teacherBinding } from '../accounts/factories';
import { Region, type RegionDoc } from '../regions/model';
import { loadRegionDocuments } from '../regions/seed';
import { Report, reportId, type ReportDoc, type ReportTransition } from '../reports/model';
import { School, type SchoolDoc } from '../schools/model';
import { Teacher, TeacherAccount, type TeacherAccountDoc, type TeacherDoc } from '../teachers/model';
import { setFullTimeCounts } from '../training/stats';
import { claimContact } from '../accounts/contacts';
import { personName, Rng, SchoolNamer, type SchoolLocale } from './rng';
import { isDuplicateKey } from '../db/duplicate-key';

export interface DemoLogin {
  label: string;
  loginName: string;
  password: string;
}

const messages = {
  regionsMissing: '演示数据需要先导入行政区划（福建省 350000 不存在），请先运行地区导入',
  schoolAdmin: (school: string) => `${school} 管理员`,
  teacher: (school: string) => `${school} 教师`,
  regionRole: (region: string, role: RegionRole) => `${region} ${REGION_ROLE_LABELS[role]}`,
  autoSubmitted: '逾期未报，系统自动上报',
  confirmedNoChange: '本期无变化，确认上报',
  returnReasons: [
    '在校生人数与上期差异较大',
    '多媒体教室数量与基础信息不符',
    '宽带接入带宽填写有误',
    '教师信息化培训人数超过专任教师数',
    '终端数量填写有误',
  ],
  returnDeadline: (date: string) => `，请核实修改后于 ${date}前重新上报`,
  withdrawalReasons: [
    '发现数据填报错误，申请撤报修改',
    '学校基础信息已变更，申请撤报更新',
    '漏报新建多媒体教室，申请撤报补充',
  ],
};

export const DEMO_SEED = 20160301;
export const DEMO_PROVINCE = '350000';
export const DEMO_CITY = '350100';
export const DEMO_COUNTY = '350102';
/** Seed 000: a new school admin's initial password is 123456. */
export const SCHOOL_ADMIN_PASSWORD = '123456';
export const REGION_DEMO_PASSWORD = 'Demo12345';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SHANGHAI_OFFSET = 8 * HOUR;

// ---------------------------------------------------------------------------------------------
// Deterministic ids

/** 2016-01-01T00:00:00+08:00: the timestamp part of every synthetic ObjectId. */
const ID_EPOCH_SECONDS = 1_451_577_600;

export const ID_KINDS = {
  school: 1,
  schoolAdmin: 2,
  teacher: 3,
  regionUser: 4,
  binding: 5,
  teacherUser: 6,
} as const;
export type IdKind = keyof typeof ID_KINDS;

/**
 * ObjectId = epoch(4) · kind(1) · seed(1) · region code(3) · sequence(3). Unique per (kind, region,
 * sequence), independent of which other regions are generated, so partial runs agree with full ones.
 */
export function syntheticObjectId(
  kind: IdKind,
  seed: number,
  regionCode: string,
  seq: number,
): Types.ObjectId {
  if (seq < 0 || seq > 0xffffff) throw new Error(`序号超出范围：${seq}`);
  const code = Number(regionCode);
  const bytes = Buffer.allocUnsafe(12);
  bytes.writeUInt32BE(ID_EPOCH_SECONDS, 0);
  bytes.writeUInt8(ID_KINDS[kind], 4);
  bytes.writeUInt8(seed & 0xff, 5);
  bytes.writeUIntBE(code, 6, 3);
  bytes.writeUIntBE(seq, 9, 3);
  return new Types.ObjectId(bytes);
}

/**
 * A unique, plausible mobile number: the 9 digits after `1<carrier>` are a bijection of
 * (region index, sequence), so no two teachers share one (Teacher.mobile is unique). Callers use
 * disjoint carrier digits (demo 13x/18x, scale 15x/17x/19x) so both kinds of data can coexist.
 */
export function teacherMobile(carriers: readonly string[], regionIndex: number, seq: number): string {
  if (seq < 0 || seq >= 100_000) throw new Error(`单个地区教师序号超出范围：${seq}`);
  const x = regionIndex * 100_000 + seq;
  // 3^18 is coprime with 10^9, so x ↦ 3^18·x + c permutes 0…10^9−1 and hides the sequence. The
  // product is split in two so every intermediate stays an exact double.
  const M = 1_000_000_000;
  const y = (((x * 38_742) % M) * 10_000 + x * 489 + 31_415_926) % M;
  return `1${carriers[x % carriers.length]}${String(y).padStart(9, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Regions (from the same package seedRegions uses: pure, no database round trip)

export interface RegionTree {
  all: readonly RegionDoc[];
  byCode: ReadonlyMap<string, RegionDoc>;
  /** Position in the package order: a small stable number per region (used in mobiles). */
  indexOf: ReadonlyMap<string, number>;
  children: ReadonlyMap<string, readonly RegionDoc[]>;
}

let cachedTree: RegionTree | undefined;

export function regionTree(): RegionTree {
  if (cachedTree) return cachedTree;
  const all = loadRegionDocuments();
  const byCode = new Map<string, RegionDoc>();
  const indexOf = new Map<string, number>();
  const children = new Map<string, RegionDoc[]>();
  all.forEach((r, i) => {
    byCode.set(r._id, r);
    indexOf.set(r._id, i);
    if (r.parentCode) {
      const list = children.get(r.parentCode) ?? [];
      list.push(r);
      children.set(r.parentCode, list);
    }
  });
  cachedTree = { all, byCode, indexOf, children };
  return cachedTree;
}

/**
 * Every county-level region under a province, in code order: its counties, and the 不设区的地级市
 * (东莞, 中山, 儋州) that report at county level themselves.
 */
export function countyLevelRegionsOf(tree: RegionTree, provinceCode: string): RegionDoc[] {
  const out: RegionDoc[] = [];
  for (const city of tree.children.get(provinceCode) ?? []) {
    if (city.countyLevel) out.push(city);
    out.push(...(tree.children.get(city._id) ?? []));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reporting period

export interface QuarterPeriod {
  /** e.g. `2026Q3` */
  period: string;
  /** First instant of the quarter, Asia/Shanghai. */
  start: Date;
  /** First instant of the next quarter: the reporting windows count from here. */
  end: Date;
}

/** The last quarter that has fully ended at `now`, in Asia/Shanghai (UTC+8, no daylight saving). */
export function lastCompletedQuarter(now: Date): QuarterPeriod {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET);
  let year = local.getUTCFullYear();
  let quarter = Math.floor(local.getUTCMonth() / 3) - 1;
  if (quarter < 0) {
    quarter = 3;
    year -= 1;
  }
  const start = new Date(Date.UTC(year, quarter * 3, 1) - SHANGHAI_OFFSET);
  const end = new Date(Date.UTC(year, quarter * 3 + 3, 1) - SHANGHAI_OFFSET);
  return { period: `${year}Q${quarter + 1}`, start, end };
}

function shanghaiMonthDay(at: Date): string {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET);
  return `${local.getUTCMonth() + 1} 月 ${local.getUTCDate()} 日`;
}

// ---------------------------------------------------------------------------------------------
// Schools, school admins, teachers (shared with the scale generator)

type Weights<T> = readonly (readonly [T, number])[];

/** Counties (县) have many 教学点 and rural schools; city districts (区) have few. */
export function countySchoolTypeWeights(region: RegionDoc): Weights<SchoolType> {
  const district = region.name.endsWith('区');
  return [
    ['教学点', district ? 1.5 : 4],
    ['小学', 4],
    ['幼儿园', 2.5],
    ['初中', 1.5],
    ['九年一贯制', 0.8],
    ['高中', 0.6],
    ['完全中学', 0.5],
    ['十二年一贯制', 0.15],
    ['中职', 0.4],
    ['高职', 0.05],
    ['特教', 0.3],
    ['机构', 0.3],
  ];
}

/** The types of a county's `count` schools; the same seed and count always give the same list. */
export function countySchoolTypes(seed: number, county: RegionDoc, count: number): SchoolType[] {
  const rng = Rng.derive(seed, 'county-types', county._id);
  const weights = countySchoolTypeWeights(county);
  // Every county has a primary school, a teaching point and a junior middle school; dice for the rest.
  const types: SchoolType[] = (['小学', '教学点', '初中'] as SchoolType[]).slice(0, count);
  while (types.length < count) types.push(rng.weighted(weights));
  return types;
}

/** Province- and city-run (直管) schools are mostly upper-secondary, vocational and special. */
const CITY_DIRECT_TYPES: Weights<SchoolType> = [
  ['高中', 3],
  ['完全中学', 2],
  ['中职', 2],
  ['高职', 1],
  ['特教', 1],
  ['十二年一贯制', 0.6],
  ['幼儿园', 0.8],
  ['机构', 1],
];

/** 福建省's own schools: a fixed list, so every type appears in the province whatever the dice say. */
const PROVINCE_DIRECT_TYPES: readonly SchoolType[] = [
  '高职',
  '高职',
  '高职',
  '中职',
  '中职',
  '完全中学',
  '高中',
  '十二年一贯制',
  '特教',
  '幼儿园',
  '机构',
  '机构',
  '幼儿园',
];

const STATUS_WEIGHTS: Weights<SchoolStatus> = [
  ['正常', 90],
  ['暂停招生', 4],
  ['被合并', 3],
  ['撤销', 3],
];

function ownershipWeights(type: SchoolType): Weights<SchoolOwnership> {
  if (type === '机构')
    return [
      ['事业单位', 8],
      ['教育部门', 2],
    ];
  if (type === '幼儿园')
    return [
      ['教育部门', 50],
      ['民办', 40],
      ['其他部门', 4],
      ['地方企业', 3],
      ['事业单位', 3],
    ];
  return [
    ['教育部门', 82],
    ['民办', 9],
    ['其他部门', 4],
    ['地方企业', 3],
    ['事业单位', 2],
  ];
}

const LOCALE_URBAN_RURAL: Record<SchoolLocale, UrbanRuralType> = {
  city: '城区',
  town: '镇区',
  village: '乡村',
};

export interface SchoolGenContext {
  seed: number;
  /** The managing region. */
  region: RegionDoc;
  rng: Rng;
  namer: SchoolNamer;
}

export function schoolNamerFor(rng: Rng, region: RegionDoc, expectedSchools: number): SchoolNamer {
  const level = region.countyLevel ? 'county' : region.level === 'province' ? 'province' : 'city';
  return new SchoolNamer(rng, region.name, level, expectedSchools);
}

/** One school of `ctx.region`; `seq` is its position among that region's schools (id and login). */
export function buildSchool(
  ctx: SchoolGenContext,
  seq: number,
  type: SchoolType,
  overrides: Partial<Pick<SchoolDoc, 'status' | 'initialized'>> = {},
): SchoolDoc {
  const { rng, region } = ctx;
  const named = ctx.namer.name(type);
  const urbanRural = type === '教学点' ? '乡村' : LOCALE_URBAN_RURAL[named.locale];
  const status = overrides.status ?? rng.weighted(STATUS_WEIGHTS);
  const createdAt = new Date(Date.UTC(2016, 2, 1) + rng.int(0, 1500) * DAY + rng.int(0, 23) * HOUR);
  return {
    _id: syntheticObjectId('school', ctx.seed, region._id, seq),
    name: named.name,
    type,
    regionCode: region._id,
    regionPath: regionScope(region),
    status,
    ownership: rng.weighted(ownershipWeights(type)),
    urbanRural,
    weak: rng.chance(urbanRural === '乡村' ? 0.3 : urbanRural === '镇区' ? 0.15 : 0.05),
    initialized: overrides.initialized ?? (status === '正常' ? rng.chance(0.88) : rng.chance(0.5)),
    createdAt,
    updatedAt: createdAt,
  };
}

/** Login names follow the managing region: `s` + region code + 4-digit sequence, e.g. s3501020001. */
export function schoolAdminLoginName(school: Pick<SchoolDoc, 'regionCode'>, seq: number): string {
  if (seq >= 9999) throw new Error(`单个地区学校数超出范围：${seq + 1}`);
  return loginNameOf(school.regionCode, seq + 1);
}

export function buildSchoolAdmin(
  seed: number,
  school: SchoolDoc,
  seq: number,
  name: string,
  passwordHash: string,
): UserDoc {
  return {
    _id: syntheticObjectId('schoolAdmin', seed, school.regionCode, seq),
    loginName: schoolAdminLoginName(school, seq),
    name,
    passwordHash,
    mustChangePassword: true,
    locked: false,
    failedLogins: 0,
    // Demo and generated admins have not done their first login (profile, mobile check) yet.
    mobileVerified: false,
    profileCompleted: false,
    bindings: [
      {
        _id: syntheticObjectId('binding', seed, school.regionCode, seq),
        ...schoolAdminBinding(school),
        active: true,
      },
    ],
    createdAt: school.createdAt,
    updatedAt: school.createdAt,
  };
}

/** A teacher's own account (login `t` + region code + 4-digit sequence), bound to its school as teacher. */
export function buildTeacherUser(
  seed: number,
  school: SchoolDoc,
  teacher: TeacherDoc,
  passwordHash: string,
): UserDoc {
  const seq = 1;
  return {
    _id: syntheticObjectId('teacherUser', seed, school.regionCode, seq),
    loginName: `t${school.regionCode}${String(seq).padStart(4, '0')}`,
    name: teacher.name,
    mobile: teacher.mobile,
    passwordHash,
    mustChangePassword: true,
    locked: false,
    failedLogins: 0,
    mobileVerified: true,
    profileCompleted: false,
    bindings: [
      {
        _id: syntheticObjectId('binding', seed, school.regionCode, 0xfe0000 + seq),
        ...teacherBinding(school),
        active: true,
      },
    ],
    createdAt: teacher.createdAt,
    updatedAt: teacher.createdAt,
  } as UserDoc;
}

/** Subjects taught at a stage (小学 has 科学 and 道德与法治, no 物理/化学/生物/历史/地理 of its own). */
const PRIMARY_SUBJECTS = TEACHER_SUBJECTS.filter(
  (s) => !['物理', '化学', '生物', '历史', '地理'].includes(s),
);
const subjectsOf = (stage: string): readonly string[] =>
  stage === '幼儿园' ? ['综合'] : stage === '小学' ? PRIMARY_SUBJECTS : TEACHER_SUBJECTS;

const STAGES_BY_TYPE: Record<SchoolType, readonly string[]> = {
  教学点: ['小学'],
  小学: ['小学'],
  初中: ['初中'],
  九年一贯制: ['小学', '初中'],
  高中: ['高中'],
  完全中学: ['初中', '高中'],
  十二年一贯制: ['小学', '初中', '高中'],
  中职: ['通用'],
  高职: ['通用'],
  特教: ['特教'],
  幼儿园: ['幼儿园'],
  机构: ['通用'],
};

const TITLE_WEIGHTS: Weights<string> = [
  [TEACHER_TITLES[0], 2],
  [TEACHER_TITLES[1], 20],
  [TEACHER_TITLES[2], 35],
  [TEACHER_TITLES[3], 30],
  [TEACHER_TITLES[4], 5],
  [TEACHER_TITLES[5], 8],
];

const VERIFICATION_WEIGHTS: Weights<VerificationState> = [
  ['approved', 70],
  ['pending', 22],
  ['rejected', 8],
];

export interface TeacherGenContext {
  seed: number;
  rng: Rng;
  /** Index of the school's managing region in the region tree (part of the mobile number). */
  regionIndex: number;
  carriers: readonly string[];
}

/** One teacher of `school`; `seq` counts teachers within the school's managing region. */
export function buildTeacher(
  ctx: TeacherGenContext,
  school: SchoolDoc,
  seq: number,
  createdAt: Date,
): TeacherDoc {
  const { rng } = ctx;
  const stage = rng.pick(STAGES_BY_TYPE[school.type]);
  return {
    _id: syntheticObjectId('teacher', ctx.seed, school.regionCode, seq),
    name: personName(rng),
    mobile: teacherMobile(ctx.carriers, ctx.regionIndex, seq),
    schoolId: school._id,
    regionPath: school.regionPath,
    stage,
    subject: stage === '幼儿园' ? '综合' : rng.pick(subjectsOf(stage)),
    title: rng.weighted(TITLE_WEIGHTS),
    verification: rng.weighted(VERIFICATION_WEIGHTS),
    createdAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Reports of the last completed quarter

interface ReportPlan {
  state: ReportState;
  auto: boolean;
  noChange: boolean;
}

const SCHOOL_STATE_WEIGHTS: Weights<ReportState> = [
  ['draft', 12],
  ['submitted', 35],
  ['locked', 33],
  ['returned', 8],
  ['withdrawalRequested', 7],
];

const REGION_STATE_WEIGHTS: Weights<ReportState> = [
  ['draft', 10],
  ['submitted', 30],
  ['locked', 38],
  ['returned', 11],
  ['withdrawalRequested', 11],
];

function planReport(rng: Rng, unitKind: 'school' | 'region'): ReportPlan {
  const state = rng.weighted(unitKind === 'school' ? SCHOOL_STATE_WEIGHTS : REGION_STATE_WEIGHTS);
  const submittedOnce = state !== 'draft';
  const auto = submittedOnce && rng.chance(0.12);
  const noChange =
    unitKind === 'school' && !auto && (state === 'submitted' || state === 'locked') && rng.chance(0.45);
  return { state, auto, noChange };
}

/** Day offsets (from the quarter's end) of each level's window: county 1–5, city 6–10, province 11–15. */
const WINDOW_DAYS: Record<'county' | 'city' | 'province', readonly [number, number]> = {
  county: [0, 4],
  city: [5, 9],
  province: [10, 14],
};

interface ReportUnit {
  unitKind: 'school' | 'region';
  schoolId?: Types.ObjectId;
  regionCode: string;
  regionPath: string[];
  /** Whose window the unit submits in (a school submits in its county's window). */
  window: 'county' | 'city' | 'province';
  /** The unit's own admin (fills, submits, asks for withdrawal). */
  filler?: Types.ObjectId;
  /** Whoever submits upward: the school admin, or the region's auditor. */
  submitter?: Types.ObjectId;
  /** Upper level's auditor (locks) and admin (returns). */
  reviewer?: Types.ObjectId;
  returner?: Types.ObjectId;
}

function buildReport(rng: Rng, q: QuarterPeriod, now: Date, unit: ReportUnit, plan: ReportPlan): ReportDoc {
  const [w0, w1] = WINDOW_DAYS[unit.window];
  // Events never lie in the future, even when the demo loads on the first day of a quarter.
  const clamp = (ms: number) => new Date(Math.min(ms, now.getTime() - 60_000));
  const history: ReportTransition[] = [];
  let t =
    unit.unitKind === 'school'
      ? q.end.getTime() - rng.int(1, 20) * DAY + rng.int(8, 20) * HOUR
      : q.end.getTime() + w0 * DAY + rng.int(8, 11) * HOUR;
  history.push({ at: clamp(t), by: unit.filler, from: null, to: 'draft' });
  let submittedAt: Date | undefined;
  const step = (to: ReportState, by: Types.ObjectId | undefined, reason?: string, auto?: boolean) => {
    const from = history[history.length - 1].to;
    const entry: ReportTransition = { at: clamp(t), from, to };
    if (by) entry.by = by;
    if (reason) entry.reason = reason;
    if (auto) entry.auto = true;
    history.push(entry);
  };

  if (plan.state !== 'draft') {
    if (plan.auto) {
      t = q.end.getTime() + (w1 + 1) * DAY; // midnight after the window's last day
      step('submitted', undefined, messages.autoSubmitted, true);
    } else {
      t = Math.max(t + HOUR, q.end.getTime() + rng.int(w0, w1) * DAY + rng.int(8, 21) * HOUR);
      step('submitted', unit.submitter, plan.noChange ? messages.confirmedNoChange : undefined);
    }
    submittedAt = clamp(t);
    if (plan.state !== 'submitted') {
      t += rng.int(2, 72) * HOUR;
      step('locked', unit.reviewer);
    }
    if (plan.state === 'returned') {
      t += rng.int(4, 96) * HOUR;
      const deadline = shanghaiMonthDay(new Date(t + 3 * DAY));
      step('returned', unit.returner, rng.pick(messages.returnReasons) + messages.returnDeadline(deadline));
    } else if (plan.state === 'withdrawalRequested') {
      t += rng.int(4, 96) * HOUR;
      step('withdrawalRequested', unit.filler, rng.pick(messages.withdrawalReasons));
    }
  }

  const first = history[0].at;
  const last = history[history.length - 1].at;
  const doc: ReportDoc = {
    _id: reportId(q.period, unit.schoolId ? { schoolId: unit.schoolId } : { regionCode: unit.regionCode }),
    period: q.period,
    unitKind: unit.unitKind,
    regionCode: unit.regionCode,
    regionPath: unit.regionPath,
    state: plan.state,
    autoSubmitted: plan.auto,
    confirmedNoChange: plan.noChange,
    formVersion: 1,
    data: unit.unitKind === 'school' ? demoSchoolReportData(rng) : demoRegionReportData(rng),
    issues: [],
    version: history.length,
    ...(plan.state === 'returned' ? { returnDeadline: new Date(t + 3 * DAY) } : {}),
    history,
    createdAt: first,
    updatedAt: last,
  };
  if (unit.schoolId) doc.schoolId = unit.schoolId;
  if (submittedAt) doc.submittedAt = submittedAt;
  return doc;
}

// ---------------------------------------------------------------------------------------------
// The world

export interface DemoWorldOptions {
  seed?: number;
  now?: Date;
}

export interface DemoWorld {
  period: string;
  schools: SchoolDoc[];
  users: UserDoc[];
  teachers: TeacherDoc[];
  reports: ReportDoc[];
  /** user → teacher links of the teachers who have an account (the demo teacher login). */
  teacherAccounts: TeacherAccountDoc[];
  logins: DemoLogin[];
}

const DEMO_CARRIERS = ['3', '8'];

/**
 * The pure part: every document of the demo world, built in memory (about 7,000 small documents).
 * `hashes` are passed in so this stays synchronous and testable without bcrypt.
 */
export function buildDemoWorld(
  hashes: { schoolAdmin: string; regionUser: string },
  options: DemoWorldOptions = {},
): DemoWorld {
  const seed = options.seed ?? DEMO_SEED;
  const now = options.now ?? new Date();
  const quarter = lastCompletedQuarter(now);
  const tree = regionTree();
  const province = tree.byCode.get(DEMO_PROVINCE)!;
  // A 不设区的地级市 is handled with the counties (it reports at county level), never twice.
  const cities = (tree.children.get(DEMO_PROVINCE) ?? []).filter((c) => !c.placeholder && !c.countyLevel);
  const counties = countyLevelRegionsOf(tree, DEMO_PROVINCE);

  const schools: SchoolDoc[] = [];
  const users: UserDoc[] = [];
  const teachers: TeacherDoc[] = [];
  const reports: ReportDoc[] = [];
  const teacherAccounts: TeacherAccountDoc[] = [];
  const logins: DemoLogin[] = [];

  // Region admins first: school reports name the county auditor and admin as reviewers.
  const regionUserId = new Map<string, Types.ObjectId>();
  for (const region of [province, ...cities, ...counties]) {
    const rng = Rng.derive(seed, 'region-users', region._id);
    REGION_ROLES.forEach((role, i) => {
      const _id = syntheticObjectId('regionUser', seed, region._id, i);
      regionUserId.set(`${region._id}:${role}`, _id);
      const binding: Binding = {
        _id: syntheticObjectId('binding', seed, region._id, 0xff0000 + i),
        ...regionRoleBinding(role, region),
        active: true,
      };
      const createdAt = new Date(Date.UTC(2016, 1, 15) + rng.int(0, 30) * DAY);
      users.push({
        _id,
        loginName: `${region._id}${role}`,
        name: personName(rng),
        passwordHash: hashes.regionUser,
        mustChangePassword: true,
        locked: false,
        failedLogins: 0,
        mobileVerified: false,
        profileCompleted: false,
        bindings: [binding],
        createdAt,
        updatedAt: createdAt,
      });
    });
  }
  const roleOf = (code: string | null, role: RegionRole) =>
    code ? regionUserId.get(`${code}:${role}`) : undefined;

  for (const role of REGION_ROLES) {
    logins.push({
      label: messages.regionRole(province.name, role),
      loginName: `${province._id}${role}`,
      password: REGION_DEMO_PASSWORD,
    });
  }
  for (const code of [DEMO_CITY, DEMO_COUNTY]) {
    logins.push({
      label: messages.regionRole(tree.byCode.get(code)!.name, 'admin'),
      loginName: `${code}admin`,
      password: REGION_DEMO_PASSWORD,
    });
  }

  const addSchoolsOf = (region: RegionDoc, types: readonly SchoolType[]) => {
    const rng = Rng.derive(seed, 'schools', region._id);
    const ctx: SchoolGenContext = { seed, region, rng, namer: schoolNamerFor(rng, region, types.length) };
    const teacherCtx: TeacherGenContext = {
      seed,
      rng: Rng.derive(seed, 'teachers', region._id),
      regionIndex: tree.indexOf.get(region._id)!,
      carriers: DEMO_CARRIERS,
    };
    const reportRng = Rng.derive(seed, 'reports', region._id);
    let teacherSeq = 0;
    types.forEach((type, seq) => {
      // Each region's first school is an ordinary, initialized school: the demo login uses one.
      const school = buildSchool(ctx, seq, type, seq === 0 ? { status: '正常', initialized: true } : {});
      schools.push(school);
      const admin = buildSchoolAdmin(seed, school, seq, personName(rng), hashes.schoolAdmin);
      users.push(admin);
      school.adminIds = [admin._id];
      if (region._id === DEMO_COUNTY && seq === 0) {
        logins.push({
          label: messages.schoolAdmin(school.name),
          loginName: admin.loginName,
          password: SCHOOL_ADMIN_PASSWORD,
        });
      }

      const teacherCount = type === '教学点' ? teacherCtx.rng.int(1, 2) : teacherCtx.rng.int(2, 6);
      for (let i = 0; i < teacherCount; i++) {
        const joined = new Date(school.createdAt.getTime() + teacherCtx.rng.int(0, 900) * DAY);
        const teacher = buildTeacher(teacherCtx, school, teacherSeq++, joined);
        teachers.push(teacher);
        // The demo school's first teacher has an account, to show the teacher's side of the app.
        if (region._id === DEMO_COUNTY && seq === 0 && i === 0) {
          const user = buildTeacherUser(seed, school, teacher, hashes.regionUser);
          teacher.userId = user._id;
          users.push(user);
          teacherAccounts.push({
            _id: String(user._id),
            teacherId: teacher._id,
            linkedAt: teacher.createdAt,
          });
          logins.push({
            label: messages.teacher(school.name),
            loginName: user.loginName,
            password: REGION_DEMO_PASSWORD,
          });
        }
      }

      // Only schools that still operate and have done their first report have a report this quarter.
      if (!school.initialized || (school.status !== '正常' && school.status !== '暂停招生')) return;
      const plan = planReport(reportRng, 'school');
      // The demo school admin finds a report waiting to be filled in.
      if (region._id === DEMO_COUNTY && seq === 0)
        Object.assign(plan, { state: 'draft', auto: false, noChange: false });
      const upper = region._id;
      reports.push(
        buildReport(
          reportRng,
          quarter,
          now,
          {
            unitKind: 'school',
            schoolId: school._id,
            regionCode: school.regionCode,
            regionPath: school.regionPath,
            window: 'county',
            filler: admin._id,
            submitter: admin._id,
            reviewer: roleOf(upper, 'auditor'),
            returner: roleOf(upper, 'admin'),
          },
          plan,
        ),
      );
    });
  };

  addSchoolsOf(province, PROVINCE_DIRECT_TYPES);
  for (const city of cities) {
    const rng = Rng.derive(seed, 'city-types', city._id);
    addSchoolsOf(
      city,
      Array.from({ length: rng.int(4, 8) }, () => rng.weighted(CITY_DIRECT_TYPES)),
    );
  }
  for (const county of counties) {
    addSchoolsOf(
      county,
      countySchoolTypes(seed, county, Rng.derive(seed, 'county-size', county._id).int(8, 15)),
    );
  }

  // Region reports: counties submit in the county window to their city, cities to the province, the
  // province to the nation.
  const regionReportRng = Rng.derive(seed, 'region-reports');
  for (const region of [...counties, ...cities, province]) {
    const level = region.countyLevel ? 'county' : (region.level as 'city' | 'province');
    reports.push(
      buildReport(
        regionReportRng,
        quarter,
        now,
        {
          unitKind: 'region',
          regionCode: region._id,
          regionPath: region.path,
          window: level,
          filler: roleOf(region._id, 'admin'),
          submitter: roleOf(region._id, 'auditor'),
          reviewer: roleOf(region.parentCode, 'auditor'),
          returner: roleOf(region.parentCode, 'admin'),
        },
        planReport(regionReportRng, 'region'),
      ),
    );
  }

  // The printed region and teacher accounts have done their first login, so every role can be tried at
  // once; the printed school admin shows the first login (initial password 123456, change required).
  const ready = new Set(logins.filter((l) => l.password !== SCHOOL_ADMIN_PASSWORD).map((l) => l.loginName));
  for (const u of users) {
    if (!ready.has(u.loginName)) continue;
    u.mustChangePassword = false;
    u.profileCompleted = true;
  }

  return { period: quarter.period, schools, users, teachers, reports, teacherAccounts, logins };
}

/** Claims the mobiles of the demo's teacher accounts (contact uniqueness, as a registration would). */
async function claimDemoTeacherMobiles(users: readonly UserDoc[]): Promise<void> {
  for (const u of users.filter((x) => x.bindings.some((b) => b.kind === 'teacher'))) {
    if (u.mobile) await claimContact('mobile', u.mobile, u._id as Types.ObjectId);
  }
}

/**
 * 专任教师数 (the denominator of 参训率, seed 003) for the demo province, its cities and counties: the
 * teachers on file in each, plus about a tenth not yet registered, as in a real region.
 */
async function loadFullTimeTeacherCounts(teachers: readonly TeacherDoc[]): Promise<void> {
  const perRegion = new Map<string, number>();
  for (const t of teachers) {
    for (const code of t.regionPath) {
      if (code !== NATIONAL_CODE) perRegion.set(code, (perRegion.get(code) ?? 0) + 1);
    }
  }
  const regions = await Region.find({ _id: { $in: [...perRegion.keys()] } }, { parentCode: 1 }).lean<
    Pick<RegionDoc, '_id' | 'parentCode'>[]
  >();
  await setFullTimeCounts(
    () => new Date(),
    regions.map((region) => ({ region, count: Math.ceil(perRegion.get(region._id)! * 1.1) })),
  );
}

/** The highest `s<region><seq>` sequence per region among `users`, for the login-name counters. */
export function usedLoginSequences(users: readonly Pick<UserDoc, 'loginName'>[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const u of users) {
    const m = /^s(\d{6})(\d{4,})$/.exec(u.loginName);
    if (m) last.set(m[1], Math.max(last.get(m[1]) ?? 0, Number(m[2])));
  }
  return last;
}

/** insertMany in batches; documents that already exist (an earlier, interrupted load) are skipped. */
async function insertAll<T>(model: Model<T>, docs: readonly T[], batchSize = 1000): Promise<void> {
  for (let i = 0; i < docs.length; i += batchSize) {
    try {
      await model.insertMany(docs.slice(i, i + batchSize), {
        ordered: false,
        timestamps: false,
        throwOnValidationError: true,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** Loads the demo world; assumes the regions are seeded. Each password is hashed once, then reused. */
export async function loadDemoWorld(
  options: DemoWorldOptions = {},
): Promise<{ logins: DemoLogin[]; counts: Record<string, number> }> {
  if (!(await Region.exists({ _id: DEMO_PROVINCE }))) throw new Error(messages.regionsMissing);
  const [schoolAdmin, regionUser] = await Promise.all([
    hashPassword(SCHOOL_ADMIN_PASSWORD),
    hashPassword(REGION_DEMO_PASSWORD),
  ]);
  const world = buildDemoWorld({ schoolAdmin, regionUser }, options);
  await insertAll(School, world.schools);
  await insertAll(User, world.users);
  await noteLoginSequences(usedLoginSequences(world.users));
  await insertAll(Teacher, world.teachers);
  await insertAll(TeacherAccount, world.teacherAccounts);
  await claimDemoTeacherMobiles(world.users);
  await loadFullTimeTeacherCounts(world.teachers);
  await insertAll(Report, world.reports);
  return {
    logins: world.logins,
    counts: {
      schools: world.schools.length,
      users: world.users.length,
      teachers: world.teachers.length,
      reports: world.reports.length,
    },
  };
}

/** Plausible school-form values (shared/src/forms/school.ts), consistent enough to raise no suspected issue. */
export function demoSchoolReportData(rng: Rng): Record<string, unknown> {
  const classes = rng.int(3, 36);
  const students = classes * rng.int(20, 45);
  const teachers = Math.max(2, Math.round(students / rng.int(12, 18)));
  const classrooms = classes + rng.int(0, 4);
  const multimedia = rng.int(0, classrooms);
  const interactive = rng.int(0, classrooms - multimedia);
  const campusNetwork = rng.chance(0.9);
  return {
    classes,
    teachers,
    students,
    minoritySchool: rng.chance(0.03),
    campusNetwork,
    bandwidthMbps: campusNetwork ? rng.pick([50, 100, 200, 500, 1000]) : 0,
    computerRooms: rng.int(0, 3),
    recordingRooms: rng.int(0, 1),
    classrooms,
    multimediaWithNetwork: campusNetwork ? multimedia : 0,
    multimediaWithoutNetwork: campusNetwork ? 0 : multimedia,
    interactiveWithNetwork: campusNetwork ? interactive : 0,
    interactiveWithoutNetwork: campusNetwork ? 0 : interactive,
    teacherTerminals: {
      desktop: rng.int(0, teachers),
      laptop: rng.int(0, teachers),
      tablet: rng.int(0, teachers),
    },
    studentTerminals: {
      desktop: rng.int(0, Math.floor(students / 4)),
      laptop: 0,
      tablet: rng.int(0, Math.floor(students / 4)),
    },
    teacherSpaces: rng.int(0, teachers),
    studentSpaces: rng.int(0, students),
  };
}

/** Plausible region-form values (shared/src/forms/region.ts). */
export function demoRegionReportData(rng: Rng): Record<string, unknown> {
  const metroNetwork = rng.chance(0.7);
  return {
    platformUsed: true,
    platformSource: rng.pick(['省级提供', '国家级提供', '自建']),
    metroNetwork,
    ...(metroNetwork ? { metroBandwidth: rng.pick(['1G', '4G', '10G']), carriers: ['电信', '移动'] } : {}),
  };
}
