// Every scheduled job, in one table: name, schedule (cron, Asia/Shanghai), lease, what it runs.
// The runner (runner.ts) starts them all; docs/ARCHITECTURE.md ("Scheduled jobs") lists the same names
// and schedules (test/server/jobs/jobs.test.ts checks they agree).
import { NATIONAL_CODE } from '@eduprogress/shared';
import { emitCalendarEvents } from '../calendar/events';
import { emitPendingNoticeEvents } from '../notices/service';
import { runDueDeadlines } from '../reports/autosubmit';
import { recountProgress } from '../reports/progress';
import { repairProgress } from '../reports/progress-repair';
import { reconcileReports } from '../reports/reconcile';
import { workablePeriods } from '../reports/rules';
import { rebuildSchoolIndex } from '../schools/list-index';
import { resumeSchoolWrites } from '../schools/service';
import { settleDecidedRequests } from '../school-requests/service';
import { resumeInterruptedSyncs } from '../basedata/service';
import { checkStatisticsDriftAll } from '../statistics/rollups';
import { rebuildTeacherDirectory } from '../teachers/service';
import { recountAllTrainings } from '../training/stats';
import { purgeExpired } from './purge';
import { buildMissingRollups, ROLLUP_BUILD_LEASE_MS } from './rollup-builds';
import type { JobDefinition } from './runner';

const MINUTE = 60_000;

export const JOBS: readonly JobDefinition[] = [
  {
    name: 'auto-submission',
    schedule: '* * * * *',
    lease: 5 * MINUTE,
    atStart: true,
    description:
      'deadlines passed for units still unreported (each deadline under its own lease, in resumable steps); expired returns',
    run: (ctx) => runDueDeadlines(ctx, { signal: ctx.signal, logger: ctx.logger }),
  },
  {
    name: 'calendar-events',
    schedule: '* * * * *',
    lease: 2 * MINUTE,
    atStart: true,
    description: 'reminders and window-opened events to the outbox; notice events a crash left unwritten',
    run: async (ctx) => {
      await emitCalendarEvents(ctx.clock, ctx.calendar);
      await emitPendingNoticeEvents(ctx.clock);
    },
  },
  {
    name: 'report-reconcile',
    schedule: '* * * * *',
    lease: 5 * MINUTE,
    description: 'report changes another instance left half-done (claims older than 30 s) are finished',
    run: (ctx) => reconcileReports(ctx, { signal: ctx.signal, logger: ctx.logger }),
  },
  {
    name: 'progress-repair',
    schedule: '*/10 * * * *',
    lease: 10 * MINUTE,
    description: 'progress rollups that changed or drifted are recounted, for every workable period',
    run: (ctx) => repairProgress(ctx, { signal: ctx.signal }),
  },
  {
    name: 'progress-full-recount',
    schedule: '30 3 * * *',
    lease: 15 * MINUTE,
    description: 'nightly national recount of the workable periods; writes only rollups that differ',
    run: async (ctx) => {
      for (const period of workablePeriods(ctx.clock(), ctx.calendar)) {
        if (ctx.signal.aborted) return;
        await recountProgress(ctx.clock, period, NATIONAL_CODE, ctx.calendar);
      }
    },
  },
  {
    name: 'statistics-drift',
    schedule: '40 3 * * *',
    lease: 30 * MINUTE,
    description: 'statistics rollups recounted per province for the workable periods; drift repaired',
    run: async (ctx) => {
      await checkStatisticsDriftAll(ctx.clock, ctx.calendar);
    },
  },
  {
    name: 'school-list-rebuild',
    schedule: '17 * * * *',
    lease: 15 * MINUTE,
    description: "the school list's read model rebuilt from the schools and reports",
    run: (ctx) => rebuildSchoolIndex(ctx.clock, NATIONAL_CODE),
  },
  {
    name: 'school-writes-resume',
    schedule: '41 * * * *',
    lease: 15 * MINUTE,
    atStart: true,
    description: 'school creates, imports and transfers a crash left half-done are finished',
    run: (ctx) => resumeSchoolWrites({ clock: ctx.clock, calendar: ctx.calendar }),
  },
  {
    name: 'school-requests-settle',
    schedule: '*/5 * * * *',
    lease: 5 * MINUTE,
    atStart: true,
    description:
      'decisions on school deletion / affiliation-change requests a crash left unsettled are finished',
    run: (ctx) => settleDecidedRequests({ clock: ctx.clock, calendar: ctx.calendar }).then(() => {}),
  },
  {
    name: 'basedata-resume',
    schedule: '*/2 * * * *',
    lease: 30 * MINUTE,
    atStart: true,
    description: 'base-data share applications a crash interrupted continue from their last finished change',
    run: (ctx) => resumeInterruptedSyncs({ clock: ctx.clock, calendar: ctx.calendar }),
  },
  {
    name: 'purge-expired',
    schedule: '7 * * * *',
    lease: 10 * MINUTE,
    description:
      'expired sessions and rate-limit counters, old job-slot leases, legacy report claims removed',
    run: (ctx) => purgeExpired(ctx.clock),
  },
  {
    name: 'training-recount',
    schedule: '50 2 * * *',
    lease: 30 * MINUTE,
    description: "every training's statistics recounted from its records",
    run: (ctx) => recountAllTrainings(ctx.clock),
  },
  {
    name: 'teacher-directory-rebuild',
    schedule: '20 4 * * *',
    lease: 30 * MINUTE,
    description: 'the teacher directory rebuilt from the teachers',
    run: (ctx) => rebuildTeacherDirectory(ctx.clock),
  },
  {
    name: 'rollup-builds',
    schedule: '* * * * *',
    lease: ROLLUP_BUILD_LEASE_MS,
    atStart: true,
    description:
      'progress and statistics rollups built for every workable period never counted (a period that just opened)',
    run: (ctx) => buildMissingRollups(ctx.clock, ctx.calendar, ctx.signal),
  },
];
