// The period a school works on now. GET /periods/current answers `working: {period, deadline}` where
// the server offers it; older servers answer only the period being reported up, and then the school
// works on that period while its county window is still ahead, else on the period containing today.
import { deadlineLabel, periodContaining, type Cycle } from '@eduprogress/shared';
import { request } from './request';

export interface CurrentPeriods {
  period: string;
  cycle: Cycle;
  windows: { level: string; opensAt: string; closesAt: string; deadline: string; open: boolean }[];
  now: string;
  working?: { period: string; deadline?: string; [k: string]: unknown };
}

/** The period to work on and, when known here, its deadline (ISO +08:00). */
export function workingPeriod(p: CurrentPeriods): { period: string; deadline?: string } {
  if (p.working?.period) return { period: p.working.period, deadline: p.working.deadline };
  const now = new Date(p.now);
  const county = p.windows.find((w) => w.level === 'county');
  if (county && new Date(county.closesAt) > now) return { period: p.period, deadline: county.deadline };
  return { period: periodContaining(now, p.cycle).name };
}

export function fetchPeriods(): Promise<CurrentPeriods> {
  return request<CurrentPeriods>('/periods/current', { silent: true });
}

/** Any ISO instant (`…+08:00` or `…Z`) → `2027-01-06 00:00` in Beijing time (UTC+8, no DST). */
export function formatTime(iso?: string | null): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const beijing = new Date(t + 8 * 3600_000).toISOString();
  return `${beijing.slice(0, 10)} ${beijing.slice(11, 16)}`;
}

/**
 * A deadline as users read it, the bot's words with the year: midnight is the end of the day before,
 * `2027-01-06T00:00:00+08:00` → `2027年1月5日 24:00` (shared/src/labels.ts); `—` when there is none.
 */
export function formatDeadline(iso?: string | null): string {
  return deadlineLabel(iso) || '—';
}
