// The reporting calendar from the environment: REPORT_CYCLE, REPORT_WINDOWS, REMINDER_DAYS.
// Unset variables keep DEFAULT_CALENDAR (2019 rules); anything malformed stops the start with a zh-CN reason.
import {
  checkCalendar,
  DEFAULT_CALENDAR,
  REPORTING_LEVELS,
  type CalendarConfig,
  type Cycle,
  type DayWindow,
  type ReportingLevel,
} from '@eduprogress/shared';

const messages = {
  badCycle: (v: string) => `环境变量 REPORT_CYCLE 应为 quarterly（按季度）或 monthly（按月），当前为「${v}」`,
  badWindows: (v: string) =>
    `环境变量 REPORT_WINDOWS 格式不正确，应形如 county:1-5,city:6-10,province:11-15，当前为「${v}」`,
  repeatedLevel: (level: string) => `环境变量 REPORT_WINDOWS 中 ${level} 出现了不止一次`,
  badReminders: (v: string) =>
    `环境变量 REMINDER_DAYS 应为逗号分隔的 1–28 之间的天数（如 2,1），或 none 表示不提醒，当前为「${v}」`,
  invalid: (problems: string[]) => `上报日历配置不合法：${problems.join('；')}`,
};

const CYCLES: readonly Cycle[] = ['quarterly', 'monthly'];
const WINDOW_PATTERN = /^(county|city|province):(\d{1,2})-(\d{1,2})$/;

function parseWindows(raw: string): Partial<Record<ReportingLevel, DayWindow>> {
  const out: Partial<Record<ReportingLevel, DayWindow>> = {};
  for (const part of raw.split(',').map((s) => s.trim().toLowerCase())) {
    const m = WINDOW_PATTERN.exec(part);
    if (!m) throw new Error(messages.badWindows(raw));
    const level = m[1] as ReportingLevel;
    if (out[level]) throw new Error(messages.repeatedLevel(level));
    out[level] = { startDay: Number(m[2]), endDay: Number(m[3]) };
  }
  return out;
}

function parseReminders(raw: string): number[] {
  if (raw.trim().toLowerCase() === 'none') return [];
  const days = raw.split(',').map((s) => s.trim());
  if (!days.every((d) => /^\d{1,2}$/.test(d) && Number(d) >= 1 && Number(d) <= 28)) {
    throw new Error(messages.badReminders(raw));
  }
  // Unique, furthest first: the order reminders go out in.
  return [...new Set(days.map(Number))].sort((a, b) => b - a);
}

/** Reads the calendar configuration; throws an Error with a zh-CN message when it is not usable. */
export function calendarFromEnv(env: NodeJS.ProcessEnv = process.env): CalendarConfig {
  const cycleRaw = (env.REPORT_CYCLE ?? '').trim();
  if (cycleRaw && !CYCLES.includes(cycleRaw.toLowerCase() as Cycle))
    throw new Error(messages.badCycle(cycleRaw));
  const windowsRaw = (env.REPORT_WINDOWS ?? '').trim();
  const remindersRaw = (env.REMINDER_DAYS ?? '').trim();
  // A partial REPORT_WINDOWS (e.g. only `city:5-10`, the 2016 rule) overrides just the levels it names.
  const overrides = windowsRaw ? parseWindows(windowsRaw) : {};
  const config: CalendarConfig = {
    cycle: cycleRaw ? (cycleRaw.toLowerCase() as Cycle) : DEFAULT_CALENDAR.cycle,
    windows: Object.fromEntries(
      REPORTING_LEVELS.map((level) => [level, { ...(overrides[level] ?? DEFAULT_CALENDAR.windows[level]) }]),
    ) as Record<ReportingLevel, DayWindow>,
    reminderDaysBefore: remindersRaw
      ? parseReminders(remindersRaw)
      : [...DEFAULT_CALENDAR.reminderDaysBefore],
  };
  const problems = checkCalendar(config);
  if (problems.length > 0) throw new Error(messages.invalid(problems));
  return config;
}
