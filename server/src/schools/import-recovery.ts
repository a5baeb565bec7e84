// At start-up: settle the school imports a crash left unfinished (all or nothing), before the server
// answers; imports whose process may still be alive elsewhere are looked at again once their
// heartbeat has gone stale. The jobs table can run resumeInterruptedImports() periodically as well.
import type { Logger } from '../logger';
import { resumeInterruptedImports, type SchoolDeps } from './service';

const messages = {
  settled: 'interrupted school imports settled',
  failed: 'settling interrupted school imports failed',
};

/** Runs resumeInterruptedImports now, and again when a waiting import's heartbeat goes stale. */
export async function startImportRecovery(deps: SchoolDeps, logger: Logger): Promise<{ stop(): void }> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    const outcome = await resumeInterruptedImports(deps);
    if (outcome.finished || outcome.rolledBack) logger.info(outcome, messages.settled);
    if (outcome.retryInMs !== undefined && !stopped) {
      timer = setTimeout(() => {
        run().catch((err: unknown) => logger.error({ err }, messages.failed));
      }, outcome.retryInMs);
      timer.unref();
    }
  };
  await run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
