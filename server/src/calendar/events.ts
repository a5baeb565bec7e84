// Calendar events for the bot: "a level's window opened" and "N days before a deadline", written to the
// outbox once per key by the minute job `calendar-events` (jobs/index.ts). The outbox key makes a second
// writer a no-op, and because each run derives what is due from the clock alone, a run after downtime
// catches up.
import {
  NATIONAL_CODE,
  periodContaining,
  reportingStateAt,
  previousPeriod,
  toShanghaiIso,
  windowsFor,
  type CalendarConfig,
  type ReportingLevel,
} from '@eduprogress/shared';
import type { Clock } from '../clock';
import type { NewEvent } from '../outbox/service';
import { Training, type TrainingDoc } from '../training/model';
import { emitEvent as emitEventOnce } from '../outbox/service';

const DAY_MS = 86_400_000;

export type DueCalendarEvent = NewEvent<'window.opened' | 'deadline.reminder'>;

/**
 * What should be in the outbox at `now` (pure). An event stays due while it is still relevant:
 * `window.opened` while the window is open, a reminder from its moment until the deadline — and of a
 * level's reminders only the latest due one (after downtime, "2 days left" is moot once "1 day left" is due).
 */
export function dueCalendarEvents(now: Date, config: CalendarConfig): DueCalendarEvent[] {
  const t = now.getTime();
  const current = periodContaining(now, config.cycle);
  const out: DueCalendarEvent[] = [];
  // The period being reported now, and the current one: a long reminder can precede its window's month.
  for (const period of [previousPeriod(current), current]) {
    for (const w of windowsFor(period, config)) {
      const base = {
        regionCode: NATIONAL_CODE,
        regionPath: [] as string[],
      };
      const facts = {
        period: period.name,
        cycle: period.cycle,
        level: w.level as ReportingLevel,
        opensAt: toShanghaiIso(w.opensAt),
        deadline: toShanghaiIso(w.closesAt),
      };
      const closes = w.closesAt.getTime();
      if (t >= w.opensAt.getTime() && t < closes) {
        out.push({
          ...base,
          key: `window.opened:${period.name}:${w.level}`,
          type: 'window.opened',
          payload: facts,
        });
      }
      const due = config.reminderDaysBefore.filter((n) => t >= closes - n * DAY_MS && t < closes);
      if (due.length > 0) {
        const daysBefore = Math.min(...due);
        out.push({
          ...base,
          key: `deadline.reminder:${period.name}:${w.level}:${daysBefore}`,
          type: 'deadline.reminder',
          payload: { ...facts, daysBefore },
        });
      }
    }
  }
  return out;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
/** Weekly digests go out on Monday from 09:00 Asia/Shanghai (issue 11). */
const DIGEST_WEEKDAY = 1;
const DIGEST_HOUR = 9;

/**
 * The weekly digests due at `now`: on Mondays from 09:00 Asia/Shanghai until midnight (so a run after
 * downtime that day still writes them), a progress digest for everyone and a completion digest for each
 * training running then (rooted at the training's region). Keys carry the date: once a week each.
 */
export async function dueDigestEvents(now: Date, config: CalendarConfig): Promise<NewEvent[]> {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  if (local.getUTCDay() !== DIGEST_WEEKDAY || local.getUTCHours() < DIGEST_HOUR) return [];
  const date = local.toISOString().slice(0, 10);
  const period = reportingStateAt(now, config).period.name;
  const running = await Training.find({ startAt: { $lte: now }, endAt: { $gt: now } }).lean<TrainingDoc[]>();
  return [
    {
      key: `digest.progress:${date}`,
      type: 'digest.progress',
      regionCode: NATIONAL_CODE,
      regionPath: [],
      payload: { date, period },
    },
    ...running.map((t) => ({
      key: `digest.training:${String(t._id)}:${date}`,
      type: 'digest.training' as const,
      regionCode: t.regionCode,
      regionPath: t.regionPath,
      payload: { date, trainingId: String(t._id), name: t.name, endAt: toShanghaiIso(t.endAt) },
    })),
  ];
}

/** Writes the due calendar events and digests; returns the keys this call wrote (others were already there). */
export async function emitCalendarEvents(clock: Clock, config: CalendarConfig): Promise<string[]> {
  const written: string[] = [];
  for (const event of [...dueCalendarEvents(clock(), config), ...(await dueDigestEvents(clock(), config))]) {
    if (await emitEventOnce(clock, event)) written.push(event.key);
  }
  return written;
}
