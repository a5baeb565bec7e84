// Database leases so that a scheduled task runs once however many server instances are up.
// A lease document per task key: whoever sets itself as owner (while no live lease is held by another)
// runs the task; a finished task is marked done and never runs again for that key. While the task runs
// its lease is renewed (a heartbeat every third of its time), so a task longer than its lease keeps it;
// a task that loses its lease anyway (a stalled process) is aborted through its signal, and a task
// may save its progress with the lease so that whoever takes over resumes where it stopped.
import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../db/duplicate-key';

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
export const LeaseClaim = mongoose.model('LeaseClaim', claimSchema, 'lease_claims');

/** Identifies this process among the instances (one per server start). */
export const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;

/** `aborted`: stopped by its signal (shutdown) or because the lease was lost; the next run resumes. */
export type LeaseOutcome = 'ran' | 'done-before' | 'held-elsewhere' | 'aborted';

export const DEFAULT_LEASE_MS = 5 * 60_000;

const messages = {
  lost: (key: string) => `lease ${key} was taken over by another instance`,
};

/** What a task sees of its lease. */
export interface LeaseHandle {
  key: string;
  /** Aborted at shutdown (the runner's signal) or when the lease is lost. */
  signal: AbortSignal;
  /** What an earlier, interrupted run saved (undefined on a first run). */
  progress: Record<string, unknown> | undefined;
  /** Saves progress with the lease and renews it; throws (and aborts) if the lease was lost. */
  save(progress: Record<string, unknown>): Promise<void>;
  /** Extends the lease by its time; throws (and aborts) if the lease was lost. */
  renew(): Promise<void>;
}

export class LeaseLostError extends Error {}

/**
 * Runs `task` under the lease `key` unless it is done or another live owner holds it.
 * A crash leaves the lease to expire (`ttlMs`, default 5 minutes); the next run resumes (tasks must be
 * idempotent). The lease is renewed every `ttlMs / 3` while the task runs. With `once: false` the lease
 * is released instead of marked done (a recurring task whose key names its time slot needs neither).
 */
export async function runOnce(
  clock: Clock,
  key: string,
  task: (lease: LeaseHandle) => Promise<void>,
  opts: { owner?: string; ttlMs?: number; signal?: AbortSignal; once?: boolean } = {},
): Promise<LeaseOutcome> {
  const owner = opts.owner ?? instanceId;
  const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_MS;
  if (opts.signal?.aborted) return 'aborted';
  const now = clock();
  const until = () => new Date(clock().getTime() + ttlMs);
  const existing = await Lease.findById(key).lean();
  if (existing?.done) return 'done-before';
  let acquired = false;
  if (!existing) {
    try {
      await Lease.create({ _id: key, owner, until: until(), done: false, generation: 0 });
      acquired = true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  let progress: Record<string, unknown> | undefined;
  if (!acquired) {
    const current = await Lease.findById(key).lean();
    if (!current || current.done) return 'done-before';
    progress = current.progress;
    if (current.owner !== owner) {
      if (current.until > now) return 'held-elsewhere';
      const generation = (current.generation ?? 0) + 1;
      try {
        await LeaseClaim.create({ _id: `${key}#${generation}`, at: now });
      } catch (err) {
        if (isDuplicateKey(err)) return 'held-elsewhere';
        throw err;
      }
      await Lease.updateOne({ _id: key }, { $set: { owner, until: until(), generation } });
    } else {
      await Lease.updateOne({ _id: key }, { $set: { until: until() } });
    }
  }

  const lost = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, lost.signal]) : lost.signal;
  const extend = async (set: Record<string, unknown> = {}) => {
    if (lost.signal.aborted) throw new LeaseLostError(messages.lost(key));
    await Lease.updateOne({ _id: key, owner }, { $set: { until: until(), ...set } });
    const mine = await Lease.findById(key, { owner: 1 }).lean();
    if (mine?.owner !== owner) {
      lost.abort();
      throw new LeaseLostError(messages.lost(key));
    }
  };
  const handle: LeaseHandle = {
    key,
    signal,
    progress,
    save: (p) => extend({ progress: p }),
    renew: () => extend(),
  };
  let beating: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(
    () => {
      beating = extend().catch(() => {});
    },
    Math.max(1_000, Math.floor(ttlMs / 3)),
  );
  heartbeat.unref();
  try {
    await task(handle);
  } catch (err) {
    if (signal.aborted) return 'aborted';
    throw err;
  } finally {
    clearInterval(heartbeat);
    await beating;
  }
  if (signal.aborted) {
    // Stopped half-way: whoever runs next (this instance after a restart, or another) resumes at once.
    if (!lost.signal.aborted) await Lease.updateOne({ _id: key, owner }, { $set: { until: clock() } });
    return 'aborted';
  }
  if (opts.once === false) await Lease.updateOne({ _id: key, owner }, { $set: { until: clock() } });
  else await Lease.updateOne({ _id: key, owner }, { $set: { done: true, doneAt: clock() } });
  return 'ran';
}

/**
 * Removes the leases of recurring jobs' time slots (keys with `@`, see jobs/runner.ts) done before
 * `before`, and their take-over claims. Deadline leases (auto-submission) are kept: they say "done".
 */
export async function purgeSlotLeases(before: Date): Promise<number> {
  const { deletedCount } = await Lease.deleteMany({
    _id: { $regex: '@' },
    done: true,
    doneAt: { $lt: before },
  });
  await LeaseClaim.deleteMany({ _id: { $regex: '@' }, at: { $lt: before } });
  return deletedCount;
}
