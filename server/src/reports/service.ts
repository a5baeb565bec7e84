// The reporting workflow (seeds 000 part 4, 001 ch. 5, 002 ch. 5): fill, submit, confirm "no change",
// lock, withdrawal request and decision, return with a time limit. Every transition is one atomic
// conditional update that also appends to the report's history, so it happens once or not at all.
import {
  REGION_FORMS,
  REGION_FORM_CURRENT_VERSION,
  SCHOOL_FORMS,
  SCHOOL_FORM_CURRENT_VERSION,
  REPORT_STATE_LABELS,
  detectSuspectedIssues,
  parsePeriod,
  previousPeriod,
  toShanghaiIso,
  type CalendarConfig,
  type ReportState,
  type ReportingLevel,
} from '@eduprogress/shared';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Types } from 'mongoose';
import type { AuthContext } from '../accounts/service';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { toValidationError } from '../http/validation';
import { emitEvent } from '../outbox/service';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { Report, reportId, type ReportDoc, type ReportIssue } from './model';
import { indexReportState, indexSchools } from '../schools/list-index';
import { mutateReport } from './claims';
import { applyRegionReport, applySchoolDelta, factsOf } from './progress';
import {
  EDITABLE_STATES,
  governs,
  holdsRole,
  levelDeadline,
  levelWindow,
  reportingLevelOf,
  workablePeriods,
} from './rules';

const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const formAjv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: false }));
const validators = new Map<string, ValidateFunction>();
function formValidator(kind: 'school' | 'region', version: number): ValidateFunction {
  const key = `${kind}:${version}`;
  let v = validators.get(key);
  if (!v) {
    const schema = (kind === 'school' ? SCHOOL_FORMS : REGION_FORMS)[version];
    v = formAjv.compile(schema);
    validators.set(key, v);
  }
  return v;
}

const messages = {
  schoolNotFound: '学校不存在',
  regionNotFound: (code: string) => `地区 ${code} 不存在`,
  noReportLevel: '该地区不参与逐级上报',
  outside: '该单位不在您的管辖范围内',
  notOwnUnit: '只能填报本单位的数据',
  fillerOnly: '只有本级管理员可以填报本级数据',
  auditorOnly: '只有本级审核员可以审核并向上级上报',
  upperOnly: '只有上级管理员或审核员可以处理此事项',
  periodClosed: (period: string, open: string[]) =>
    `期次 ${period} 当前不可填报（可填报：${open.join('、')}）`,
  wrongCycle: (period: string) => `期次 ${period} 与当前的上报周期不符`,
  locked: (state: ReportState) =>
    `报表${REPORT_STATE_LABELS[state]}，不能修改；如需修改，请向上级提交撤报申请`,
  deadlinePassed: (deadline: Date) =>
    `上报截止时间 ${toShanghaiIso(deadline)} 已过，数据已按截止时的内容自动上报`,
  returnExpired: (deadline: Date) => `退回修改的期限 ${toShanghaiIso(deadline)} 已过`,
  windowNotOpen: (opens: Date, closes: Date) =>
    `本级上报时间为 ${toShanghaiIso(opens)} 至 ${toShanghaiIso(closes)}，当前不在上报时间内`,
  wrongState: (state: ReportState, action: string) => `报表当前${REPORT_STATE_LABELS[state]}，不能${action}`,
  notReported: '报表尚未上报',
  nothingToConfirm: '上期没有已上报的数据，无法确认“无变化”，请填写本期数据',
  noSuchIssue: (code: string) => `没有待处理的疑似问题 ${code}`,
  returnDeadlinePast: '限时修改的截止时间必须晚于当前时间',
  formInvalid: '填报内容不合法',
};

export interface ReportDeps {
  clock: Clock;
  calendar: CalendarConfig;
}

/** A reporting unit: a school or a region, with what the rules need to know about it. */
export type Unit =
  | { kind: 'school'; school: SchoolDoc; managing: RegionDoc; level: ReportingLevel }
  | { kind: 'region'; region: RegionDoc; level: ReportingLevel };

const unitCode = (u: Unit) => (u.kind === 'school' ? u.school.regionCode : u.region._id);
const unitPath = (u: Unit) => (u.kind === 'school' ? u.school.regionPath : u.region.path);
/** The region that decides the unit's withdrawals and returns it. */
const upperOf = (u: Unit) => (u.kind === 'school' ? u.school.regionCode : u.region.parentCode!);
const idOf = (u: Unit, period: string) =>
  u.kind === 'school'
    ? reportId(period, { schoolId: u.school._id })
    : reportId(period, { regionCode: u.region._id });
const nameOf = (u: Unit) => (u.kind === 'school' ? u.school.name : u.region.name);

export async function schoolUnit(id: string): Promise<Unit> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  const school = await School.findById(id).lean<SchoolDoc>();
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  const managing = await Region.findById(school.regionCode).lean<RegionDoc>();
  const level = managing && reportingLevelOf(managing);
  if (!managing || !level) throw new ConflictError(messages.noReportLevel, 'NO_REPORTING_LEVEL');
  return { kind: 'school', school, managing, level };
}

export async function regionUnit(code: string): Promise<Unit> {
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  const level = reportingLevelOf(region);
  if (!level) throw new ConflictError(messages.noReportLevel, 'NO_REPORTING_LEVEL');
  return { kind: 'region', region, level };
}

/** The unit itself (any role of it) or anyone governing it from above may read. */
export function canRead(auth: AuthContext, u: Unit): boolean {
  const b = auth.binding;
  if (!b) return false;
  if (u.kind === 'school' && b.kind === 'school') return !!b.schoolId && b.schoolId.equals(u.school._id);
  return governs(b, unitCode(u), unitPath(u));
}

function assertRead(auth: AuthContext, u: Unit) {
  if (!canRead(auth, u)) throw new ForbiddenError(messages.outside, 'OUTSIDE_JURISDICTION');
}

/** Who may fill the unit's own data: the school's admin, or the region's 管理员. */
function assertFiller(auth: AuthContext, u: Unit) {
  assertRead(auth, u);
  const b = auth.binding!;
  if (u.kind === 'school') {
    if (!(b.kind === 'school' && b.role === 'admin' && b.schoolId?.equals(u.school._id))) {
      throw new ForbiddenError(messages.notOwnUnit, 'NOT_OWN_UNIT');
    }
  } else if (!holdsRole(b, u.region._id, ['admin'])) {
    throw new ForbiddenError(messages.fillerOnly, 'ROLE_REQUIRED');
  }
}

/** Who may submit upward: the school's admin, or the region's 审核员. */
function assertSubmitter(auth: AuthContext, u: Unit) {
  assertRead(auth, u);
  const b = auth.binding!;
  if (u.kind === 'school') return assertFiller(auth, u);
  if (!holdsRole(b, u.region._id, ['auditor']))
    throw new ForbiddenError(messages.auditorOnly, 'ROLE_REQUIRED');
}

/** The upper level's 管理员 or 审核员 decide withdrawals and return reports. */
function assertUpper(auth: AuthContext, u: Unit) {
  assertRead(auth, u);
  if (!holdsRole(auth.binding, upperOf(u), ['admin', 'auditor'])) {
    throw new ForbiddenError(messages.upperOnly, 'UPPER_LEVEL_ONLY');
  }
}

function assertWorkablePeriod(deps: ReportDeps, period: string) {
  if (parsePeriod(period).cycle !== deps.calendar.cycle) {
    throw new ValidationError(messages.wrongCycle(period), { property: 'period' }, 'PERIOD_WRONG_CYCLE');
  }
  const open = workablePeriods(deps.clock(), deps.calendar);
  if (!open.includes(period)) throw new ConflictError(messages.periodClosed(period, open), 'PERIOD_CLOSED');
}

/** Edits and unit submissions are allowed until the unit's level deadline, or a return's own time limit. */
function assertBeforeDeadline(deps: ReportDeps, u: Unit, period: string, report: ReportDoc | null) {
  const now = deps.clock();
  if (report?.state === 'returned' && report.returnDeadline) {
    if (report.returnDeadline <= now)
      throw new ConflictError(messages.returnExpired(report.returnDeadline), 'RETURN_EXPIRED');
    return;
  }
  const deadline = levelDeadline(period, u.level, deps.calendar);
  if (deadline <= now) throw new ConflictError(messages.deadlinePassed(deadline), 'DEADLINE_PASSED');
}

function assertEditable(report: ReportDoc | null) {
  if (report && !EDITABLE_STATES.includes(report.state))
    throw new ConflictError(messages.locked(report.state), 'REPORT_LOCKED');
}

async function previousData(u: Unit, period: string): Promise<Record<string, unknown> | null> {
  const prev = previousPeriod(parsePeriod(period)).name;
  const r = await Report.findById(idOf(u, prev), { data: 1, state: 1 }).lean<ReportDoc>();
  return r ? r.data : null;
}

function validateForm(kind: 'school' | 'region', version: number, data: unknown) {
  const validate = formValidator(kind, version);
  if (!validate(data)) {
    const err = toValidationError(
      'body',
      (kind === 'school' ? SCHOOL_FORMS : REGION_FORMS)[version],
      validate.errors ?? [],
    );
    throw new ValidationError(
      err.message.replace(/^请求内容不合法/, messages.formInvalid),
      err.details,
      'FORM_INVALID',
    );
  }
}

export interface ReportView {
  id: string;
  period: string;
  unit: { kind: 'school' | 'region'; id: string; name: string; regionCode: string };
  level: ReportingLevel;
  state: ReportState;
  stateLabel: string;
  saved: boolean;
  autoSubmitted: boolean;
  confirmedNoChange: boolean;
  formVersion: number;
  data: Record<string, unknown>;
  issues: ReportIssue[];
  deadline: string;
  window: { opensAt: string; closesAt: string };
  returnDeadline?: string;
  submittedAt?: string;
  updatedAt?: string;
  history: {
    at: string;
    from: ReportState | null;
    to: ReportState;
    reason?: string;
    auto?: boolean;
    by?: string;
  }[];
}

function view(
  deps: ReportDeps,
  u: Unit,
  period: string,
  r: ReportDoc | null,
  prefill: Record<string, unknown> | null,
): ReportView {
  const w = levelWindow(period, u.level, deps.calendar);
  return {
    id: idOf(u, period),
    period,
    unit: {
      kind: u.kind,
      id: u.kind === 'school' ? String(u.school._id) : u.region._id,
      name: nameOf(u),
      regionCode: unitCode(u),
    },
    level: u.level,
    state: r?.state ?? 'draft',
    stateLabel: REPORT_STATE_LABELS[r?.state ?? 'draft'],
    saved: !!r,
    autoSubmitted: r?.autoSubmitted ?? false,
    confirmedNoChange: r?.confirmedNoChange ?? false,
    formVersion:
      r?.formVersion ?? (u.kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION),
    // An unsaved report starts from the last period's data ("有变化即更新").
    data: r?.data ?? prefill ?? {},
    issues: r?.issues ?? [],
    deadline: toShanghaiIso(w.closesAt),
    window: { opensAt: toShanghaiIso(w.opensAt), closesAt: toShanghaiIso(w.closesAt) },
    returnDeadline: r?.returnDeadline ? toShanghaiIso(r.returnDeadline) : undefined,
    submittedAt: r?.submittedAt ? toShanghaiIso(r.submittedAt) : undefined,
    updatedAt: r?.updatedAt ? toShanghaiIso(r.updatedAt) : undefined,
    history: (r?.history ?? []).map((h) => ({
      at: toShanghaiIso(h.at),
      from: h.from,
      to: h.to,
      reason: h.reason,
      auto: h.auto,
      by: h.by ? String(h.by) : undefined,
    })),
  };
}

export async function getReport(
  deps: ReportDeps,
  auth: AuthContext,
  u: Unit,
  period: string,
): Promise<ReportView> {
  assertRead(auth, u);
  parsePeriod(period);
  const r = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  return view(deps, u, period, r, r ? null : await previousData(u, period));
}

/**
 * Moves a report from one of `from` to `to` atomically, appending the transition to its history and
 * keeping the progress rollups in step. Returns the updated report, or throws 409 naming the state.
 */
export async function transition(
  deps: ReportDeps,
  u: Unit,
  period: string,
  from: readonly ReportState[],
  to: ReportState,
  opts: {
    by?: Types.ObjectId;
    reason?: string;
    auto?: boolean;
    action: string;
    set?: Record<string, unknown>;
    unset?: string[];
  },
): Promise<ReportDoc> {
  const id = idOf(u, period);
  const before = await Report.findById(id).lean<ReportDoc>();
  if (!before || !from.includes(before.state)) {
    throw new ConflictError(
      before ? messages.wrongState(before.state, opts.action) : messages.notReported,
      'REPORT_STATE_CONFLICT',
      { state: before?.state ?? null },
    );
  }
  const at = deps.clock();
  const update: Record<string, any> = {
    $set: { state: to, ...(opts.set ?? {}) },
    $push: { history: { at, by: opts.by, from: before.state, to, reason: opts.reason, auto: opts.auto } },
  };
  if (opts.unset?.length) update.$unset = Object.fromEntries(opts.unset.map((k) => [k, 1]));
  const after = await mutateReport(deps.clock, before, update);
  if (u.kind === 'school') {
    await applySchoolDelta(period, u.school, factsOf(before), factsOf(after));
    await indexReportState(u.school, period, after.state);
  } else
    await applyRegionReport(period, u.region, { state: after.state, autoSubmitted: after.autoSubmitted });
  return after;
}

/** Creates the report document (state draft) if it does not exist yet; returns it either way. */
export async function ensureReport(
  deps: ReportDeps,
  u: Unit,
  period: string,
  data?: Record<string, unknown> | null,
): Promise<ReportDoc> {
  const id = idOf(u, period);
  const now = deps.clock();
  const existing = await Report.findById(id).lean<ReportDoc>();
  if (existing) return existing;
  await Report.updateOne(
    { _id: id },
    {
      $setOnInsert: {
        period,
        unitKind: u.kind,
        schoolId: u.kind === 'school' ? u.school._id : undefined,
        regionCode: unitCode(u),
        regionPath: unitPath(u),
        state: 'draft',
        autoSubmitted: false,
        confirmedNoChange: false,
        formVersion: u.kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION,
        data: data ?? (await previousData(u, period)) ?? {},
        issues: [],
        history: [],
        version: 0,
        createdAt: now,
        updatedAt: now,
      },
    },
    { upsert: true, timestamps: false },
  ).catch((err) => {
    // Two first writers raced to create it: the other one's document is as good.
    if ((err as { code?: number }).code !== 11000) throw err;
  });
  return (await Report.findById(id).lean<ReportDoc>())!;
}

async function refreshSchoolFlags(u: Unit, issues: ReportIssue[]) {
  if (u.kind !== 'school') return;
  const open = issues.filter((i) => i.status === 'open');
  await School.updateOne(
    { _id: u.school._id },
    {
      $set: {
        issueFlags: {
          basic: open.filter((i) => i.kind === 'basic').map((i) => i.code),
          report: open.filter((i) => i.kind === 'report').map((i) => i.code),
        },
        lastUpdatedAt: new Date(),
      },
    },
  );
  await indexSchools([u.school._id]);
}

function issuesFor(
  data: Record<string, unknown>,
  prev: Record<string, unknown> | null,
  old: ReportIssue[],
): ReportIssue[] {
  // A flag the school already confirmed stays confirmed while the same rule still fires.
  const confirmed = new Map(old.filter((i) => i.status === 'confirmed').map((i) => [i.code, i]));
  return detectSuspectedIssues(data, prev).map((i) => ({
    ...i,
    status: confirmed.has(i.code) ? 'confirmed' : 'open',
    note: confirmed.get(i.code)?.note,
  }));
}

async function audit(
  deps: ReportDeps,
  actor: Actor,
  u: Unit,
  period: string,
  action: string,
  before: ReportDoc | null,
  after: ReportDoc | null,
  reason?: string,
) {
  const pick = (r: ReportDoc | null) =>
    r
      ? { state: r.state, autoSubmitted: r.autoSubmitted, data: r.data, returnDeadline: r.returnDeadline }
      : null;
  await recordAudit(deps.clock, actor, {
    action,
    targetType: 'report',
    targetId: idOf(u, period),
    regionPath: [...unitPath(u), ...(u.kind === 'region' ? [u.region._id] : [])],
    before: pick(before),
    after: pick(after),
    reason,
  });
}

export async function saveReport(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  data: Record<string, unknown>,
): Promise<ReportView> {
  assertFiller(auth, u);
  assertWorkablePeriod(deps, period);
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  assertEditable(existing);
  assertBeforeDeadline(deps, u, period, existing);
  const version =
    existing?.formVersion ??
    (u.kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION);
  validateForm(u.kind, version, data);
  const prev = await previousData(u, period);
  const issues = u.kind === 'school' ? issuesFor(data, prev, existing?.issues ?? []) : [];
  const current = await ensureReport(deps, u, period, data);
  assertEditable(current);
  const after = await mutateReport(deps.clock, current, {
    $set: { data, issues, confirmedNoChange: false, updatedBy: auth.user._id },
  });
  await refreshSchoolFlags(u, issues);
  await audit(deps, actor, u, period, 'report.save', existing, after);
  return view(deps, u, period, after, null);
}

export async function submitReport(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
): Promise<ReportView> {
  assertSubmitter(auth, u);
  assertWorkablePeriod(deps, period);
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  assertEditable(existing);
  if (u.kind === 'region' && existing?.state !== 'returned') {
    const w = levelWindow(period, u.level, deps.calendar);
    const now = deps.clock();
    if (now < w.opensAt)
      throw new ConflictError(messages.windowNotOpen(w.opensAt, w.closesAt), 'WINDOW_NOT_OPEN');
  }
  assertBeforeDeadline(deps, u, period, existing);
  const report = existing ?? (await ensureReport(deps, u, period));
  validateForm(u.kind, report.formVersion, report.data);
  const after = await transition(deps, u, period, EDITABLE_STATES, 'submitted', {
    by: auth.user._id,
    action: '上报',
    set: { submittedAt: deps.clock(), autoSubmitted: false },
    unset: ['returnDeadline'],
  });
  if (u.kind === 'region') await lockBelow(deps, u, period, auth.user._id);
  await markInitialized(deps, u);
  await audit(deps, actor, u, period, 'report.submit', existing, after);
  return view(deps, u, period, after, null);
}

/** A school's first report makes it initialized (it can no longer be deleted, seed 000 §2). */
async function markInitialized(deps: ReportDeps, u: Unit): Promise<void> {
  if (u.kind !== 'school') return;
  await School.updateOne({ _id: u.school._id }, { $set: { initialized: true, lastUpdatedAt: deps.clock() } });
  await indexSchools([u.school._id]);
}

/** "无变化": the school confirms its data is unchanged — last period's data is copied and reported. */
export async function confirmNoChange(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
): Promise<ReportView> {
  assertFiller(auth, u);
  assertWorkablePeriod(deps, period);
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  assertEditable(existing);
  assertBeforeDeadline(deps, u, period, existing);
  const prevPeriod = previousPeriod(parsePeriod(period)).name;
  const prev = await Report.findById(idOf(u, prevPeriod)).lean<ReportDoc>();
  if (!prev || !['submitted', 'locked'].includes(prev.state)) {
    throw new ConflictError(messages.nothingToConfirm, 'NOTHING_TO_CONFIRM');
  }
  const current = await ensureReport(deps, u, period, prev.data);
  assertEditable(current);
  await mutateReport(deps.clock, current, {
    $set: { data: prev.data, formVersion: prev.formVersion, issues: prev.issues ?? [] },
  });
  const after = await transition(deps, u, period, EDITABLE_STATES, 'submitted', {
    by: auth.user._id,
    action: '确认无变化',
    reason: '无变化确认',
    set: { submittedAt: deps.clock(), autoSubmitted: false, confirmedNoChange: true },
    unset: ['returnDeadline'],
  });
  await markInitialized(deps, u);
  await audit(deps, actor, u, period, 'report.confirm', existing, after);
  return view(deps, u, period, after, null);
}

/**
 * When a region submits, what it reviewed is locked: its direct schools' reports and its child regions'
 * reports. Units that never reported are reported now with their data as it stands (auto-submitted).
 */
export async function lockBelow(
  deps: ReportDeps,
  u: Unit,
  period: string,
  by?: Types.ObjectId,
  preloaded?: { schools: SchoolDoc[]; children: RegionDoc[] },
): Promise<number> {
  if (u.kind !== 'region') return 0;
  const code = u.region._id;
  let locked = 0;
  const [schools, children] = preloaded
    ? [preloaded.schools, preloaded.children]
    : await Promise.all([
        School.find({ regionCode: code }).lean<SchoolDoc[]>(),
        Region.find({ parentCode: code }).lean<RegionDoc[]>(),
      ]);
  const units: Unit[] = [
    ...schools.map((school) => ({ kind: 'school' as const, school, managing: u.region, level: u.level })),
    ...children.flatMap((region) => {
      const level = reportingLevelOf(region);
      return level ? [{ kind: 'region' as const, region, level }] : [];
    }),
  ];
  for (const unit of units) {
    const report = await ensureReport(deps, unit, period);
    if (EDITABLE_STATES.includes(report.state)) {
      await transition(deps, unit, period, EDITABLE_STATES, 'locked', {
        by,
        auto: true,
        action: '锁定',
        reason: `${u.region.name}已上报，数据按现状自动上报并锁定`,
        set: { autoSubmitted: true, submittedAt: deps.clock() },
        unset: ['returnDeadline'],
      }).catch(ignoreConflict);
      locked++;
    } else if (report.state === 'submitted') {
      await transition(deps, unit, period, ['submitted'], 'locked', {
        by,
        action: '锁定',
        reason: `${u.region.name}已上报`,
      }).catch(ignoreConflict);
      locked++;
    }
  }
  return locked;
}

function ignoreConflict(err: unknown) {
  // Another instance (or request) moved the report first: the outcome is the same.
  if (!(err instanceof ConflictError)) throw err;
}

export async function requestWithdrawal(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  reason: string,
): Promise<ReportView> {
  assertRead(auth, u);
  const b = auth.binding!;
  const ownUnit =
    u.kind === 'school'
      ? b.kind === 'school' && b.role === 'admin' && !!b.schoolId?.equals(u.school._id)
      : holdsRole(b, u.region._id, ['admin', 'auditor']);
  if (!ownUnit) throw new ForbiddenError(messages.notOwnUnit, 'NOT_OWN_UNIT');
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  const after = await transition(deps, u, period, ['submitted', 'locked'], 'withdrawalRequested', {
    by: auth.user._id,
    reason,
    action: '申请撤报',
    set: { stateBeforeWithdrawal: existing?.state },
  });
  await audit(deps, actor, u, period, 'report.withdrawal.request', existing, after, reason);
  // The upper level decides: its group hears of the request (issue 11).
  await emitEvent(deps.clock, {
    key: `withdrawal.requested:${idOf(u, period)}:${after.history.length}`,
    type: 'withdrawal.requested',
    regionCode: unitCode(u),
    regionPath: unitPath(u),
    payload: { period, unit: nameOf(u), unitKind: u.kind, reason },
  });
  return view(deps, u, period, after, null);
}

export async function decideWithdrawal(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  approve: boolean,
  reason?: string,
): Promise<ReportView> {
  assertUpper(auth, u);
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  const back = existing?.stateBeforeWithdrawal ?? 'submitted';
  const after = await transition(deps, u, period, ['withdrawalRequested'], approve ? 'draft' : back, {
    by: auth.user._id,
    reason: reason ?? (approve ? '撤报申请已批准' : '撤报申请未批准'),
    action: '审批撤报申请',
    set: approve ? { autoSubmitted: false, confirmedNoChange: false } : {},
    unset: ['stateBeforeWithdrawal', 'submittedAt'].filter((k) => approve || k === 'stateBeforeWithdrawal'),
  });
  await audit(
    deps,
    actor,
    u,
    period,
    approve ? 'report.withdrawal.approve' : 'report.withdrawal.reject',
    existing,
    after,
    reason,
  );
  await emitEvent(deps.clock, {
    key: `withdrawal.decided:${idOf(u, period)}:${after.history.length}`,
    type: 'withdrawal.decided',
    regionCode: unitCode(u),
    regionPath: unitPath(u),
    payload: { period, unit: nameOf(u), unitKind: u.kind, approved: approve, reason },
  });
  return view(deps, u, period, after, null);
}

export async function returnReport(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  reason: string,
  deadline: Date,
): Promise<ReportView> {
  assertUpper(auth, u);
  if (deadline <= deps.clock())
    throw new ValidationError(messages.returnDeadlinePast, { property: 'deadline' }, 'RETURN_DEADLINE_PAST');
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  const after = await transition(
    deps,
    u,
    period,
    ['submitted', 'locked', 'withdrawalRequested'],
    'returned',
    {
      by: auth.user._id,
      reason,
      action: '退回',
      set: { returnDeadline: deadline, autoSubmitted: false },
      unset: ['stateBeforeWithdrawal', 'submittedAt'],
    },
  );
  await audit(deps, actor, u, period, 'report.return', existing, after, reason);
  await emitEvent(deps.clock, {
    key: `report.returned:${idOf(u, period)}:${after.history.length}`,
    type: 'report.returned',
    regionCode: unitCode(u),
    regionPath: unitPath(u),
    payload: { period, unit: nameOf(u), unitKind: u.kind, reason, deadline: toShanghaiIso(deadline) },
  });
  return view(deps, u, period, after, null);
}

/** The school confirms a suspected issue is not an error, with a note (fixing = editing the data). */
export async function confirmIssue(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  code: string,
  note: string,
): Promise<ReportView> {
  assertFiller(auth, u);
  const id = idOf(u, period);
  const before = await Report.findById(id).lean<ReportDoc>();
  if (!before?.issues.some((i) => i.code === code && i.status === 'open')) {
    throw new NotFoundError(messages.noSuchIssue(code), 'ISSUE_NOT_FOUND');
  }
  const issues = before.issues.map((i) =>
    i.code === code ? { ...i, status: 'confirmed' as const, note } : i,
  );
  const after = await mutateReport(deps.clock, before, { $set: { issues } });
  await refreshSchoolFlags(u, issues);
  await recordAudit(deps.clock, actor, {
    action: 'report.issue.confirm',
    targetType: 'report',
    targetId: id,
    regionPath: unitPath(u),
    before: { [code]: 'open' },
    after: { [code]: 'confirmed', note },
  });
  return view(deps, u, period, after, null);
}
