// The school's report for the period it works on, the form it renders from, and the workflow calls
// (API.md: /schools/{id}/reports/{period}, /forms/school).
import type { ReportIssue, ReportState, ReportViewAction } from '@eduprogress/shared';
import { request } from './request';
import { fetchPeriods, workingPeriod } from './periods';

export type { ReportIssue, ReportState };

export interface ReportView {
  id: string;
  period: string;
  unit: { kind: 'school'; id: string; name: string; regionCode: string };
  state: ReportState;
  stateLabel: string;
  saved: boolean;
  confirmedNoChange: boolean;
  formVersion: number;
  data: Record<string, any>;
  issues: ReportIssue[];
  deadline: string;
  returnDeadline?: string;
  submittedAt?: string;
  updatedAt?: string;
  history: { at: string; from: ReportState | null; to: ReportState; reason?: string }[];
  /** What the caller may do now, as the server decides (shared ReportViewAction). */
  actions: ReportViewAction[];
}

export interface SchoolView {
  id: string;
  name: string;
  type: string;
  regionCode: string;
  status: string;
  urbanRural: string | null;
  ownership: string | null;
  schoolSystem: string | null;
  address: string | null;
  postcode: string | null;
  weak: boolean;
  issueFlags: { basic: string[]; report: string[] };
  /** 项目学校: declared by the school, confirmed by its county, or neither (null). */
  projectSchool: 'declared' | 'confirmed' | null;
  /** Last change of the school's own data (null: never saved since creation). */
  lastUpdatedAt: string | null;
}

export interface FormView {
  kind: 'school';
  version: number;
  schema: Record<string, any>;
  groups?: { key: string; title: string }[];
}

export const EDITABLE: ReportState[] = ['draft', 'returned'];

export function fetchSchool(id: string): Promise<SchoolView> {
  return request<SchoolView>(`/schools/${id}`, { silent: true });
}

export function fetchReport(schoolId: string, period: string, silent = true): Promise<ReportView> {
  return request<ReportView>(`/schools/${schoolId}/reports/${period}`, { silent });
}

export function fetchForm(version?: number): Promise<FormView> {
  return request<FormView>('/forms/school', { silent: true, query: { version } });
}

/** The period being worked on now and the school's report for it. */
export async function currentReport(schoolId: string) {
  const periods = await fetchPeriods();
  const working = workingPeriod(periods);
  const report = await fetchReport(schoolId, working.period);
  return { periods, working: { ...working, deadline: working.deadline ?? report.deadline }, report };
}

/** Why and until when a returned report may be changed (the last return in its history). */
export function returnInfo(r: ReportView): { reason?: string; until?: string } | null {
  if (r.state !== 'returned') return null;
  const last = [...r.history].reverse().find((h) => h.to === 'returned');
  return { reason: last?.reason, until: r.returnDeadline };
}

export function saveReport(schoolId: string, period: string, data: Record<string, any>) {
  return request<ReportView>(`/schools/${schoolId}/reports/${period}`, {
    method: 'PUT',
    data: { data },
    silent: true,
  });
}

export function submitReport(schoolId: string, period: string) {
  return request<ReportView>(`/schools/${schoolId}/reports/${period}/submit`, {
    method: 'POST',
    silent: true,
  });
}

export function confirmNoChange(schoolId: string, period: string) {
  return request<ReportView>(`/schools/${schoolId}/reports/${period}/confirm`, {
    method: 'POST',
    silent: true,
  });
}

export function confirmIssue(schoolId: string, period: string, code: string, note: string) {
  return request<ReportView>(
    `/schools/${schoolId}/reports/${period}/issues/${encodeURIComponent(code)}/confirm`,
    {
      method: 'POST',
      data: { note },
    },
  );
}

/** Unread notices (for the tab badge). */
export async function unreadNotices(): Promise<number> {
  try {
    const res = await request<{ items: { read: boolean }[] }>('/notices', {
      silent: true,
      query: { pageSize: 100 },
    });
    return res.items.filter((n) => !n.read).length;
  } catch {
    return 0;
  }
}
