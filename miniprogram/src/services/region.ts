// The region side over the REST API (API.md): progress, supervision, the reports below a region,
// review actions, schools and their admin accounts. Inspectors (视察员) read only: `canAct` is what
// every region page asks before drawing an action button.
import type {
  Page,
  PeriodWork,
  Worklist,
  ProgressCounts,
  ProgressRow,
  ProgressView,
  ReportState,
  ReportSummary,
  UpdatedMonthsView,
} from '@eduprogress/shared';
import { request } from './request';
import { fetchPeriods, type CurrentPeriods } from './periods';
import type { BindingView } from './session';
import type { ReportView, SchoolView } from './reports';

// The progress answer's shapes are the API contract (shared/src/api/views.ts).
export type { Page, PeriodWork, ProgressRow, ReportSummary, Worklist };
export type Counts = ProgressCounts;
export type Progress = ProgressView;

export interface SupervisionRow {
  code: string;
  name: string;
  direct: boolean;
  admins: { total: number; initialized: number } | null;
  schools: number;
  schoolsInitialized: number;
  initializationRate: number | null;
  schoolsReported: number;
  schoolsAutoSubmitted: number;
  reportRate: number | null;
  overdue: number;
  regionReport: ReportSummary | null;
}

export interface UnitReportRow {
  id: string;
  unit: { kind: 'school' | 'region'; id: string; name: string; regionCode: string; regionName: string };
  state: ReportState;
  stateLabel: string;
  autoSubmitted: boolean;
  submittedAt?: string;
  returnDeadline?: string;
  lastReason?: string;
  updatedAt?: string;
}

export interface SchoolListItem extends SchoolView {
  initialized: boolean;
  reportState: ReportState | null;
  reported: boolean;
  projectSchool: 'declared' | 'confirmed' | null;
}

export interface SchoolAdminItem {
  id: string;
  loginName: string;
  name: string;
  mobile?: string;
  email?: string;
  /** Locked now: by a manager, or by too many wrong passwords (until `lockedUntil`); 解锁 ends either. */
  locked: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  active: boolean;
}

export interface RegionReportView extends Omit<ReportView, 'unit'> {
  unit: { kind: 'school' | 'region'; id: string; name: string; regionCode: string };
  level: string;
  window: { opensAt: string; closesAt: string };
  autoSubmitted: boolean;
}

/** May this binding act (fill, submit, return, decide, manage accounts)? Inspectors only read. */
export function canAct(b: BindingView | null | undefined): boolean {
  return !!b && b.kind === 'region' && (b.role === 'admin' || b.role === 'auditor');
}

/**
 * The period a region page shows: `chosen` (see components/PeriodSwitch), else — given the region
 * `code` — where its work is (the server's worklist `landing`: the period being reported up when it
 * holds withdrawal requests or returns, else the working one), else the one the user works on now (the
 * caller's level). `working` and `reported` (the period being reported up) feed the switch; `pending`
 * the counts on its tabs, `work` the worklist itself.
 */
export async function regionPeriod(
  chosen?: string,
  code?: string,
): Promise<{
  period: string;
  working: string;
  reported: string;
  periods: CurrentPeriods;
  work?: Worklist;
  pending: Record<string, number>;
}> {
  const [periods, work] = await Promise.all([
    fetchPeriods(),
    code ? request<Worklist>(`/regions/${code}/worklist`, { silent: true }) : undefined,
  ]);
  const working = work?.working.period ?? periods.working?.period ?? periods.period;
  const reported = work?.reported.period ?? periods.period;
  const pending = work ? { [reported]: work.reported.pending, [working]: work.working.pending } : {};
  return { period: chosen ?? work?.landing ?? working, working, reported, periods, work, pending };
}

/** The work of `period` in a worklist (zeros when it is neither of the worklist's periods). */
export function workOf(work: Worklist | undefined, period: string): PeriodWork | undefined {
  return [work?.reported, work?.working].find((w) => w?.period === period);
}

export function fetchProgress(code: string, period: string) {
  return request<Progress>(`/regions/${code}/progress`, { silent: true, query: { period } });
}

export function fetchSupervision(code: string, period: string) {
  return request<{ rows: SupervisionRow[]; region: Progress['region'] }>(`/regions/${code}/supervision`, {
    silent: true,
    query: { period },
  });
}

export function fetchUnitReports(
  code: string,
  query: {
    period: string;
    state?: ReportState;
    autoSubmitted?: boolean;
    direct?: boolean;
    page?: number;
    pageSize?: number;
  },
) {
  return request<Page<UnitReportRow>>(`/regions/${code}/reports`, { silent: true, query });
}

export function fetchSchools(query: Record<string, string | number | boolean | undefined>) {
  return request<Page<SchoolListItem> & { period: string }>('/schools', { silent: true, query });
}

/** 更新管理's counts by month of last update, in one request (the server's clock picks the months). */
export function fetchUpdatedMonths(region: string) {
  return request<UpdatedMonthsView>('/schools/updated-months', { silent: true, query: { region } });
}

/** A unit's report: a school's (`kind: school`, id) or a region's (`kind: region`, code). */
export function unitReportPath(kind: 'school' | 'region', id: string, period: string): string {
  return kind === 'school' ? `/schools/${id}/reports/${period}` : `/regions/${id}/reports/${period}`;
}

export function fetchUnitReport(kind: 'school' | 'region', id: string, period: string) {
  return request<RegionReportView>(unitReportPath(kind, id, period), { silent: true });
}

export function returnUnitReport(
  kind: 'school' | 'region',
  id: string,
  period: string,
  reason: string,
  deadline: string,
) {
  return request<RegionReportView>(`${unitReportPath(kind, id, period)}/return`, {
    method: 'POST',
    data: { reason, deadline },
  });
}

export function decideWithdrawal(
  kind: 'school' | 'region',
  id: string,
  period: string,
  approve: boolean,
  reason?: string,
) {
  return request<RegionReportView>(`${unitReportPath(kind, id, period)}/withdrawal/decision`, {
    method: 'POST',
    data: reason ? { approve, reason } : { approve },
  });
}

export function fetchSchoolAdmins(schoolId: string) {
  return request<Page<SchoolAdminItem>>(`/schools/${schoolId}/admins`, { silent: true });
}

export function resetAdminPassword(userId: string) {
  return request<{ oneTimePassword: string }>(`/users/${userId}/reset-password`, { method: 'POST' });
}

export function setAdminLocked(userId: string, locked: boolean) {
  return request(`/users/${userId}/${locked ? 'lock' : 'unlock'}`, { method: 'POST' });
}

export function confirmProjectSchool(schoolId: string, isProjectSchool: boolean) {
  return request(`/schools/${schoolId}/project-school/confirm`, {
    method: 'POST',
    data: { isProjectSchool },
  });
}

/** `2027-01-08T18:00:00+08:00` from a `YYYY-MM-DD` day and `HH:mm` (Beijing time). */
export function beijingInstant(day: string, time = '18:00'): string {
  return `${day}T${time}:00+08:00`;
}
