// Delivery of outbox events to bound group chats, one record per (event, group): the pair is the
// idempotency key (`_id`), leased by one bot instance at a time (generation claims, as for events),
// acknowledged once sent. Fan-out decides which groups hear an event (its audience) when a bot asks.
import mongoose, { Schema } from 'mongoose';
import { isWithin, REGION_LEVELS, toShanghaiIso, type RegionLevel } from '@eduprogress/shared';
import type { Clock } from '../clock';
import { NotFoundError } from '../http/errors';
import { OutboxEvent, type EventType, type OutboxEventDoc } from '../outbox/model';
import { BotRoom, claimId, OutboxClaim, type BotRoomDoc } from './model';
import { takeLeaseGeneration } from './generation-claim';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
  deliveryNotFound: '投递记录不存在',
};

/** Kinds of push a group can turn off with 退订 (and back on with 订阅). */
export const SUBSCRIPTION_TOPICS = ['提醒', '退回', '撤报', '公告', '周报', '学时'] as const;
export type SubscriptionTopic = (typeof SUBSCRIPTION_TOPICS)[number];

/** Which topic an event belongs to. */
export const TOPIC_OF: Record<EventType, SubscriptionTopic> = {
  'window.opened': '提醒',
  'deadline.reminder': '提醒',
  'deadline.passed': '提醒',
  'report.returned': '退回',
  'withdrawal.requested': '撤报',
  'withdrawal.decided': '撤报',
  'notice.published': '公告',
  'digest.progress': '周报',
  'digest.training': '学时',
  // Decisions on the group's own requests to the national level, like withdrawal decisions.
  'school.request.decided': '撤报',
};

/** One (event, group) pair. `_id` = `<digest key>|<roomId>`. */
export interface BotDeliveryDoc {
  _id: string;
  eventId: string;
  type: EventType;
  roomId: string;
  /** The group's region when the pair was made (what the message is about). */
  regionCode: string;
  payload: Record<string, unknown>;
  /** A digest's parts: the payload of every event filed under the same key for this group. */
  parts?: Record<string, unknown>[];
  createdAt: Date;
  deliveredAt?: Date;
  attempts: number;
  leaseOwner?: string;
  leaseUntil?: Date;
  /** After a failed send: not handed out before this instant (back-off). */
  notBefore?: Date;
  lastError?: string;
}

const deliverySchema = new Schema<BotDeliveryDoc>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    roomId: { type: String, required: true },
    regionCode: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    parts: { type: [Schema.Types.Mixed], default: undefined },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date },
    attempts: { type: Number, default: 0 },
    leaseOwner: { type: String },
    leaseUntil: { type: Date },
    notBefore: { type: Date },
    lastError: { type: String },
  },
  { versionKey: false, minimize: false },
);
deliverySchema.index({ deliveredAt: 1, createdAt: 1 });
deliverySchema.index({ roomId: 1, createdAt: -1 });

export const BotDelivery = mongoose.model<BotDeliveryDoc>('BotDelivery', deliverySchema, 'bot_deliveries');

const rank = (level: RegionLevel) => REGION_LEVELS.indexOf(level);

/** The code of the region that decides about a unit: a school's managing region, a region's parent. */
function upperOf(event: OutboxEventDoc): string | undefined {
  // A school's event carries its managing region as regionCode; a region's carries itself.
  return event.payload.unitKind === 'school' ? event.regionCode : event.regionPath.at(-1);
}

/**
 * Whether a group bound to a region of `roomLevel` inside a notice's author subtree hears a notice
 * addressed to the region admins of `levels` (its school types do not decide: school admins sit in no
 * admin group). Seed 000 §6.4 lets the author address 本级及下级 region admins (levels) and school
 * admins (types); DESIGN.md (Product) puts the chasing in each region's admin group, where a region
 * nags its subordinates. So a notice reaches the groups of the addressed levels and every group above
 * them down from the author (the author's own group included): a province notice for 县级管理员 +
 * 小学 is posted in the province's group, the cities' groups and the counties' groups, where the
 * addressed county admins are chased; a group below every addressed level (a county group for a notice
 * to 市级管理员) hears nothing, nor does any group for a notice to school types only.
 */
export function noticeReaches(levels: readonly RegionLevel[], roomLevel: RegionLevel): boolean {
  return levels.some((l) => rank(roomLevel) <= rank(l));
}

/**
 * The groups that hear `event`, and the digest key their pair is filed under (pairs with the same key
 * and group are one message). Rules (issue 11 "Pushes"):
 * - calendar events of level L (window opened, reminders): groups at level L or above — each sees its own
 *   subtree when the bot renders it;
 * - a deadline passed for the children of P: groups of P and above, one message per group and level
 *   (a province group hears one digest, not one per city), and the groups of those children;
 * - a report returned, a withdrawal decided: the unit's own group (a region) and its upper level's;
 *   a withdrawal requested: the upper level's (it decides);
 * - a notice: groups inside the author's subtree (the author's own included) at or above a region level it
 *   addresses: see `noticeReaches`;
 * - weekly digests: every group inside the event's region (national: all);
 * - a decision on a school deletion / affiliation-change request: the requesting region's own group.
 */
export function audienceOf(
  event: OutboxEventDoc,
  room: Pick<BotRoomDoc, 'regionCode' | 'regionPath' | 'regionLevel'>,
): string | undefined {
  const inside = isWithin(room.regionPath, room.regionCode, event.regionCode);
  const p = event.payload;
  switch (event.type) {
    case 'window.opened':
    case 'deadline.reminder': {
      const level = p.level as RegionLevel;
      return inside && rank(room.regionLevel) <= rank(level) ? event._id : undefined;
    }
    case 'deadline.passed': {
      // P and above (one digest per group and level), and the groups of the level's regions below P
      // (their own schools and report were auto-submitted).
      const above = isWithin(event.regionPath, event.regionCode, room.regionCode);
      const ofLevel = room.regionPath.includes(event.regionCode) && room.regionLevel === p.level;
      return above || ofLevel ? `deadline.passed:${String(p.period)}:${String(p.level)}` : undefined;
    }
    case 'report.returned':
    case 'withdrawal.decided':
      return (p.unitKind === 'region' && room.regionCode === event.regionCode) ||
        room.regionCode === upperOf(event)
        ? event._id
        : undefined;
    case 'withdrawal.requested':
      return room.regionCode === upperOf(event) ? event._id : undefined;
    case 'notice.published': {
      const levels = ((p.scope as { levels?: string[] } | undefined)?.levels ?? []) as RegionLevel[];
      return inside && noticeReaches(levels, room.regionLevel) ? event._id : undefined;
    }
    case 'digest.progress':
    case 'digest.training':
      return inside ? event._id : undefined;
    case 'school.request.decided':
      return room.regionCode === event.regionCode ? event._id : undefined;
    default:
      return undefined;
  }
}

/**
 * Writes the (event, group) pairs of events not fanned out yet, oldest first, at most `limit` events.
 * Safe to run from several instances at once: a pair is an `_id`, written once. A group bound after the
 * event was written does not hear it; a group that unsubscribed from the event's topic does not either.
 */
export async function fanOutEvents(clock: Clock, limit = 20): Promise<number> {
  const pending = await OutboxEvent.find({ fannedOutAt: { $exists: false } })
    .sort({ createdAt: 1, _id: 1 })
    .limit(limit)
    .lean<OutboxEventDoc[]>();
  if (pending.length === 0) return 0;
  const rooms = await BotRoom.find({}).lean<(BotRoomDoc & { muted?: string[] })[]>();
  let written = 0;
  for (const event of pending) {
    const now = clock();
    const pairs: BotDeliveryDoc[] = [];
    const digests: string[] = [];
    for (const room of rooms) {
      if (room.boundAt > event.createdAt) continue;
      if (room.muted?.includes(TOPIC_OF[event.type])) continue;
      const key = audienceOf(event, room);
      if (!key) continue;
      if (key !== event._id) digests.push(`${key}|${room._id}`);
      pairs.push({
        _id: `${key}|${room._id}`,
        eventId: event._id,
        type: event.type,
        roomId: room._id,
        regionCode: room.regionCode,
        payload: event.payload,
        createdAt: now,
        attempts: 0,
      });
    }
    for (let i = 0; i < pairs.length; i += 500) {
      await BotDelivery.insertMany(pairs.slice(i, i + 500), { ordered: false }).catch((err) => {
        // Another instance wrote some of the same pairs: every other pair was still inserted.
        if (!isDuplicateKey(err)) throw err;
      });
    }
    // A digest gathers every event filed under its key, until it is sent (autosubmit writes one event per
    // parent region in one run, so the parts are in before the pair is leased).
    for (const id of digests) {
      await BotDelivery.updateOne(
        { _id: id, deliveredAt: { $exists: false } },
        { $addToSet: { parts: event.payload } },
      );
    }
    written += pairs.length;
    // Written after every pair: a fan-out cut short is simply done again (pairs are `_id`s).
    await OutboxEvent.updateOne({ _id: event._id }, { $set: { fannedOutAt: now } });
  }
  return written;
}

export function deliveryView(d: BotDeliveryDoc, generation?: number) {
  return {
    id: d._id,
    eventId: d.eventId,
    type: d.type,
    roomId: d.roomId,
    regionCode: d.regionCode,
    payload: d.payload,
    parts: d.parts ?? [d.payload],
    createdAt: toShanghaiIso(d.createdAt),
    attempts: d.attempts,
    generation: generation ?? d.attempts,
    leaseUntil: d.leaseUntil ? toShanghaiIso(d.leaseUntil) : null,
  };
}

/** Generation claim (unique `_id`), as for events: exactly one taker per expired lease. */
async function claimDelivery(d: BotDeliveryDoc, consumer: string, now: Date, until: Date) {
  const generation = await takeLeaseGeneration(d._id, d.attempts, consumer, now, until);
  if (generation === undefined) return undefined;
  await BotDelivery.updateOne(
    { _id: d._id },
    { $set: { leaseOwner: consumer, leaseUntil: until }, $max: { attempts: generation } },
  );
  const leased = await BotDelivery.findById(d._id).lean<BotDeliveryDoc>();
  if (!leased || leased.deliveredAt) return undefined;
  return { delivery: leased, generation };
}

export interface LeaseDeliveriesQuery {
  consumer: string;
  limit: number;
  leaseSeconds: number;
  /** Only these groups (the bot leases for the groups it can reach). */
  roomIds?: string[];
}

/**
 * Fans out what is new, then leases undelivered pairs, oldest first, to `consumer` until acknowledged,
 * failed or the lease runs out. A pair in back-off (`notBefore` ahead) waits.
 */
export async function leaseDeliveries(clock: Clock, query: LeaseDeliveriesQuery) {
  await fanOutEvents(clock);
  const now = clock();
  const until = new Date(now.getTime() + query.leaseSeconds * 1000);
  const out: ReturnType<typeof deliveryView>[] = [];
  const seen: string[] = [];
  for (let round = 0; round < 3 && out.length < query.limit; round++) {
    const candidates = await BotDelivery.find({
      deliveredAt: { $exists: false },
      ...(seen.length ? { _id: { $nin: seen } } : {}),
      ...(query.roomIds ? { roomId: { $in: query.roomIds } } : {}),
      $and: [
        { $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: null }, { leaseUntil: { $lte: now } }] },
        { $or: [{ notBefore: { $exists: false } }, { notBefore: null }, { notBefore: { $lte: now } }] },
      ],
    })
      .sort({ createdAt: 1, _id: 1 })
      .limit(query.limit * 2)
      .lean<BotDeliveryDoc[]>();
    if (candidates.length === 0) break;
    for (const c of candidates) {
      if (out.length >= query.limit) break;
      seen.push(c._id);
      const got = await claimDelivery(c, query.consumer, now, until);
      if (got) out.push(deliveryView(got.delivery, got.generation));
    }
  }
  return { consumer: query.consumer, leaseUntil: toShanghaiIso(until), items: out };
}

/** Marks the pair delivered (sent to the group); acknowledging again answers the same. */
export async function ackDelivery(clock: Clock, id: string) {
  const d = await BotDelivery.findById(id).lean<BotDeliveryDoc>();
  if (!d) throw new NotFoundError(messages.deliveryNotFound, 'DELIVERY_NOT_FOUND');
  if (d.deliveredAt) return { id, deliveredAt: toShanghaiIso(d.deliveredAt), alreadyAcknowledged: true };
  const now = clock();
  await BotDelivery.updateOne(
    { _id: id, deliveredAt: { $exists: false } },
    { $set: { deliveredAt: now }, $unset: { leaseUntil: 1, notBefore: 1, lastError: 1 } },
  );
  await BotRoom.updateOne({ _id: d.roomId }, { $set: { lastDeliveryAt: now }, $unset: { lastError: 1 } });
  const generations = Array.from({ length: d.attempts ?? 0 }, (_, i) => claimId(id, i + 1));
  if (generations.length) await OutboxClaim.deleteMany({ _id: { $in: generations } });
  return { id, deliveredAt: toShanghaiIso(now), alreadyAcknowledged: false };
}

/**
 * A send failed: the pair goes back to the queue after `retryInSeconds` (the bot's back-off), and the
 * error is shown on the group (GET /bot/rooms). A pair already delivered is left alone.
 */
export async function failDelivery(
  clock: Clock,
  id: string,
  body: { error: string; retryInSeconds: number },
) {
  const d = await BotDelivery.findById(id).lean<BotDeliveryDoc>();
  if (!d) throw new NotFoundError(messages.deliveryNotFound, 'DELIVERY_NOT_FOUND');
  if (d.deliveredAt) return { id, delivered: true };
  const now = clock();
  const notBefore = new Date(now.getTime() + body.retryInSeconds * 1000);
  await BotDelivery.updateOne({ _id: id }, { $set: { lastError: body.error, notBefore, leaseUntil: now } });
  await BotRoom.updateOne({ _id: d.roomId }, { $set: { lastError: body.error, lastErrorAt: now } });
  return { id, delivered: false, retryAt: toShanghaiIso(notBefore) };
}
