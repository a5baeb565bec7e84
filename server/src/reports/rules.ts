// When a report may be worked on: report states, reporting levels, periods, windows and deadlines (pure
// functions over regions and the calendar). Who may act on a report: access/reports.ts.
import {
  deadlineFor,
  parsePeriod,
  periodContaining,
  previousPeriod,
  windowsFor,
  type CalendarConfig,
  type ReportState,
  type ReportingLevel,
} from '@eduprogress/shared';
import type { RegionDoc } from '../regions/model';

/** States in which a report counts as reported (上报) for progress and the school list. */
export const REPORTED_STATES: readonly ReportState[] = ['submitted', 'locked', 'withdrawalRequested'];
export const isReported = (state: ReportState | undefined | null) =>
  !!state && REPORTED_STATES.includes(state);

/** States in which the unit itself may still edit its report. */
export const EDITABLE_STATES: readonly ReportState[] = ['draft', 'returned'];

/** The calendar level a region reports at; 不设区的地级市 report with the counties. */
export function reportingLevelOf(region: Pick<RegionDoc, 'level' | 'countyLevel'>): ReportingLevel | null {
  if (region.level === 'county') return 'county';
  if (region.level === 'city') return region.countyLevel ? 'county' : 'city';
  if (region.level === 'province') return 'province';
  return null;
}

/**
 * The calendar level a school reports at, from its managing region: that region's level (a county's
 * school with the counties, a province's direct school with the provinces), and a school the national
 * level manages itself — a 部属高校 (universities/) — with the provinces: seed 002 §18 (省级教育行政部门
 * 和部属高校每季度首月 11 日至 15 日审核上报).
 */
export function schoolReportingLevel(
  managing: Pick<RegionDoc, 'level' | 'countyLevel'>,
): ReportingLevel | null {
  return managing.level === 'national' ? 'province' : reportingLevelOf(managing);
}

const labels = { direct: '直属学校', nationalDirect: '部属高校' };

/**
 * The name of a region's row of its own schools in progress and statistics: 直属学校, and at the national
 * level 部属高校 (the only schools it manages itself; seed 002 §18).
 */
export function directRowLabel(level: RegionDoc['level']): string {
  return level === 'national' ? labels.nationalDirect : labels.direct;
}

/**
 * Whether a school is one of `period`'s units: it existed at its level's deadline for the period (the
 * level of its managing region, `reportingLevelOf`). A school created after that deadline is not
 * counted in the period's totals, nor reported automatically there: a closed period keeps the units
 * it had. Schools without `createdAt` (older data) or without a reporting level count, and so does one
 * whose `createdAt` is later than `now` (a clock set back, or data written with the system time under
 * an injected clock): when it came relative to the deadline is not known. Callers count a school with a
 * report in the period as one of its units whatever this says. Seed 001 §17.
 */
export function countsInPeriod(
  createdAt: Date | null | undefined,
  level: ReportingLevel | null,
  period: string,
  calendar: CalendarConfig,
  now: Date,
): boolean {
  if (!createdAt || !level || createdAt > now) return true;
  return createdAt.getTime() < deadlineFor(parsePeriod(period), level, calendar).getTime();
}

/** Periods a unit may work on at `now`: the one being reported and the one under way. */
export function workablePeriods(now: Date, calendar: CalendarConfig): string[] {
  const current = periodContaining(now, calendar.cycle);
  return [previousPeriod(current).name, current.name];
}

/**
 * The period a unit reporting at `level` works on at `now`, and until when: the period just ended while
 * its level's deadline for it has not passed (before and during its window), otherwise the period under
 * way (so outside the windows a school works on the current quarter). Seeds 001 ch. 5, 002 ch. 5.
 */
export function workingPeriod(
  now: Date,
  level: ReportingLevel,
  calendar: CalendarConfig,
): { period: string; level: ReportingLevel; deadline: Date; opensAt: Date; closesAt: Date } {
  const current = periodContaining(now, calendar.cycle);
  const previous = previousPeriod(current);
  const period = deadlineFor(previous, level, calendar) > now ? previous : current;
  const window = windowsFor(period, calendar).find((w) => w.level === level)!;
  return {
    period: period.name,
    level,
    deadline: deadlineFor(period, level, calendar),
    opensAt: window.opensAt,
    closesAt: window.closesAt,
  };
}

export function periodMatchesCycle(period: string, calendar: CalendarConfig): boolean {
  return parsePeriod(period).cycle === calendar.cycle;
}

export function levelDeadline(period: string, level: ReportingLevel, calendar: CalendarConfig): Date {
  return deadlineFor(parsePeriod(period), level, calendar);
}

export function levelWindow(period: string, level: ReportingLevel, calendar: CalendarConfig) {
  return windowsFor(parsePeriod(period), calendar).find((w) => w.level === level)!;
}
