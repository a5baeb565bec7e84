// Finishes report changes a crash interrupted (see claims.ts): each claim still present is rolled forward
// if its update was not applied, then its follow-ups run (audit entry, events, locking below, initialized
// flag) and the rollups it touched are marked for the drift repair. Runs once at start, before the server
// answers requests, and every minute for claims older than STUCK_AFTER_MS (another instance that died).
import type { Logger } from '../logger';
import { Region, type RegionDoc } from '../regions/model';
import { indexReportState } from '../schools/list-index';
import { pendingClaims, rollForward, settleClaim, STUCK_AFTER_MS } from './claims';
import { applyRegionReport, markRollupChanged } from './progress';
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
          if (report.unitKind === 'school' && report.schoolId) {
            // $inc is not idempotent: the region is recounted instead.
            await markRollupChanged(report.period, report.regionCode, deps.clock());
            await indexReportState(
              { _id: report.schoolId, regionCode: report.regionCode },
              report.period,
              report.state,
            );
          } else if (report.unitKind === 'region') {
            const region = await Region.findById(report.regionCode, { parentCode: 1 }).lean<RegionDoc>();
            if (region)
              await applyRegionReport(report.period, region, {
                state: report.state,
                autoSubmitted: report.autoSubmitted,
              });
          }
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
