// Building the read models of a period that were never counted (issue 13 §3): the progress rollups
// (reports/progress.ts) and the statistics rollups (statistics/rollups.ts). No request recounts a
// subtree any more: a build runs in the background, once across instances (a lease per build), and
// - the `rollup-builds` job starts it for every workable period lacking rollups (at start and every
//   minute: a period becomes workable when the calendar opens it, and is built within the minute);
// - a GET of a period or region never counted starts it (or joins the one running) and waits for it
//   at most `ROLLUP_WAIT_MS`; past that it answers from what exists, marked `counting: true`.
// Report changes keep the rollups current by deltas once they exist; the drift checks repair them.
import { NATIONAL_CODE, type CalendarConfig } from '@eduprogress/shared';
import type { Clock } from '../clock';
import { ProgressRollup, recountProgress, rollupId } from '../reports/progress';
import { workablePeriods } from '../reports/rules';
import { StatisticsRecount, statisticsUnitsId } from '../statistics/model';
import { rebuildStatistics } from '../statistics/rollups';
import { runOnce, type LeaseOutcome } from './lease';

/** Which read model a build counts. */
export type RollupKind = 'progress' | 'statistics';

const MINUTE = 60_000;
/** A build's lease: renewed every third while it runs (a national statistics build takes minutes). */
export const ROLLUP_BUILD_LEASE_MS = 30 * MINUTE;

const messages = {
  failed: (key: string) => `rollup build ${key} failed; the next request or the rollup-builds job retries`,
};

let waitMs = 2_000;
let shutdown = new AbortController();
/** Builds running in this process, by lease key (a second request for one joins the first). */
const running = new Map<string, Promise<LeaseOutcome | 'failed'>>();

/**
 * Sets how long a request waits for a build it started or joined (ms, `ROLLUP_WAIT_MS`; 0: never
 * waits). Called by startServer from the configuration.
 */
export function configureRollupBuilds(opts: { waitMs: number }): void {
  waitMs = opts.waitMs;
}

const buildKey = (kind: RollupKind, period: string, rootCode: string) =>
  `rollup-build:${kind}:${period}:${rootCode}`;

/**
 * Starts (or joins) the build of `kind` for `period` under `rootCode` (a region and its subtree, or
 * `000000` for the nation), under the lease `rollup-build:<kind>:<period>:<root>`. Resolves with the
 * lease outcome (`held-elsewhere`: another instance builds it) or `failed` (logged as a process
 * warning; the next request or job run tries again). Never rejects.
 */
export function startRollupBuild(
  clock: Clock,
  kind: RollupKind,
  period: string,
  rootCode: string,
  signal?: AbortSignal,
): Promise<LeaseOutcome | 'failed'> {
  const key = buildKey(kind, period, rootCode);
  const busy = running.get(key);
  if (busy) return busy;
  const stop = signal ? AbortSignal.any([signal, shutdown.signal]) : shutdown.signal;
  const build: Promise<LeaseOutcome | 'failed'> = runOnce(
    clock,
    key,
    async () => {
      if (kind === 'statistics') await rebuildStatistics(clock, period, rootCode);
      else await recountProgress(clock, period, rootCode);
    },
    { ttlMs: ROLLUP_BUILD_LEASE_MS, signal: stop, once: false },
  )
    .catch((err): 'failed' => {
      process.emitWarning(`${messages.failed(key)}: ${(err as Error).stack ?? String(err)}`);
      return 'failed';
    })
    .finally(() => running.delete(key));
  running.set(key, build);
  return build;
}

/**
 * For a request that found nothing counted: starts or joins the build and waits for it at most the
 * configured time. True when the build finished (read the rollups again), false when the answer must
 * say `counting: true`.
 */
export async function awaitRollupBuild(
  clock: Clock,
  kind: RollupKind,
  period: string,
  rootCode: string,
): Promise<boolean> {
  const build = startRollupBuild(clock, kind, period, rootCode);
  if (waitMs <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  try {
    const outcome = await Promise.race([build, timeout]);
    return outcome === 'ran';
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a build of `kind` for `period` under `rootCode` is running in this process. */
export function rollupBuildRunning(kind: RollupKind, period: string, rootCode: string): boolean {
  return running.has(buildKey(kind, period, rootCode));
}

/** Whether the nation's rollups of `kind` for `period` were ever counted. */
async function nationCounted(kind: RollupKind, period: string): Promise<boolean> {
  if (kind === 'statistics')
    return !!(await StatisticsRecount.findById(statisticsUnitsId(period, NATIONAL_CODE), { _id: 1 }).lean());
  const doc = await ProgressRollup.findById(rollupId(period, NATIONAL_CODE), { recountedAt: 1 }).lean();
  return !!doc?.recountedAt;
}

/**
 * The `rollup-builds` job: every workable period whose national rollups were never counted is built
 * (progress first, then statistics), one build at a time, each under its own lease. Returns the builds
 * it ran. Cheap when there is nothing to do (two `_id` reads per workable period).
 */
export async function buildMissingRollups(
  clock: Clock,
  calendar: CalendarConfig,
  signal?: AbortSignal,
): Promise<string[]> {
  const built: string[] = [];
  for (const period of workablePeriods(clock(), calendar)) {
    for (const kind of ['progress', 'statistics'] as const) {
      if (signal?.aborted) return built;
      if (await nationCounted(kind, period)) continue;
      if ((await startRollupBuild(clock, kind, period, NATIONAL_CODE, signal)) === 'ran')
        built.push(buildKey(kind, period, NATIONAL_CODE));
    }
  }
  return built;
}

/** At shutdown: no new build starts, running ones stop at their lease's signal; waits for them. */
export async function stopRollupBuilds(): Promise<void> {
  shutdown.abort();
  await Promise.allSettled([...running.values()]);
  shutdown = new AbortController();
}
