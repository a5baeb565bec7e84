import type { Clock } from '../clock';
import type { OutboxEventType, OutboxPayloads } from '@eduprogress/shared';
import { OutboxEvent } from './model';
import { isDuplicateKey } from '../db/duplicate-key';

/** An event to write; `payload` is the shape shared/src/api/events.ts declares for `type`. */
export type NewEvent<T extends OutboxEventType = OutboxEventType> = {
  [K in T]: {
    /** Idempotency key: the same key is written once however often it is emitted. */
    key: string;
    type: K;
    regionCode: string;
    regionPath: string[];
    payload: OutboxPayloads[K];
  };
}[T];

/** Writes the event unless one with the same key exists. Returns true when this call wrote it. */
export async function emitEvent(clock: Clock, event: NewEvent): Promise<boolean> {
  const res = await OutboxEvent.updateOne(
    { _id: event.key },
    {
      $setOnInsert: {
        type: event.type,
        regionCode: event.regionCode,
        regionPath: event.regionPath,
        payload: event.payload,
        createdAt: clock(),
        attempts: 0,
      },
    },
    { upsert: true },
  ).catch((err) => {
    // Two emitters raced to insert the same key: the other one wrote it.
    if (isDuplicateKey(err)) return { upsertedCount: 0 };
    throw err;
  });
  return res.upsertedCount === 1;
}
