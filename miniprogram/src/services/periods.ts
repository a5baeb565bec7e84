// The period a school works on now. GET /periods/current answers `working: {period, deadline}` where
// the server offers it; older servers answer only the period being reported up, and then the school
// works on that period while its county window is still ahead, else on the period containing today.
import { periodContaining, type Cycle } from '@eduprogress/shared';
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

/** `2027-01-06T00:00:00+08:00` → `2027-01-06 00:00` (Beijing time, as the server wrote it). */
export function formatTime(iso?: string | null): string {
  if (!iso) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}
