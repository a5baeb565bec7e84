// Finishes report changes a crash interrupted (see claims.ts): each claim still present is rolled forward
// if its update was not applied, then its follow-ups run (audit entry, events, locking below, initialized
// flag) and `report.recovered` tells the read models (the rollups it touched are marked for the drift
// repair). Runs once at start, before the server answers requests, and every minute for claims older
// than STUCK_AFTER_MS (another instance that died).
import type { Logger } from '../logger';
import { publishDomainEvent } from '../events';
import { pendingClaims, rollForward, settleClaim, STUCK_AFTER_MS } from './claims';
import { completeChange, type ReportDeps } from './service';

const messages = {
  claimFailed: 'an interrupted report change could not be finished; retried at the next run',
};

export interface ReconcileOptions {
  /** Claims written before this moment are finished (default: older than STUCK_AFTER_MS). */
  before?: Date;
  signal?: AbortSignal;
  logger?: Logger;
}

/** Finishes interrupted report changes; returns how many claims were settled. */
export async function reconcileReports(deps: ReportDeps, opts: ReconcileOptions = {}): Promise<number> {
  const before = opts.before ?? new Date(deps.clock().getTime() - STUCK_AFTER_MS);
  const failed = new Set<string>();
  let settled = 0;
  for (;;) {
    const claims = (await pendingClaims(before, 200 + failed.size)).filter((c) => !failed.has(c.key));
    if (claims.length === 0) return settled;
    for (const claim of claims) {
      if (opts.signal?.aborted) return settled;
      try {
        const report = await rollForward(claim.key);
        if (report) {
          // The read models re-read or mark for recount ($inc is not idempotent): read-models.ts.
          await publishDomainEvent('report.recovered', { report, at: deps.clock() });
          await completeChange(deps, null, report, { ...claim, at: claim.at });
        } else {
          await settleClaim(claim.key);
        }
        settled++;
      } catch (err) {
        failed.add(claim.key);
        opts.logger?.error({ err, claim: claim.key }, messages.claimFailed);
      }
    }
  }
}
