// Scheduled reporting jobs: every minute, the deadlines that passed (auto-submission, under leases);
// every ten minutes, a full recount of the period being reported (repairs any rollup drift); hourly,
// a rebuild of the school list's read model.
import schedule from 'node-schedule';
import { reportingStateAt } from '@eduprogress/shared';
import { NATIONAL_CODE } from '@eduprogress/shared';
import { runOnce } from '../jobs/lease';
import { rebuildSchoolIndex } from '../schools/list-index';
import type { Logger } from '../logger';
import { runDueDeadlines } from './autosubmit';
import { recountProgress } from './progress';
import type { ReportDeps } from './service';

export interface ReportScheduler {
  stop(): Promise<void>;
}

export function startReportScheduler(deps: ReportDeps, logger: Logger): ReportScheduler {
  let running: Promise<unknown> = Promise.resolve();
  const guard = (name: string, fn: () => Promise<unknown>) => () => {
    // One run at a time per instance; other instances are kept out by the leases.
    running = running.then(fn).catch((err) => logger.error({ err, job: name }, 'scheduled job failed'));
  };
  const deadlines = guard('autosubmit', () => runDueDeadlines(deps));
  const recount = guard('recount', async () => {
    const now = deps.clock();
    const period = reportingStateAt(now, deps.calendar).period.name;
    const slot = Math.floor(now.getTime() / 600_000);
    await runOnce(deps.clock, `recount:${period}:${slot}`, async () => {
      await recountProgress(deps.clock, period, NATIONAL_CODE);
    });
  });
  // The school list's read model is written on every change; the hourly rebuild repairs what a crash left.
  const listIndex = guard('school-list-index', async () => {
    const slot = Math.floor(deps.clock().getTime() / 3_600_000);
    await runOnce(deps.clock, `school-list-index:${slot}`, async () => {
      await rebuildSchoolIndex(deps.clock, NATIONAL_CODE);
    });
  });
  const jobs = [
    schedule.scheduleJob('* * * * *', deadlines),
    schedule.scheduleJob('*/10 * * * *', recount),
    schedule.scheduleJob('17 * * * *', listIndex),
  ];
  deadlines(); // catch up at start with deadlines missed while down
  return {
    async stop() {
      for (const job of jobs) job.cancel();
      await running;
    },
  };
}
