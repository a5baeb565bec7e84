// The purge job: what has expired is removed — sessions and rate-limit counters past `expiresAt`,
// failed-login slots a day old
// (FerretDB has no TTL index), leases of finished job slots older than a week, and version claims of
// the earlier format (all applied; reports/claims.ts).
import { Session } from '../accounts/model';
import { LoginFailure } from '../accounts/service';
import type { Clock } from '../clock';
import { RateCounter } from '../http/rate-limit';
import { purgeLegacyClaims } from '../reports/claims';
import { purgeSlotLeases } from './lease';

const WEEK_MS = 7 * 86_400_000;
/** Wrong passwords older than this no longer count towards a lock-out. */
const LOGIN_FAILURE_MEMORY_MS = 86_400_000;

export interface PurgeResult {
  sessions: number;
  rateCounters: number;
  loginFailures: number;
  leases: number;
  legacyClaims: number;
}

/** Removes expired sessions (spent refresh markers included), rate-limit counters, day-old failed-login slots, old job-slot leases and legacy claims; counts them. */
export async function purgeExpired(clock: Clock): Promise<PurgeResult> {
  const now = clock();
  const sessions = (await Session.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  const rateCounters = (await RateCounter.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  const loginFailures = (
    await LoginFailure.deleteMany({ at: { $lte: new Date(now.getTime() - LOGIN_FAILURE_MEMORY_MS) } })
  ).deletedCount;
  const leases = await purgeSlotLeases(new Date(now.getTime() - WEEK_MS));
  const legacyClaims = await purgeLegacyClaims();
  return { sessions, rateCounters, loginFailures, leases, legacyClaims };
}
