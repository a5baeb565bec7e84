import mongoose, { Schema } from 'mongoose';

import { OUTBOX_EVENT_TYPES, type OutboxEventType } from '@eduprogress/shared';

/** The event types and their payloads are the API contract in shared/src/api/events.ts. */
export const EVENT_TYPES = OUTBOX_EVENT_TYPES;
export type EventType = OutboxEventType;

/**
 * One event for the bot, written once (its `_id` is the idempotency key, e.g.
 * `deadline.passed:2026Q3:county:350102`) and never lost: the bot drains it and acknowledges.
 */
export interface OutboxEventDoc {
  _id: string;
  type: EventType;
  /** The region whose admin groups should hear it (the event's scope). */
  regionCode: string;
  regionPath: string[];
  payload: Record<string, unknown>;
  createdAt: Date;
  /** Set by the bot when delivered; undelivered events are handed out again after the lease expires. */
  deliveredAt?: Date;
  leaseOwner?: string;
  leaseUntil?: Date;
  attempts: number;
  /** Set once the bot's (event, group) pairs were written (bot-api/deliveries.ts). */
  fannedOutAt?: Date;
}

const outboxSchema = new Schema<OutboxEventDoc>(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    payload: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date },
    leaseOwner: { type: String },
    leaseUntil: { type: Date },
    attempts: { type: Number, default: 0 },
    fannedOutAt: { type: Date },
  },
  { versionKey: false, minimize: false },
);
outboxSchema.index({ deliveredAt: 1, createdAt: 1 });
outboxSchema.index({ fannedOutAt: 1, createdAt: 1 });

export const OutboxEvent = mongoose.model<OutboxEventDoc>('OutboxEvent', outboxSchema, 'outbox');
