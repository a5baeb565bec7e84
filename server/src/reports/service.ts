// The reporting workflow (seeds 000 part 4, 001 ch. 5, 002 ch. 5): fill, submit, confirm "no change",
// lock, withdrawal request and decision, return with a time limit. Every transition is one atomic
// conditional update that also appends to the report's history, so it happens once or not at all.
// Over 500 lines: not split yet (issue 10) while the deadline work changes it in parallel; the access
// rules it applies are access/rules.ts, the per-transition checks are the assert* functions below.
import type { OutboxPayloads } from '@eduprogress/shared';
import {
  REGION_FORMS,
  REGION_FORM_CURRENT_VERSION,
  SCHOOL_FORMS,
  SCHOOL_FORM_CURRENT_VERSION,
  REPORT_STATE_LABELS,
  RETURNABLE_STATES,
  WITHDRAWABLE_STATES,
  deadlineLabel,
  opensAtLabel,
  FORM_AJV_OPTIONS,
  describeErrors,
  blankRequiredFields,
  errorsBeyondBlanks,
  incompleteSentence,
  detectSuspectedIssues,
  parsePeriod,
  previousPeriod,
  toShanghaiIso,
  type CalendarConfig,
  type ReportState,
  type ReportingLevel,
  type ReportView,
  type ReportViewAction,
  REPORT_VIEW_ACTIONS,
} from '@eduprogress/shared';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Types } from 'mongoose';
import type { AuthContext } from '../accounts/service';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { publishDomainEvent } from '../events';
import { emitEvent, type NewEvent } from '../outbox/service';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { Report, reportId, type ReportDoc, type ReportIssue } from './model';
import { claimOf, mutateReport, settleClaim, type FollowUps } from './claims';
import { noteReturn } from './return-hints';
import {
  EDITABLE_STATES,
  levelDeadline,
  levelWindow,
  reportingLevelOf,
  schoolReportingLevel,
  workablePeriods,
} from './rules';
import { isDuplicateKey } from '../db/duplicate-key';
import { assertReportAction, mayReadReport } from '../access/reports';

const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
// The same options the mini-program's generated validators are built with (shared FORM_AJV_OPTIONS).
const formAjv = addFormats(new Ajv({ ...FORM_AJV_OPTIONS }));
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
  periodClosed: (period: string, open: string[]) =>
    `期次 ${period} 当前不可填报（可填报：${open.join('、')}）`,
  wrongCycle: (period: string) => `期次 ${period} 与当前的上报周期不符`,
  locked: (state: ReportState) =>
    `报表${REPORT_STATE_LABELS[state]}，不能修改；如需修改，请向上级提交撤报申请`,
  alreadyReported: (state: ReportState) =>
    `报表${REPORT_STATE_LABELS[state]}，无需重复上报；如需修改，请向上级提交撤报申请`,
  withdrawalPending: '撤报申请正在等待上级审批，批准后可在限定时间内修改并重新上报',
  deadlinePassed: (deadline: Date) =>
    `本级上报截止时间 ${deadlineLabel(deadline.toISOString())} 已过，不能再填报或上报；未上报的报表由系统按现有数据自动上报，之后如需修改，请向上级提交撤报申请`,
  returnExpired: (deadline: Date) =>
    `限时修改的期限 ${deadlineLabel(deadline.toISOString())} 已过，报表将按现有数据自动上报；如需继续修改，请联系上级退回`,
  upperReported: (name: string, state: ReportState) =>
    `${name}本期报表${REPORT_STATE_LABELS[state]}，不能退回下级或批准撤报；请先由${name}向上级申请撤报，获批后再处理`,
  windowNotOpen: (opens: Date, closes: Date) =>
    `本级上报时间为 ${opensAtLabel(opens.toISOString())} 至 ${deadlineLabel(closes.toISOString())}，当前不在上报时间内`,
  wrongState: (state: ReportState, action: string) => `报表当前${REPORT_STATE_LABELS[state]}，不能${action}`,
  notReported: '报表尚未上报',
  nothingToConfirm: '上期没有已上报的数据，无法确认“无变化”，请填写本期数据',
  noSuchIssue: (code: string) => `没有待处理的疑似问题 ${code}`,
  returnDeadlinePast: '限时修改的截止时间必须晚于当前时间',
  alreadyReturned: '报表已退回，等待重新上报',
  formInvalid: '填报内容不合法',
  rejectionReason: '不批准撤报申请时请填写原因，申请单位将看到这一原因',
  actions: { requestWithdrawal: '申请撤报', decideWithdrawal: '审批撤报申请', return: '退回' },
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

/**
 * The bot's event of a report transition (issue 11): keyed by the report and its history length, so a
 * transition finished twice (reconcile.ts) writes it once; the payload names the period and the unit.
 */
function unitEvent<T extends 'report.returned' | 'withdrawal.requested' | 'withdrawal.decided'>(
  u: Unit,
  period: string,
  type: T,
  payload: Omit<OutboxPayloads[T], 'period' | 'unit' | 'unitKind'>,
) {
  return (historyLength: number): NewEvent[] => [
    {
      key: `${type}:${idOf(u, period)}:${historyLength}`,
      type,
      regionCode: unitCode(u),
      regionPath: unitPath(u),
      payload: { period, unit: nameOf(u), unitKind: u.kind, ...payload } as OutboxPayloads[T],
    } as NewEvent,
  ];
}

export async function schoolUnit(id: string): Promise<Unit> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  const school = await School.findById(id).lean<SchoolDoc>();
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  const managing = await Region.findById(school.regionCode).lean<RegionDoc>();
  const level = managing && schoolReportingLevel(managing);
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

/** The unit itself (any role of it) or anyone governing it from above may read (access/reports.ts). */
export function canRead(auth: AuthContext, u: Unit): boolean {
  return mayReadReport(auth.binding, u);
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

/** The unit may change its report (`edit`) or report it (`submit`) only in an editable state. */
function assertEditable(report: ReportDoc | null, action: 'edit' | 'submit' = 'edit') {
  if (!report || EDITABLE_STATES.includes(report.state)) return;
  const message =
    report.state === 'withdrawalRequested'
      ? messages.withdrawalPending
      : action === 'submit'
        ? messages.alreadyReported(report.state)
        : messages.locked(report.state);
  throw new ConflictError(message, 'REPORT_LOCKED', { state: report.state });
}

/** Days an approved withdrawal leaves the unit to edit and resubmit, when the decision names no time. */
export const WITHDRAWAL_EDIT_DAYS = 3;

/**
 * Lock across levels (docs/DECISIONS.md): the upper unit may return a report below it, or approve its
 * withdrawal, only while its own report of the period is not reported (draft or returned) — otherwise a
 * changed report below would sit under a reported figure that no longer adds up. The national level has
 * no report of its own. 409 UPPER_REPORTED names the upper unit and what to do.
 */
async function assertUpperOpen(u: Unit, period: string): Promise<void> {
  const upper = await upperReported(u, period);
  if (upper) {
    throw new ConflictError(messages.upperReported(upper.region.name, upper.state), 'UPPER_REPORTED', {
      regionCode: upper.region._id,
      state: upper.state,
    });
  }
}

/**
 * The upper unit and its own report's state when that report of `period` is reported (submitted, locked
 * or withdrawal pending) — the unit's report then sits under a reported figure — else null (not reported,
 * or the national level, which has no report).
 */
async function upperReported(
  u: Unit,
  period: string,
): Promise<{ region: RegionDoc; state: ReportState } | null> {
  const upper = upperOf(u);
  const region = u.kind === 'school' ? u.managing : await Region.findById(upper).lean<RegionDoc>();
  if (!region || !reportingLevelOf(region)) return null;
  const own = await Report.findById(reportId(period, { regionCode: upper }), { state: 1 }).lean<ReportDoc>();
  return own && !EDITABLE_STATES.includes(own.state) ? { region, state: own.state } : null;
}

/**
 * The state a rejected withdrawal request restores: the one it came from (`stateBeforeWithdrawal`;
 * submitted for older requests without it), except that a report whose upper level reported while the
 * request was pending comes back locked — every lock (lockBelow, the deadline close) skips a pending
 * request. Seed 001 §18.
 */
async function stateAfterRejection(u: Unit, period: string, r: ReportDoc | null): Promise<ReportState> {
  const before = r?.stateBeforeWithdrawal ?? 'submitted';
  if (before === 'locked') return 'locked';
  return (await upperReported(u, period)) ? 'locked' : before;
}

/**
 * What every decision of the upper level checks first: the caller may take it (403 UPPER_LEVEL_ONLY), a
 * time limit it sets lies ahead (400 RETURN_DEADLINE_PAST), and — when the report `existing` is in one of
 * `reopens` (the decision reopens it) — the upper unit's own report is not reported (409 UPPER_REPORTED).
 */
async function assertUpperDecision(
  deps: ReportDeps,
  auth: AuthContext,
  u: Unit,
  period: string,
  action: 'decideWithdrawal' | 'return',
  deadline: Date | undefined,
  reopens: readonly ReportState[],
  existing: ReportDoc | null,
): Promise<void> {
  assertReportAction(auth.binding, u, action);
  if (deadline && deadline <= deps.clock())
    throw new ValidationError(messages.returnDeadlinePast, { property: 'deadline' }, 'RETURN_DEADLINE_PAST');
  if (existing && reopens.includes(existing.state)) await assertUpperOpen(u, period);
}

/**
 * What a submission (上报, 确认无变化) checks first: the caller submits for the unit (access/reports.ts),
 * the period is workable and the report not already reported. Returns the report as it stands (or null).
 */
async function submittable(deps: ReportDeps, auth: AuthContext, u: Unit, period: string) {
  assertReportAction(auth.binding, u, 'submit');
  assertWorkablePeriod(deps, period);
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  assertEditable(existing, 'submit');
  return existing;
}

/**
 * Every check of an action on the report `existing` (null: never saved) that needs no request body: the
 * same functions the action itself runs before writing, so {@link reportActions} offers exactly what the
 * action accepts. Throws the action's 403/409 (or 400) as it would.
 */
const actionChecks: Record<
  ReportViewAction,
  (
    deps: ReportDeps,
    auth: AuthContext,
    u: Unit,
    period: string,
    existing: ReportDoc | null,
    deadline?: Date,
  ) => Promise<void>
> = {
  edit: async (deps, auth, u, period, existing) => {
    assertReportAction(auth.binding, u, 'edit');
    assertWorkablePeriod(deps, period);
    assertEditable(existing);
    assertBeforeDeadline(deps, u, period, existing);
  },
  submit: async (deps, auth, u, period, existing) => {
    assertReportAction(auth.binding, u, 'submit');
    assertWorkablePeriod(deps, period);
    assertEditable(existing, 'submit');
    assertSubmissionWindow(deps, u, period, existing);
    assertBeforeDeadline(deps, u, period, existing);
  },
  requestWithdrawal: async (_deps, auth, u, _period, existing) => {
    assertReportAction(auth.binding, u, 'requestWithdrawal');
    assertFrom(existing, WITHDRAWABLE_STATES, messages.actions.requestWithdrawal);
  },
  approveWithdrawal: async (deps, auth, u, period, existing, deadline) => {
    const reopens = ['withdrawalRequested'] as const;
    await assertUpperDecision(deps, auth, u, period, 'decideWithdrawal', deadline, reopens, existing);
    assertFrom(existing, ['withdrawalRequested'], messages.actions.decideWithdrawal);
  },
  rejectWithdrawal: async (deps, auth, u, period, existing, deadline) => {
    await assertUpperDecision(deps, auth, u, period, 'decideWithdrawal', deadline, [], existing);
    assertFrom(existing, ['withdrawalRequested'], messages.actions.decideWithdrawal);
  },
  return: async (deps, auth, u, period, existing, deadline) => {
    await assertUpperDecision(deps, auth, u, period, 'return', deadline, RETURNABLE_STATES, existing);
    // Returned once is returned until the unit reports again (or its limit passes and it is auto-submitted):
    // a second return would overwrite the reason and the limit the unit is working to (seed 001 §19).
    if (existing?.state === 'returned')
      throw new ConflictError(messages.alreadyReturned, 'REPORT_STATE_CONFLICT', { state: existing.state });
    assertFrom(existing, RETURNABLE_STATES, messages.actions.return);
  },
};

/**
 * The actions the caller may take on the report `r` now (ReportView.actions, in REPORT_VIEW_ACTIONS
 * order): those whose checks ({@link actionChecks}) pass. A refusal of any kind (403, 409, 400) leaves the
 * action out; anything else (a database failure) is thrown.
 */
export async function reportActions(
  deps: ReportDeps,
  auth: AuthContext,
  u: Unit,
  period: string,
  r: ReportDoc | null,
): Promise<ReportViewAction[]> {
  const allowed = await Promise.all(
    REPORT_VIEW_ACTIONS.map((a) =>
      actionChecks[a](deps, auth, u, period, r).then(
        () => true,
        (err: unknown) => {
          if (err instanceof AppError && err.status < 500) return false;
          throw err;
        },
      ),
    ),
  );
  return REPORT_VIEW_ACTIONS.filter((_, i) => allowed[i]);
}

/** A region submits its own report inside its level's window, unless it was returned (409 WINDOW_NOT_OPEN). */
function assertSubmissionWindow(deps: ReportDeps, u: Unit, period: string, existing: ReportDoc | null) {
  if (u.kind !== 'region' || existing?.state === 'returned') return;
  const w = levelWindow(period, u.level, deps.calendar);
  if (deps.clock() < w.opensAt)
    throw new ConflictError(messages.windowNotOpen(w.opensAt, w.closesAt), 'WINDOW_NOT_OPEN');
}

/**
 * Finishes a change made by a request (its follow-ups, see completeChange) and answers the report's view
 * with what the caller may do next.
 */
async function settled(
  deps: ReportDeps,
  auth: AuthContext,
  u: Unit,
  period: string,
  after: ReportDoc,
): Promise<ReportView> {
  await completeChange(deps, u, after);
  return view(deps, u, period, after, null, await reportActions(deps, auth, u, period, after));
}

async function previousData(u: Unit, period: string): Promise<Record<string, unknown> | null> {
  const prev = previousPeriod(parsePeriod(period)).name;
  const r = await Report.findById(idOf(u, prev), { data: 1, state: 1 }).lean<ReportDoc>();
  return r ? r.data : null;
}

/**
 * Whether `data` answers every required field of the form version and holds no wrong value: what 上报
 * asks (a draft may be saved without it). The first-login region-form step counts only such a form.
 */
export function formComplete(kind: 'school' | 'region', version: number, data: unknown): boolean {
  return formValidator(kind, version)(data) === true;
}

/**
 * Checks report data against the form version it is filed under. A draft (`complete: false`) may leave
 * required fields blank; any other fault is 400 FORM_INVALID. For 上报 (`complete: true`) blank
 * required fields are 400 FORM_INCOMPLETE naming them by title (`details.fields`: `{property, title}[]`),
 * the one rule the app's inline check repeats (shared `blankRequiredFields`, `incompleteSentence`).
 */
function validateForm(
  kind: 'school' | 'region',
  version: number,
  data: unknown,
  { complete }: { complete: boolean },
) {
  const validate = formValidator(kind, version);
  if (validate(data)) return;
  const schema = (kind === 'school' ? SCHOOL_FORMS : REGION_FORMS)[version];
  const all = validate.errors ?? [];
  const faults = errorsBeyondBlanks(all);
  if (faults.length) {
    const { sentence, property, errors } = describeErrors(schema, faults, messages.formInvalid);
    throw new ValidationError(sentence, { property, part: 'body', errors }, 'FORM_INVALID');
  }
  if (!complete) return;
  const fields = blankRequiredFields(schema, all);
  const { errors } = describeErrors(schema, [...all], messages.formInvalid);
  throw new ValidationError(
    incompleteSentence(fields),
    { property: fields[0]?.property ?? '', part: 'body', fields, errors },
    'FORM_INCOMPLETE',
  );
}

/** The report as the API answers it (shared/src/api/views.ts). */
export type { ReportView } from '@eduprogress/shared';

function view(
  deps: ReportDeps,
  u: Unit,
  period: string,
  r: ReportDoc | null,
  prefill: Record<string, unknown> | null,
  actions: ReportViewAction[],
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
    actions,
  };
}

export async function getReport(
  deps: ReportDeps,
  auth: AuthContext,
  u: Unit,
  period: string,
): Promise<ReportView> {
  assertReportAction(auth.binding, u, 'read');
  parsePeriod(period);
  const r = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  return view(
    deps,
    u,
    period,
    r,
    r ? null : await previousData(u, period),
    await reportActions(deps, auth, u, period, r),
  );
}

/** 409 REPORT_STATE_CONFLICT naming the state unless the report exists in one of `from`. */
function assertFrom(
  r: ReportDoc | null,
  from: readonly ReportState[],
  action: string,
): asserts r is ReportDoc {
  if (!r || !from.includes(r.state)) {
    throw new ConflictError(
      r ? messages.wrongState(r.state, action) : messages.notReported,
      'REPORT_STATE_CONFLICT',
      { state: r?.state ?? null },
    );
  }
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
    /** The change's audit entry (written by `completeChange`, or by the reconcile after a crash). */
    audit?: { actor: Actor; action: string; reason?: string };
    /** Outbox events, given the history length after this transition (their keys name it). */
    events?: (historyLength: number) => NewEvent[];
    followUps?: Pick<FollowUps, 'lockBelow' | 'markInitialized'>;
  },
): Promise<ReportDoc> {
  const id = idOf(u, period);
  const before = await Report.findById(id).lean<ReportDoc>();
  assertFrom(before, from, opts.action);
  const at = deps.clock();
  const update: Record<string, any> = {
    $set: { state: to, ...(opts.set ?? {}) },
    $push: { history: { at, by: opts.by, from: before.state, to, reason: opts.reason, auto: opts.auto } },
  };
  if (opts.unset?.length) update.$unset = Object.fromEntries(opts.unset.map((k) => [k, 1]));
  const followUps: FollowUps = {
    ...opts.followUps,
    audit: opts.audit
      ? auditFollowUp(
          opts.audit.actor,
          u,
          period,
          opts.audit.action,
          before,
          projected(before, update),
          opts.audit.reason,
        )
      : undefined,
    events: opts.events?.(before.history.length + 1),
  };
  // A return's time limit is noted where the expired-returns check finds it (return-hints.ts).
  if (to === 'returned' && opts.set?.returnDeadline instanceof Date)
    await noteReturn(id, opts.set.returnDeadline);
  const after = await mutateReport(deps.clock, before, update, followUps);
  // The progress and statistics rollups and the school list follow (read-models.ts).
  await publishDomainEvent('report.changed', {
    period,
    unitKind: u.kind,
    schoolId: u.kind === 'school' ? String(u.school._id) : undefined,
    regionCode: unitCode(u),
    state: after.state,
    previousState: before.state,
    before,
    after,
    school:
      u.kind === 'school'
        ? { _id: u.school._id, regionCode: u.school.regionCode, regionPath: u.school.regionPath }
        : undefined,
    region: u.kind === 'region' ? { _id: u.region._id, parentCode: u.region.parentCode } : undefined,
    at: deps.clock(),
  });
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
    if (!isDuplicateKey(err)) throw err;
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
  await publishDomainEvent('school.marked', { schoolId: u.school._id });
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

const pick = (r: Partial<ReportDoc> | null) =>
  r
    ? { state: r.state, autoSubmitted: r.autoSubmitted, data: r.data, returnDeadline: r.returnDeadline }
    : null;

/** The report as `update` ($set/$unset) will leave it: what the audit entry says "after" is. */
function projected(before: ReportDoc | null, update: Record<string, any>): Partial<ReportDoc> {
  const out: Record<string, unknown> = { ...(before ?? {}), ...(update.$set ?? {}) };
  for (const k of Object.keys(update.$unset ?? {})) delete out[k];
  return out as Partial<ReportDoc>;
}

/** A report change's audit entry, built before the change so that a crash cannot lose it. */
function auditFollowUp(
  actor: Actor,
  u: Unit,
  period: string,
  action: string,
  before: Partial<ReportDoc> | null,
  after: Partial<ReportDoc> | null,
  reason?: string,
): NonNullable<FollowUps['audit']> {
  return {
    id: new Types.ObjectId(),
    actor,
    input: {
      action,
      targetType: 'report',
      targetId: idOf(u, period),
      regionPath: [...unitPath(u), ...(u.kind === 'region' ? [u.region._id] : [])],
      before: pick(before),
      after: pick(after),
      reason,
    },
  };
}

/**
 * Finishes a report change made by `mutateReport`/`transition`: its follow-ups (locking below, the
 * school's initialized flag, the audit entry, outbox events), then settles its claim. Each step is
 * idempotent, so the reconcile runs the same function for a claim a crash left behind.
 */
export async function completeChange(
  deps: ReportDeps,
  u: Unit | null,
  after: ReportDoc,
  claim: { key: string; followUps: FollowUps; at?: Date } | undefined = claimOf(after),
): Promise<void> {
  if (!claim) return;
  const f = claim.followUps;
  if (f.lockBelow || f.markInitialized) {
    const unit =
      u ??
      (after.unitKind === 'school'
        ? await schoolUnit(String(after.schoolId))
        : await regionUnit(after.regionCode));
    if (f.lockBelow) await lockBelow(deps, unit, after.period, f.lockBelow.by);
    if (f.markInitialized) await markInitialized(deps, unit);
  }
  if (f.audit) await recordAudit(deps.clock, f.audit.actor, f.audit.input, { id: f.audit.id, at: claim.at });
  for (const event of f.events ?? []) await emitEvent(deps.clock, event);
  await settleClaim(claim.key);
}

export async function saveReport(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  data: Record<string, unknown>,
): Promise<ReportView> {
  assertReportAction(auth.binding, u, 'edit');
  assertWorkablePeriod(deps, period);
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  assertEditable(existing);
  assertBeforeDeadline(deps, u, period, existing);
  const version =
    existing?.formVersion ??
    (u.kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION);
  validateForm(u.kind, version, data, { complete: false });
  const prev = await previousData(u, period);
  const issues = u.kind === 'school' ? issuesFor(data, prev, existing?.issues ?? []) : [];
  const current = await ensureReport(deps, u, period, data);
  assertEditable(current);
  const update = { $set: { data, issues, confirmedNoChange: false, updatedBy: auth.user._id } };
  const after = await mutateReport(deps.clock, current, update, {
    audit: auditFollowUp(actor, u, period, 'report.save', existing, projected(current, update)),
  });
  await refreshSchoolFlags(u, issues);
  return settled(deps, auth, u, period, after);
}

export async function submitReport(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
): Promise<ReportView> {
  const existing = await submittable(deps, auth, u, period);
  assertSubmissionWindow(deps, u, period, existing);
  assertBeforeDeadline(deps, u, period, existing);
  const report = existing ?? (await ensureReport(deps, u, period));
  validateForm(u.kind, report.formVersion, report.data, { complete: true });
  const after = await transition(deps, u, period, EDITABLE_STATES, 'submitted', {
    by: auth.user._id,
    action: '上报',
    set: { submittedAt: deps.clock(), autoSubmitted: false },
    unset: ['returnDeadline'],
    audit: { actor, action: 'report.submit' },
    followUps: {
      lockBelow: u.kind === 'region' ? { by: auth.user._id } : undefined,
      markInitialized: u.kind === 'school',
    },
  });
  return settled(deps, auth, u, period, after);
}

/** A school's first report makes it initialized (it can no longer be deleted, seed 000 §2). */
async function markInitialized(deps: ReportDeps, u: Unit): Promise<void> {
  if (u.kind !== 'school') return;
  await School.updateOne({ _id: u.school._id }, { $set: { initialized: true, lastUpdatedAt: deps.clock() } });
  await publishDomainEvent('school.marked', { schoolId: u.school._id });
}

/** "无变化": the school confirms its data is unchanged — last period's data is copied and reported. */
export async function confirmNoChange(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
): Promise<ReportView> {
  const existing = await submittable(deps, auth, u, period);
  assertBeforeDeadline(deps, u, period, existing);
  const prevPeriod = previousPeriod(parsePeriod(period)).name;
  const prev = await Report.findById(idOf(u, prevPeriod)).lean<ReportDoc>();
  if (!prev || !['submitted', 'locked'].includes(prev.state)) {
    throw new ConflictError(messages.nothingToConfirm, 'NOTHING_TO_CONFIRM');
  }
  // 无变化 reports last period's data as this period's: it must be complete like any 上报.
  validateForm(u.kind, prev.formVersion, prev.data, { complete: true });
  const current = await ensureReport(deps, u, period, prev.data);
  assertEditable(current);
  const copied = await mutateReport(deps.clock, current, {
    $set: { data: prev.data, formVersion: prev.formVersion, issues: prev.issues ?? [] },
  });
  await completeChange(deps, u, copied);
  const after = await transition(deps, u, period, EDITABLE_STATES, 'submitted', {
    by: auth.user._id,
    action: '确认无变化',
    reason: '无变化确认',
    set: { submittedAt: deps.clock(), autoSubmitted: false, confirmedNoChange: true },
    unset: ['returnDeadline'],
    audit: { actor, action: 'report.confirm' },
    followUps: { markInitialized: u.kind === 'school' },
  });
  return settled(deps, auth, u, period, after);
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
      }).then((after) => completeChange(deps, unit, after), ignoreConflict);
      locked++;
    } else if (report.state === 'submitted') {
      await transition(deps, unit, period, ['submitted'], 'locked', {
        by,
        action: '锁定',
        reason: `${u.region.name}已上报`,
      }).then((after) => completeChange(deps, unit, after), ignoreConflict);
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
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  await actionChecks.requestWithdrawal(deps, auth, u, period, existing);
  const after = await transition(deps, u, period, WITHDRAWABLE_STATES, 'withdrawalRequested', {
    by: auth.user._id,
    reason,
    action: messages.actions.requestWithdrawal,
    set: { stateBeforeWithdrawal: existing?.state },
    audit: { actor, action: 'report.withdrawal.request', reason },
    // The upper level decides: its group hears of the request (issue 11).
    events: unitEvent(u, period, 'withdrawal.requested', { reason }),
  });
  return settled(deps, auth, u, period, after);
}

/**
 * The upper level decides a withdrawal request (seed 001 §18: once approved, the upper level returns the
 * report for changes). Approval reopens the report as `returned` with a time limit — `deadline`, or by
 * default the later of the unit's level deadline and {@link WITHDRAWAL_EDIT_DAYS} days from now — so it
 * can be edited and resubmitted even after the level deadline, and is auto-submitted when the limit
 * passes. Rejection restores the state the request came from (locked if the upper level reported
 * meanwhile; the autoSubmitted flag is kept). Errors: 403 UPPER_LEVEL_ONLY, 409
 * REPORT_STATE_CONFLICT (no pending request), 409 UPPER_REPORTED (approval while the upper unit's own
 * report is reported), 400 RETURN_DEADLINE_PAST.
 */
export async function decideWithdrawal(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  approve: boolean,
  reason?: string,
  deadline?: Date,
): Promise<ReportView> {
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  await actionChecks[approve ? 'approveWithdrawal' : 'rejectWithdrawal'](
    deps,
    auth,
    u,
    period,
    existing,
    deadline,
  );
  if (!approve && !reason?.trim())
    throw new ValidationError(messages.rejectionReason, { property: 'reason' }, 'REASON_REQUIRED');
  const now = deps.clock();
  const back = approve ? 'returned' : await stateAfterRejection(u, period, existing);
  const levelEnd = levelDeadline(period, u.level, deps.calendar);
  const editUntil =
    deadline ?? new Date(Math.max(levelEnd.getTime(), now.getTime() + WITHDRAWAL_EDIT_DAYS * 24 * 3600_000));
  const after = await transition(deps, u, period, ['withdrawalRequested'], back, {
    by: auth.user._id,
    reason: reason ?? (approve ? '撤报申请已批准' : '撤报申请未批准'),
    action: messages.actions.decideWithdrawal,
    set: approve ? { autoSubmitted: false, confirmedNoChange: false, returnDeadline: editUntil } : {},
    unset: ['stateBeforeWithdrawal', 'submittedAt'].filter((k) => approve || k === 'stateBeforeWithdrawal'),
    audit: { actor, action: approve ? 'report.withdrawal.approve' : 'report.withdrawal.reject', reason },
    events: unitEvent(u, period, 'withdrawal.decided', {
      approved: approve,
      reason,
      ...(approve ? { deadline: toShanghaiIso(editUntil) } : {}),
    }),
  });
  return settled(deps, auth, u, period, after);
}

/**
 * The upper level returns a reported report with a reason and a time limit (seed 001 §19): the unit may
 * edit and resubmit until `deadline`, then it is auto-submitted as it stands. A returned report cannot be
 * returned again until it is reported anew. Errors: 403 UPPER_LEVEL_ONLY, 400 RETURN_DEADLINE_PAST, 409
 * REPORT_STATE_CONFLICT (never reported, or already returned: 报表已退回，等待重新上报), 409
 * UPPER_REPORTED (the upper unit's own report is reported).
 */
export async function returnReport(
  deps: ReportDeps,
  auth: AuthContext,
  actor: Actor,
  u: Unit,
  period: string,
  reason: string,
  deadline: Date,
): Promise<ReportView> {
  const existing = await Report.findById(idOf(u, period)).lean<ReportDoc>();
  await actionChecks.return(deps, auth, u, period, existing, deadline);
  const after = await transition(deps, u, period, RETURNABLE_STATES, 'returned', {
    by: auth.user._id,
    reason,
    action: messages.actions.return,
    set: { returnDeadline: deadline, autoSubmitted: false },
    unset: ['stateBeforeWithdrawal', 'submittedAt'],
    audit: { actor, action: 'report.return', reason },
    events: unitEvent(u, period, 'report.returned', { reason, deadline: toShanghaiIso(deadline) }),
  });
  return settled(deps, auth, u, period, after);
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
  assertReportAction(auth.binding, u, 'edit');
  const id = idOf(u, period);
  const before = await Report.findById(id).lean<ReportDoc>();
  if (!before?.issues.some((i) => i.code === code && i.status === 'open')) {
    throw new NotFoundError(messages.noSuchIssue(code), 'ISSUE_NOT_FOUND');
  }
  const issues = before.issues.map((i) =>
    i.code === code ? { ...i, status: 'confirmed' as const, note } : i,
  );
  const after = await mutateReport(
    deps.clock,
    before,
    { $set: { issues } },
    {
      audit: {
        id: new Types.ObjectId(),
        actor,
        input: {
          action: 'report.issue.confirm',
          targetType: 'report',
          targetId: id,
          regionPath: unitPath(u),
          before: { [code]: 'open' },
          after: { [code]: 'confirmed', note },
        },
      },
    },
  );
  await refreshSchoolFlags(u, issues);
  return settled(deps, auth, u, period, after);
}
