// The periods a request may name: from the system's first period to the period running now, in the
// configured cycle. A period outside (2099Q1, 2015Q4, or 2026-11 when reporting is quarterly) has no data
// and never will, so it is a client mistake (400), not an empty answer. One check for every route that
// takes a `period` in its path or query: registerRoutes (http/route.ts) calls it after validation.
import {
  parsePeriod,
  periodContaining,
  shanghaiMidnight,
  type CalendarConfig,
  type Period,
} from '@eduprogress/shared';
import type { Clock } from '../clock';
import { ValidationError } from '../http/errors';

const messages = {
  outOfRange: (asked: string, first: string, last: string) =>
    `没有期次 ${asked} 的数据：可查询的期次为 ${first} 至 ${last}`,
  wrongCycle: (asked: string, cycle: string, first: string, last: string) =>
    `本系统${cycle}上报，没有期次 ${asked}：可查询的期次为 ${first} 至 ${last}`,
  quarterly: '按季度',
  monthly: '按月',
};

/**
 * The system went into use in January 2016 (seed 001: 2016年1月-6月为应用过渡期, system reporting the only
 * source from July 2016): no period before the one holding 2016-01-01 has data.
 */
export const SYSTEM_START = shanghaiMidnight(2016, 1, 1);

/** The first and last period a request may name at `now`: `{ first, last }` in the calendar's cycle. */
export function askablePeriods(now: Date, calendar: CalendarConfig): { first: Period; last: Period } {
  return {
    first: periodContaining(SYSTEM_START, calendar.cycle),
    last: periodContaining(now, calendar.cycle),
  };
}

/**
 * Throws 400 PERIOD_OUT_OF_RANGE (details: property `period`, `first`, `last`) unless `name` is a period
 * of the configured cycle between the system's first period and the one running at `clock()`. A name
 * that is not a period at all is left to the route's JSON Schema.
 */
export function periodChecker(clock: Clock, calendar: CalendarConfig): (name: string) => void {
  return (name) => {
    let period: Period;
    try {
      period = parsePeriod(name);
    } catch {
      return;
    }
    const { first, last } = askablePeriods(clock(), calendar);
    const details = { property: 'period', first: first.name, last: last.name };
    if (period.cycle !== calendar.cycle)
      throw new ValidationError(
        messages.wrongCycle(name, messages[calendar.cycle], first.name, last.name),
        details,
        'PERIOD_OUT_OF_RANGE',
      );
    if (period.start < first.start || period.start > last.start)
      throw new ValidationError(
        messages.outOfRange(name, first.name, last.name),
        details,
        'PERIOD_OUT_OF_RANGE',
      );
  };
}
