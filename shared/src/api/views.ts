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
