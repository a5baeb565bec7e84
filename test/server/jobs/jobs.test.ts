// The scheduled jobs: one table that the docs agree with, leases that hold for long runs, runs that stop
// at shutdown, and the purge of what expired.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { Session } from '../../../server/src/accounts/model';
import { repoRoot } from '../../../server/src/config';
import { RateCounter } from '../../../server/src/http/rate-limit';
import { JOBS } from '../../../server/src/jobs/index';
import { Lease, runOnce } from '../../../server/src/jobs/lease';
import { purgeExpired } from '../../../server/src/jobs/purge';
import { LoginFailure } from '../../../server/src/accounts/service';
import { startJobs } from '../../../server/src/jobs/runner';
import { createLogger } from '../../../server/src/logger';
import { useTestDatabase } from '../../helpers/db';
import { manualClock } from '../../helpers/fixtures';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the table of scheduled jobs', () => {
  it('docs/ARCHITECTURE.md lists exactly the jobs of jobs/index.ts, with their schedules', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Scheduled jobs'));
    const listed = [...section.matchAll(/^\| `([a-z-]+)` \| `([^`]+)`( \(start\))? \|/gm)].map((m) => ({
      name: m[1],
      schedule: m[2],
      atStart: !!m[3],
    }));
    expect(listed.length).to.be.greaterThan(0);
    expect(listed).to.deep.equal(
      JOBS.map((j) => ({ name: j.name, schedule: j.schedule, atStart: !!j.atStart })),
    );
  });

  it('holds every job the issues name, each with a lease', () => {
    expect(JOBS.map((j) => j.name)).to.include.members([
      'auto-submission',
      'calendar-events',
      'progress-repair',
      'progress-full-recount',
      'school-list-rebuild',
      'purge-expired',
      'training-recount',
      'teacher-directory-rebuild',
      'school-writes-resume',
    ]);
    for (const job of JOBS) expect(job.lease, job.name).to.be.greaterThan(0);
    expect(new Set(JOBS.map((j) => j.name)).size).to.equal(JOBS.length);
  });
});

describe('job leases and the runner', function () {
  this.timeout(60_000);
  useTestDatabase('jobs');

  it('a task longer than its lease renews it: no second instance takes over while it runs', async () => {
    const clock = manualClock('2027-01-06T00:00:00+08:00');
    let release!: () => void;
    const longTask = runOnce(clock, 'long-task', () => new Promise<void>((resolve) => (release = resolve)), {
      owner: 'one',
      ttlMs: 1_500,
    });
    // Time passes well beyond the lease while the task runs; the heartbeat keeps it.
    for (let i = 1; i <= 6; i++) {
      await sleep(500);
      clock.set(new Date(Date.parse('2027-01-06T00:00:00+08:00') + i * 1_000).toISOString());
    }
    await sleep(1_100); // one more heartbeat at the latest clock
    const other = await runOnce(clock, 'long-task', async () => {}, { owner: 'two', ttlMs: 1_500 });
    expect(other).to.equal('held-elsewhere');
    release();
    expect(await longTask).to.equal('ran');
    expect((await Lease.findById('long-task').lean())?.owner).to.equal('one');
  });

  it('a task that lost its lease is told to stop through its signal', async () => {
    const clock = manualClock('2027-01-06T00:00:00+08:00');
    let sawAbort = false;
    const outcome = runOnce(
      clock,
      'stolen',
      async (lease) => {
        await Lease.updateOne({ _id: 'stolen' }, { $set: { owner: 'thief' } });
        await lease.renew().catch(() => {});
        sawAbort = lease.signal.aborted;
      },
      { owner: 'victim', ttlMs: 60_000 },
    );
    expect(await outcome).to.equal('aborted');
    expect(sawAbort).to.equal(true);
  });

  it('stopping the runner aborts a job in progress, and its next run resumes from saved progress', async () => {
    const clock = manualClock('2027-01-06T00:00:00+08:00');
    const seen: unknown[] = [];
    const job = {
      name: 'stepper',
      schedule: '0 0 1 1 *',
      lease: 60_000,
      description: 'test',
      run: async (ctx: Parameters<(typeof JOBS)[number]['run']>[0]) => {
        seen.push(ctx.lease.progress);
        for (let step = Number(ctx.lease.progress?.step ?? 0); step < 1_000; step++) {
          if (ctx.signal.aborted) return;
          await ctx.lease.save({ step: step + 1 });
          await sleep(20);
        }
      },
    };
    const logger = createLogger('silent');
    const runner = startJobs([job], { clock, calendar: DEFAULT_CALENDAR, logger });
    const first = runner.runNow('stepper');
    await sleep(300);
    const t = Date.now();
    await runner.stop();
    expect(Date.now() - t).to.be.lessThan(2_000);
    expect(await first).to.equal('aborted');
    const saved = (await Lease.findOne({ _id: /^job:stepper@/ }).lean())!;
    expect(Number(saved.progress?.step)).to.be.within(1, 999);
    // The same slot run again (a restart within the minute) picks up the saved step.
    const again = await runOnce(clock, saved._id, async (lease) => void seen.push(lease.progress), {
      owner: 'restarted',
    });
    expect(again).to.equal('ran');
    expect(seen.at(-1)).to.deep.equal(saved.progress);
  });

  it('purge-expired removes expired sessions, rate-limit counters and day-old failed-login slots, and keeps live ones', async () => {
    const clock = manualClock('2027-01-06T12:00:00+08:00');
    const base = { kind: 'access' as const, userId: new Types.ObjectId(), family: 'f', createdAt: clock() };
    await Session.create([
      { ...base, _id: 'expired', expiresAt: new Date('2027-01-06T11:00:00+08:00') },
      { ...base, _id: 'live', expiresAt: new Date('2027-01-06T13:00:00+08:00') },
    ]);
    await RateCounter.create([
      { _id: 'old', count: 3, expiresAt: new Date('2027-01-06T11:59:00+08:00') },
      { _id: 'current', count: 1, expiresAt: new Date('2027-01-06T12:01:00+08:00') },
    ]);
    await LoginFailure.create([
      { _id: 'u:0:1', at: new Date('2027-01-05T11:00:00+08:00') },
      { _id: 'u:0:2', at: new Date('2027-01-06T11:30:00+08:00') },
    ]);
    const result = await purgeExpired(clock);
    expect(result).to.deep.include({ sessions: 1, rateCounters: 1, loginFailures: 1 });
    expect((await LoginFailure.find().lean()).map((f) => f._id)).to.deep.equal(['u:0:2']);
    expect((await Session.find().lean()).map((s) => s._id)).to.deep.equal(['live']);
    expect((await RateCounter.find().lean()).map((c) => c._id)).to.deep.equal(['current']);
  });
});
