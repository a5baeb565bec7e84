// Fixed-window rate limits counted in the database, so every server instance sees the same counts.
// Each window is one document with an `_id` look-up ($inc upsert), the fast path on every backend.
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../clock';
import { TooManyRequestsError } from './errors';
import { isDuplicateKey } from '../db/duplicate-key';

interface CounterDoc {
  _id: string;
  count: number;
  expiresAt: Date;
}

const counterSchema = new Schema<CounterDoc>(
  { _id: String, count: { type: Number, default: 0 }, expiresAt: Date },
  { versionKey: false },
);

export const RateCounter = mongoose.model<CounterDoc>('RateCounter', counterSchema, 'rate_counters');

const messages = {
  limited: (seconds: number) => `操作过于频繁，请 ${seconds} 秒后再试`,
};

/** Counts one hit of `key` in the current window and throws 429 when over `limit`. */
export async function hit(clock: Clock, key: string, limit: number, windowSeconds: number): Promise<void> {
  const now = clock().getTime();
  const windowStart = Math.floor(now / (windowSeconds * 1000)) * windowSeconds * 1000;
  const id = `${key}:${windowStart}`;
  const bump = () =>
    RateCounter.findOneAndUpdate(
      { _id: id },
      { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(windowStart + windowSeconds * 1000) } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
  let doc;
  try {
    doc = await bump();
  } catch (err) {
    // Two first hits of a window raced to insert it: the loser simply counts again on the winner's doc.
    if (!isDuplicateKey(err)) throw err;
    doc = await bump();
  }
  if (doc && doc.count > limit) {
    const retry = Math.max(1, Math.ceil((windowStart + windowSeconds * 1000 - now) / 1000));
    throw new TooManyRequestsError(messages.limited(retry), 'RATE_LIMITED', { retryAfterSeconds: retry });
  }
}
