import mongoose, { Schema, Types } from 'mongoose';
import { REGION_LEVELS, type RegionLevel, type AncestorPath } from '@eduprogress/shared';

/**
 * A one-time code a region admin posts in a group chat so the bot binds that room to the region.
 * `_id` is the code's sha256: the code itself is shown once and never stored.
 */
export interface BotBindingCodeDoc {
  _id: string;
  codeHint: string;
  regionCode: string;
  /** Ancestors of the region. */
  regionPath: AncestorPath;
  regionName: string;
  createdBy: { userId: Types.ObjectId; name: string };
  createdAt: Date;
  expiresAt: Date;
  /** Informational copy of the use (the use document below is what decides). */
  usedAt?: Date;
  roomId?: string;
}

const bindingCodeSchema = new Schema<BotBindingCodeDoc>(
  {
    _id: { type: String, required: true },
    codeHint: { type: String, required: true },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    regionName: { type: String, required: true },
    createdBy: {
      type: new Schema(
        { userId: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true } },
        { _id: false },
      ),
      required: true,
    },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    roomId: { type: String },
  },
  { versionKey: false },
);
bindingCodeSchema.index({ regionCode: 1, createdAt: -1 });

export const BotBindingCode = mongoose.model<BotBindingCodeDoc>(
  'BotBindingCode',
  bindingCodeSchema,
  'bot_binding_codes',
);

/**
 * The use of a binding code, `_id` = the code's hash: inserting it is how a code is spent, because a
 * unique `_id` lets exactly one of two concurrent binds win on every backend (FerretDB's conditional
 * updates are not atomic).
 */
export interface BotBindingCodeUseDoc {
  _id: string;
  roomId: string;
  usedAt: Date;
}

const bindingCodeUseSchema = new Schema<BotBindingCodeUseDoc>(
  {
    _id: { type: String, required: true },
    roomId: { type: String, required: true },
    usedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const BotBindingCodeUse = mongoose.model<BotBindingCodeUseDoc>(
  'BotBindingCodeUse',
  bindingCodeUseSchema,
  'bot_binding_code_uses',
);

/** A group chat bound to a region: the bot pushes that region's events into it. `_id` is the room id. */
export interface BotRoomDoc {
  _id: string;
  roomTopic: string;
  regionCode: string;
  /** Ancestors of the region: an event for region X goes to rooms of X and of regions below X. */
  regionPath: AncestorPath;
  regionName: string;
  regionLevel: RegionLevel;
  boundAt: Date;
  /** The admin who issued the code that bound it. */
  boundBy: { userId: Types.ObjectId; name: string };
  /** Push topics the group turned off (退订); see deliveries.ts SUBSCRIPTION_TOPICS. */
  muted?: string[];
  /** Last successful push, and the last failed one with its error (shown to the region's admins). */
  lastDeliveryAt?: Date;
  lastError?: string;
  lastErrorAt?: Date;
}

const roomSchema = new Schema<BotRoomDoc>(
  {
    _id: { type: String, required: true },
    roomTopic: { type: String, default: '' },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    regionName: { type: String, required: true },
    regionLevel: { type: String, enum: REGION_LEVELS, required: true },
    boundAt: { type: Date, required: true },
    boundBy: {
      type: new Schema(
        { userId: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true } },
        { _id: false },
      ),
      required: true,
    },
    muted: { type: [String], default: undefined },
    lastDeliveryAt: { type: Date },
    lastError: { type: String },
    lastErrorAt: { type: Date },
  },
  { versionKey: false },
);
roomSchema.index({ regionCode: 1 });
roomSchema.index({ regionPath: 1 });

export const BotRoom = mongoose.model<BotRoomDoc>('BotRoom', roomSchema, 'bot_rooms');

/**
 * One lease of an outbox event: `_id` = `<eventId>#<generation>`. Whoever inserts generation n+1 (after
 * generation n's lease ran out) holds the event; the unique `_id` is the atomic step.
 */
export interface OutboxClaimDoc {
  _id: string;
  eventId: string;
  generation: number;
  owner: string;
  until: Date;
  createdAt: Date;
}

const claimSchema = new Schema<OutboxClaimDoc>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    generation: { type: Number, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const OutboxClaim = mongoose.model<OutboxClaimDoc>('OutboxClaim', claimSchema, 'outbox_claims');

export function claimId(eventId: string, generation: number): string {
  return `${eventId}#${generation}`;
}
