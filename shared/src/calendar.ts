// The reporting calendar (seeds 001, 002): pure functions, all in Asia/Shanghai (UTC+8, no DST).
// After each period, in the first month of the next one: counties report on days 1–5, cities 6–10,
// provinces 11–15 (2019 rules; 2016 had cities 5–10 — the windows are configuration, not code).

export type Cycle = 'monthly' | 'quarterly';
export type ReportingLevel = 'county' | 'city' | 'province';
export const REPORTING_LEVELS: readonly ReportingLevel[] = ['county', 'city', 'province'];

export interface DayWindow {
  /** First day of the month (1-based) the window is open. */
  startDay: number;
  /** Last day (inclusive); the deadline is the end of this day, Asia/Shanghai. */
  endDay: number;
}

export interface CalendarConfig {
  cycle: Cycle;
  windows: Record<ReportingLevel, DayWindow>;
  /** Days before a deadline on which reminders go out. */
  reminderDaysBefore: number[];
}

export const DEFAULT_CALENDAR: CalendarConfig = {
  cycle: 'quarterly',
  windows: {
    county: { startDay: 1, endDay: 5 },
    city: { startDay: 6, endDay: 10 },
    province: { startDay: 11, endDay: 15 },
  },
  reminderDaysBefore: [2, 1],
};

/** The 2016 rules: monthly, cities 5–10. */
export const CALENDAR_2016: CalendarConfig = {
  cycle: 'monthly',
  windows: {
    county: { startDay: 1, endDay: 5 },
    city: { startDay: 5, endDay: 10 },
    province: { startDay: 11, endDay: 15 },
  },
  reminderDaysBefore: [2, 1],
};

const OFFSET_MS = 8 * 3600_000;

/** Calendar fields of an instant as seen in Shanghai. */
export function shanghaiParts(instant: Date): { year: number; month: number; day: number; hour: number } {
  const shifted = new Date(instant.getTime() + OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
  };
}

/** The instant of Shanghai midnight starting the given day (month may overflow, day may be past month end). */
export function shanghaiMidnight(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - OFFSET_MS);
}

/** ISO 8601 with +08:00, as the API prints times. */
export function toShanghaiIso(instant: Date): string {
  const s = new Date(instant.getTime() + OFFSET_MS).toISOString(); // …Z in shifted time
  return `${s.slice(0, 19)}+08:00`;
}

export interface Period {
  name: string;
  cycle: Cycle;
  year: number;
  /** Month 1–12 (monthly) or quarter 1–4 (quarterly). */
  index: number;
  /** Inclusive start and exclusive end instants. */
  start: Date;
  end: Date;
}

const PERIOD_PATTERN = /^(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))$/;

export function isPeriodName(name: string): boolean {
  return PERIOD_PATTERN.test(name);
}

function makePeriod(cycle: Cycle, year: number, index: number): Period {
  if (cycle === 'quarterly') {
    const firstMonth = (index - 1) * 3 + 1;
    return {
      name: `${year}Q${index}`,
      cycle,
      year,
      index,
      start: shanghaiMidnight(year, firstMonth, 1),
      end: shanghaiMidnight(year, firstMonth + 3, 1),
    };
  }
  return {
    name: `${year}-${String(index).padStart(2, '0')}`,
    cycle,
    year,
    index,
    start: shanghaiMidnight(year, index, 1),
    end: shanghaiMidnight(year, index + 1, 1),
  };
}

export function parsePeriod(name: string): Period {
  const m = PERIOD_PATTERN.exec(name);
  if (!m) throw new Error(`期次格式不正确：${name}（应为 2026Q4 或 2026-11）`);
  const year = Number(m[1]);
  return m[2] ? makePeriod('quarterly', year, Number(m[2])) : makePeriod('monthly', year, Number(m[3]));
}

export function periodContaining(instant: Date, cycle: Cycle): Period {
  const { year, month } = shanghaiParts(instant);
  return makePeriod(cycle, year, cycle === 'quarterly' ? Math.floor((month - 1) / 3) + 1 : month);
}

export function previousPeriod(p: Period): Period {
  const last = p.cycle === 'quarterly' ? 4 : 12;
  return p.index === 1 ? makePeriod(p.cycle, p.year - 1, last) : makePeriod(p.cycle, p.year, p.index - 1);
}

export function nextPeriod(p: Period): Period {
  const last = p.cycle === 'quarterly' ? 4 : 12;
  return p.index === last ? makePeriod(p.cycle, p.year + 1, 1) : makePeriod(p.cycle, p.year, p.index + 1);
}

export interface LevelWindow {
  level: ReportingLevel;
  opensAt: Date;
  /** The deadline: the end of the window's last day (exclusive instant). */
  closesAt: Date;
}

/** Each level's window for reporting `period` (in the first month after it). */
export function windowsFor(period: Period, config: CalendarConfig = DEFAULT_CALENDAR): LevelWindow[] {
  const { year, month } = shanghaiParts(period.end);
  return REPORTING_LEVELS.map((level) => {
    const w = config.windows[level];
    return {
      level,
      opensAt: shanghaiMidnight(year, month, w.startDay),
      closesAt: shanghaiMidnight(year, month, w.endDay + 1),
    };
  });
}

export function deadlineFor(
  period: Period,
  level: ReportingLevel,
  config: CalendarConfig = DEFAULT_CALENDAR,
): Date {
  return windowsFor(period, config).find((w) => w.level === level)!.closesAt;
}

export interface ReportingState {
  /** The period being reported now: the one before the period containing `instant`. */
  period: Period;
  windows: LevelWindow[];
  /** Levels whose window is open at `instant`. */
  openLevels: ReportingLevel[];
}

export function reportingStateAt(instant: Date, config: CalendarConfig = DEFAULT_CALENDAR): ReportingState {
  const period = previousPeriod(periodContaining(instant, config.cycle));
  const windows = windowsFor(period, config);
  const t = instant.getTime();
  return {
    period,
    windows,
    openLevels: windows
      .filter((w) => t >= w.opensAt.getTime() && t < w.closesAt.getTime())
      .map((w) => w.level),
  };
}

/** Deadlines (with level and period) that fell in (after, upTo] — for catching up after downtime. */
export function deadlinesBetween(
  after: Date,
  upTo: Date,
  config: CalendarConfig = DEFAULT_CALENDAR,
): { period: Period; level: ReportingLevel; deadline: Date }[] {
  const out: { period: Period; level: ReportingLevel; deadline: Date }[] = [];
  let p = previousPeriod(periodContaining(after, config.cycle));
  const stop = periodContaining(upTo, config.cycle);
  for (let guard = 0; guard < 1000; guard++) {
    for (const w of windowsFor(p, config)) {
      if (w.closesAt.getTime() > after.getTime() && w.closesAt.getTime() <= upTo.getTime()) {
        out.push({ period: p, level: w.level, deadline: w.closesAt });
      }
    }
    if (p.name === stop.name) break;
    p = nextPeriod(p);
  }
  return out.sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
}

/** Validates a calendar configuration: windows inside the month, in level order, not overlapping backwards. */
export function checkCalendar(config: CalendarConfig): string[] {
  const problems: string[] = [];
  for (const level of REPORTING_LEVELS) {
    const w = config.windows[level];
    if (!(w.startDay >= 1 && w.endDay <= 28 && w.startDay <= w.endDay)) {
      problems.push(
        `${level} 的上报窗口 ${w.startDay}–${w.endDay} 日不合法（应在 1–28 日之间且起始不晚于结束）`,
      );
    }
  }
  const { county, city, province } = config.windows;
  if (!(county.endDay <= city.endDay && city.endDay <= province.endDay)) {
    problems.push('上报截止应按 县 → 市 → 省 的顺序依次排列');
  }
  return problems;
}
