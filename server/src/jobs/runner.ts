// One runner for every scheduled job of jobs/index.ts: node-schedule fires each job on its cron schedule
// (Asia/Shanghai); each firing runs under the lease `job:<name>@<slot>` (the minute it was due), so with
// several instances a slot runs once, renewed while it runs (lease.ts). One run per job at a time in an
// instance: a firing while the previous run is still going is skipped. `stop()` cancels the schedules,
// aborts the runs in progress through their signal and waits for them.
import schedule from 'node-schedule';
import type { CalendarConfig } from '@eduprogress/shared';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { instanceId, runOnce, type LeaseHandle, type LeaseOutcome } from './lease';

const messages = {
  failed: 'scheduled job failed',
  skipped: 'scheduled job still running; this firing is skipped',
};

/** What a job gets: the services' dependencies, its lease, and the signal that says "stop now". */
export interface JobContext {
  clock: Clock;
  calendar: CalendarConfig;
  logger: Logger;
  /** Aborted at shutdown, or when the lease is lost: stop at the next step (the next run resumes). */
  signal: AbortSignal;
  lease: LeaseHandle;
}

export interface JobDefinition {
  /** Unique, kebab-case; listed in docs/ARCHITECTURE.md ("Scheduled jobs"). */
  name: string;
  /** Cron expression (minute hour day month weekday), Asia/Shanghai. */
  schedule: string;
  /** Lease time in ms: renewed every third of it while the job runs. */
  lease: number;
  /** Also run once when the server starts (catch-up after downtime). */
  atStart?: boolean;
  /** One sentence for the docs. */
  description: string;
  run(ctx: JobContext): Promise<unknown>;
}

export interface JobRunner {
  /** Runs a job now under the lease of the current minute (tests, manual triggers). */
  runNow(name: string): Promise<JobOutcome>;
  stop(): Promise<void>;
}

/** `failed`: the job threw (logged); its next firing tries again. */
export type JobOutcome = LeaseOutcome | 'failed';

const slotOf = (at: Date) => new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();

export function startJobs(
  jobs: readonly JobDefinition[],
  deps: { clock: Clock; calendar: CalendarConfig; logger: Logger },
): JobRunner {
  const shutdown = new AbortController();
  const running = new Map<string, Promise<JobOutcome>>();

  const fire = (job: JobDefinition, slot: string): Promise<JobOutcome> => {
    const busy = running.get(job.name);
    if (busy) {
      deps.logger.debug({ job: job.name }, messages.skipped);
      return busy;
    }
    if (shutdown.signal.aborted) return Promise.resolve('aborted');
    const run: Promise<JobOutcome> = runOnce(
      deps.clock,
      `job:${job.name}@${slot}`,
      (lease) => job.run({ ...deps, signal: lease.signal, lease }).then(() => undefined),
      { ttlMs: job.lease, signal: shutdown.signal },
    )
      .catch((err): JobOutcome => {
        deps.logger.error({ err, job: job.name }, messages.failed);
        return 'failed';
      })
      .finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  };

  const scheduled = jobs.map((job) =>
    schedule.scheduleJob({ rule: job.schedule, tz: 'Asia/Shanghai' }, () => {
      void fire(job, slotOf(deps.clock()));
    }),
  );
  // Catch-up runs get a slot of their own per instance start.
  for (const job of jobs) if (job.atStart) void fire(job, `start-${instanceId}`);

  return {
    runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`unknown job ${name}`);
      return fire(job, slotOf(deps.clock()));
    },
    async stop() {
      for (const s of scheduled) s?.cancel();
      shutdown.abort();
      await Promise.all([...running.values()]);
    },
  };
}
