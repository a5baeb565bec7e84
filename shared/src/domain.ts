// Domain vocabulary shared by the server, the bot and the mini-program (see ../shared/DESIGN.md).

export const REGION_LEVELS = ['national', 'province', 'city', 'county'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = {
  national: '全国',
  province: '省级',
  city: '市级',
  county: '县级',
};

/** GB/T 2260 code used for the national root. */
export const NATIONAL_CODE = '000000';

export const SCHOOL_TYPES = [
  '教学点',
  '小学',
  '初中',
  '九年一贯制',
  '高中',
  '完全中学',
  '十二年一贯制',
  '中职',
  '高职',
  '特教',
  '幼儿园',
  '机构',
] as const;
export type SchoolType = (typeof SCHOOL_TYPES)[number];

export const SCHOOL_STATUSES = ['正常', '暂停招生', '被合并', '撤销'] as const;
export type SchoolStatus = (typeof SCHOOL_STATUSES)[number];

/**
 * The statuses of a school that no longer exists as a school (seed 000 part 2 §2.3: an initialized
 * school is not deleted but set 被合并 or 撤销). The statistics stop counting it (its pupils are counted by
 * the school it merged into, or nowhere); 暂停招生 still has pupils and still counts.
 */
export const CLOSED_SCHOOL_STATUSES: readonly SchoolStatus[] = ['被合并', '撤销'];

/** 办别 */
export const SCHOOL_OWNERSHIPS = ['教育部门', '其他部门', '地方企业', '事业单位', '民办'] as const;
export type SchoolOwnership = (typeof SCHOOL_OWNERSHIPS)[number];

/** 城乡类型 */
export const URBAN_RURAL_TYPES = ['城区', '镇区', '乡村'] as const;
export type UrbanRuralType = (typeof URBAN_RURAL_TYPES)[number];

export const REGION_ROLES = ['admin', 'auditor', 'inspector'] as const;
export type RegionRole = (typeof REGION_ROLES)[number];

export const REGION_ROLE_LABELS: Record<RegionRole, string> = {
  admin: '管理员',
  auditor: '审核员',
  inspector: '视察员',
};

export const BINDING_KINDS = ['region', 'school', 'teacher'] as const;
export type BindingKind = (typeof BINDING_KINDS)[number];

/** States of a report (school or region) in a period; see the reporting workflow. */
export const REPORT_STATES = ['draft', 'submitted', 'locked', 'returned', 'withdrawalRequested'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const REPORT_STATE_LABELS: Record<ReportState, string> = {
  draft: '填报中',
  submitted: '已上报',
  locked: '已锁定',
  returned: '已退回',
  withdrawalRequested: '撤报申请中',
};

/**
 * States in which the upper level may return (退回) a report (seed 001 §19: a reported report). A returned
 * report is not returned again until it is reported anew — a second return would overwrite the reason and
 * time limit the unit works to. Read by the server's rule (reports/service.ts returnReport); the app's
 * 退回 button follows the report's `actions`, which that rule's checks compute.
 */
export const RETURNABLE_STATES: readonly ReportState[] = ['submitted', 'locked', 'withdrawalRequested'];

/**
 * The states from which a unit may ask its upper level to withdraw its report (申请撤报, seed 001 §18):
 * reported (submitted) or locked. Read by the server's rule (reports/service.ts requestWithdrawal); the
 * mini-program's 申请撤报 button follows the report's `actions`, which that rule's checks compute.
 */
export const WITHDRAWABLE_STATES: readonly ReportState[] = ['submitted', 'locked'];

export const TEACHER_STAGES = ['幼儿园', '小学', '初中', '高中', '特教', '通用'] as const;
export type TeacherStage = (typeof TEACHER_STAGES)[number];

export const TEACHER_SUBJECTS = [
  '语文',
  '数学',
  '英语',
  '物理',
  '化学',
  '生物',
  '历史',
  '地理',
  '道德与法治',
  '音乐',
  '体育',
  '美术',
  '信息技术',
  '科学',
  '综合',
] as const;

export const TEACHER_TITLES = [
  '正高级教师',
  '高级教师',
  '一级教师',
  '二级教师',
  '三级教师',
  '未定级',
] as const;

export const VERIFICATION_STATES = ['pending', 'approved', 'rejected'] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];
export const VERIFICATION_LABELS: Record<VerificationState, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
};
