// The response shapes the bot (bot/src) and the mini-program (miniprogram/src/services, pages) read,
// declared once. The server's view builders are typed with them, so a renamed or dropped field breaks the
// build of the server, not a user's screen. Times are ApiDateTime (dates.ts), rates ApiRate (rates.ts).
import type { ReportIssue } from '../suspected-issues';
import type { RegionLevel, ReportState } from '../domain';
import type { ReportingLevel } from '../calendar';
import type { TrainingRates } from '../training-stats';
import type { ApiDateTime } from './dates';
import type { ApiRate } from './rates';

/** A page of a list endpoint (`?page=&pageSize=`). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** Reporting counts of a region or of its direct schools (GET /regions/{code}/progress). */
export interface ProgressCounts {
  units: number;
  submitted: number;
  autoSubmitted: number;
  /** Units not reported past their deadline. */
  overdue: number;
  initialized: number;
  confirmed: number;
  /** submitted ÷ units. */
  rate: ApiRate;
}

/** A region report's state in one line. */
export interface ReportSummary {
  state: ReportState;
  stateLabel: string;
  autoSubmitted: boolean;
}

/** A direct child region, or (`direct: true`, code `<code>:direct`) the region's direct schools. */
export interface ProgressRow extends ProgressCounts {
  code: string;
  name: string;
  level: RegionLevel;
  direct: boolean;
  report: ReportSummary | null;
}

/** GET /regions/{code}/progress. */
export interface ProgressView {
  region: { code: string; name: string; level: RegionLevel };
  period: string;
  totals: ProgressCounts;
  report: ReportSummary;
  children: ProgressRow[];
  recountedAt: ApiDateTime | null;
  /** A first count of the period is under way: the figures are what was counted so far. */
  counting: boolean;
}

/** A school's or region's report (GET /schools/{id}/reports/{period}, /regions/{code}/reports/{period}). */
/**
 * What a caller may do to a report now, as the server decides it (server/src/reports/service.ts
 * `reportActions`: the very checks each action runs — role and jurisdiction from access/reports.ts, the
 * report's state, the period, window and deadline, and for 退回/批准撤报 the upper level's own report not
 * being reported). `edit` 保存 (PUT), `submit` 上报 (POST …/submit), `requestWithdrawal` 申请撤报,
 * `approveWithdrawal`/`rejectWithdrawal` 批准/不批准撤报 (POST …/withdrawal/decision), `return` 退回.
 */
export type ReportViewAction =
  'edit' | 'submit' | 'requestWithdrawal' | 'approveWithdrawal' | 'rejectWithdrawal' | 'return';

/** Every {@link ReportViewAction}, in the order `ReportView.actions` lists them. */
export const REPORT_VIEW_ACTIONS: readonly ReportViewAction[] = [
  'edit',
  'submit',
  'requestWithdrawal',
  'approveWithdrawal',
  'rejectWithdrawal',
  'return',
];

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
  deadline: ApiDateTime;
  window: { opensAt: ApiDateTime; closesAt: ApiDateTime };
  returnDeadline?: ApiDateTime;
  submittedAt?: ApiDateTime;
  updatedAt?: ApiDateTime;
  history: {
    at: ApiDateTime;
    from: ReportState | null;
    to: ReportState;
    reason?: string;
    auto?: boolean;
    by?: string;
  }[];
  /** The actions the caller may take now ({@link ReportViewAction}); empty for a read-only caller. */
  actions: ReportViewAction[];
}

/** One notice in GET /notices. */
export interface NoticeSummary {
  id: string;
  title: string;
  status: 'draft' | 'published';
  regionCode: string;
  regionName: string;
  authorName: string;
  scope: { levels: string[]; schoolTypes: string[] };
  publishedAt: ApiDateTime | null;
  createdAt: ApiDateTime | null;
  attachmentCount: number;
  read: boolean;
  readAt: ApiDateTime | null;
}

/** One line of GET /schools (the region's school list). */
export interface SchoolListItem {
  id: string;
  name: string;
  type: string;
  regionCode: string;
  initialized: boolean;
  reportState: ReportState | null;
  reported: boolean;
  projectSchool: 'declared' | 'confirmed' | null;
}

/** GET /schools/updated-months (更新管理): schools by the month of their last update, newest first. */
export interface UpdatedMonthsView {
  months: { month: string; total: number }[];
  /** Last updated before `before` (the oldest month listed), or never. */
  earlier: { before: string; total: number };
}

/** A row of GET /trainings/{id}/stats: seed 003's figures and where a tap leads. */
export type TrainingStatsRow = TrainingRates & {
  code: string;
  name: string;
  kind: 'region' | 'direct';
  /** Where a click leads: the region's own statistics, or the teachers of its direct schools. */
  drill: { view: 'stats' | 'teachers'; region: string; direct?: boolean };
};

/** GET /trainings/{id}/stats (the training itself as GET /trainings/{id}). */
export interface TrainingStatsView<Training = { id: string; name: string }> {
  training: Training;
  region: { code: string; name: string; level: string };
  breadcrumb: { code: string; name: string }[];
  total: TrainingStatsRow;
  children: TrainingStatsRow[];
  hint: string | null;
  missingFullTimeTeachers: string[];
}

/** GET /periods/current: the windows of the period being reported. */
export interface PeriodsView {
  period: string;
  windows: { level: ReportingLevel; opensAt: ApiDateTime; closesAt: ApiDateTime; open: boolean }[];
  now: ApiDateTime;
  /** Each level's working period: the one it reports next, with its window. */
  workingByLevel?: Partial<
    Record<ReportingLevel, { period: string; opensAt: ApiDateTime; closesAt: ApiDateTime }>
  >;
}

/** What waits for a region in one period (GET /regions/{code}/worklist). */
export interface PeriodWork {
  period: string;
  /** Direct units' withdrawal requests the region decides (撤报申请). */
  withdrawalRequests: number;
  /** Direct units returned by the region and not reported again yet (已退回). */
  returned: number;
  /** The region's own report state in the period (null: no report of its own, or none saved). */
  ownState: ReportState | null;
  /** Items waiting: the requests, the returns, and 1 when the region's own report is returned. */
  pending: number;
}

/** GET /regions/{code}/worklist: the working and the reported period's work, and the period to open on. */
export interface Worklist {
  working: PeriodWork;
  reported: PeriodWork;
  /** The reported period when it differs from the working one and has pending work; else the working one. */
  landing: string;
}
