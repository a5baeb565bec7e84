// Database leases so that a scheduled task runs once however many server instances are up.
// A lease document per task key: whoever sets itself as owner (while no live lease is held by another)
// runs the task; a finished task is marked done and never runs again for that key.
import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../clock';

interface LeaseDoc {
  _id: string;
  owner: string;
  until: Date;
  done: boolean;
  doneAt?: Date;
  /** Bumped at each take-over of an expired lease; each generation is claimed once (see below). */
  generation: number;
  /** Free-form progress a resumed run can pick up from. */
  progress?: Record<string, unknown>;
}

const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: String,
    owner: String,
    until: Date,
    done: { type: Boolean, default: false },
    doneAt: Date,
    generation: { type: Number, default: 0 },
    progress: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);
export const Lease = mongoose.model<LeaseDoc>('Lease', leaseSchema, 'leases');

// Taking over an expired lease claims its next generation by inserting `<key>#<generation>`: on FerretDB
// a conditional update is not atomic (two instances could both "win" it), but a duplicate insert fails.
const claimSchema = new Schema<{ _id: string; at: Date }>({ _id: String, at: Date }, { versionKey: false });
const LeaseClaim = mongoose.model('LeaseClaim', claimSchema, 'lease_claims');

/** Identifies this process among the instances (one per server start). */
export const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;

export type LeaseOutcome = 'ran' | 'done-before' | 'held-elsewhere';

/**
 * Runs `task` under the lease `key` unless it is done or another live owner holds it.
 * A crash leaves the lease to expire (`ttlMs`); the next run resumes (tasks must be idempotent).
 */
export async function runOnce(
  clock: Clock,
  key: string,
  task: () => Promise<void>,
  opts: { owner?: string; ttlMs?: number } = {},
): Promise<LeaseOutcome> {
  const owner = opts.owner ?? instanceId;
  const now = clock();
  const until = new Date(now.getTime() + (opts.ttlMs ?? 5 * 60_000));
  const existing = await Lease.findById(key).lean();
  if (existing?.done) return 'done-before';
  let acquired = false;
  if (!existing) {
    try {
      await Lease.create({ _id: key, owner, until, done: false, generation: 0 });
      acquired = true;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
  if (!acquired) {
    const current = await Lease.findById(key).lean();
    if (!current || current.done) return 'done-before';
    if (current.owner !== owner) {
      if (current.until > now) return 'held-elsewhere';
      const generation = (current.generation ?? 0) + 1;
      try {
        await LeaseClaim.create({ _id: `${key}#${generation}`, at: now });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return 'held-elsewhere';
        throw err;
      }
      await Lease.updateOne({ _id: key }, { $set: { owner, until, generation } });
    } else {
      await Lease.updateOne({ _id: key }, { $set: { until } });
    }
  }
  await task();
  await Lease.updateOne({ _id: key, owner }, { $set: { done: true, doneAt: clock() } });
  return 'ran';
}
