// The bot's side of the server: draining the outbox under leases, and binding group chats to regions
// with one-time codes. Every "only one wins" step is a unique-`_id` insert, because FerretDB v1 runs a
// conditional update (findOneAndUpdate included) as read-then-write and lets concurrent callers all win.
import { createHash, randomInt } from 'node:crypto';
import { toShanghaiIso, regionScope, scopeOf } from '@eduprogress/shared';
import { requireRegionManager, type ActionContext } from '../schools/admin-accounts';
import type { UserDoc } from '../accounts/model';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { OutboxEvent, type OutboxEventDoc } from '../outbox/model';
import { getRegionWithin } from '../regions/service';
import { Region, type RegionDoc } from '../regions/model';
import {
  BotBindingCode,
  BotBindingCodeUse,
  BotRoom,
  claimId,
  OutboxClaim,
  type BotBindingCodeDoc,
  type BotRoomDoc,
} from './model';
import { takeLeaseGeneration } from './generation-claim';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
  notIssuer: '只有地区管理员可以为群聊生成绑定码',
  placeholderRegion: '该地区为占位区划，不能绑定群聊',
  instruction: (code: string) =>
    `请在需要接收提醒的群聊中 @机器人 并发送：绑定 ${code}（24 小时内有效，仅可使用一次）`,
  codeNotFound: '绑定码不存在，请核对后重新发送',
  codeUsed: '该绑定码已被使用，请让地区管理员重新生成',
  codeExpired: '该绑定码已过期，请让地区管理员重新生成',
  regionGone: '绑定码对应的地区已不存在',
  roomNotFound: '该群聊没有绑定任何地区',
  eventNotFound: '事件不存在',
  codeGenerationFailed: '暂时无法生成绑定码，请稍后重试',
};

/** 32 symbols without 0/O/1/I: codes are read off a phone and retyped into a chat. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const BINDING_CODE_LENGTH = 8;
const BINDING_CODE_TTL_MS = 24 * 3600_000;

export function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export function normaliseBindingCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < BINDING_CODE_LENGTH; i++) code += ALPHABET[randomInt(0, ALPHABET.length)];
  return code;
}

// ---------------------------------------------------------------------------------------------
// Binding codes and rooms

export async function createBindingCode(
  ac: ActionContext,
  user: Pick<UserDoc, '_id' | 'name'>,
  regionCode: string,
) {
  const binding = requireRegionManager(ac.binding, messages.notIssuer);
  const region = await getRegionWithin(binding, regionCode);
  if (region.placeholder) {
    throw new ValidationError(messages.placeholderRegion, { property: 'regionCode' }, 'REGION_PLACEHOLDER');
  }
  const now = ac.clock();
  const expiresAt = new Date(now.getTime() + BINDING_CODE_TTL_MS);
  // 32^8 codes: a clash is rare, and the unique `_id` turns one into a retry.
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newCode();
    try {
      await BotBindingCode.create({
        _id: hashCode(code),
        codeHint: `${code.slice(0, 2)}****${code.slice(-2)}`,
        regionCode: region._id,
        regionPath: region.path,
        regionName: region.name,
        createdBy: { userId: user._id, name: user.name },
        createdAt: now,
        expiresAt,
      });
    } catch (err) {
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    await recordAudit(ac.clock, ac.actor, {
      action: 'bot.bindingCode.create',
      targetType: 'region',
      targetId: region._id,
      regionPath: regionScope(region),
      before: null,
      after: { codeHint: `${code.slice(0, 2)}****${code.slice(-2)}`, expiresAt },
    });
    return {
      code,
      regionCode: region._id,
      regionName: region.name,
      expiresAt: toShanghaiIso(expiresAt),
      instruction: messages.instruction(code),
    };
  }
  throw new ConflictError(messages.codeGenerationFailed, 'CODE_GENERATION_FAILED');
}

export function roomView(r: BotRoomDoc) {
  return {
    roomId: r._id,
    roomTopic: r.roomTopic,
    regionCode: r.regionCode,
    regionName: r.regionName,
    regionLevel: r.regionLevel,
    regionPath: r.regionPath,
    boundAt: toShanghaiIso(r.boundAt),
    muted: r.muted ?? [],
    lastDeliveryAt: r.lastDeliveryAt ? toShanghaiIso(r.lastDeliveryAt) : null,
    lastError: r.lastError ?? null,
    lastErrorAt: r.lastErrorAt ? toShanghaiIso(r.lastErrorAt) : null,
  };
}

export interface BindRoomInput {
  code: string;
  roomId: string;
  roomTopic: string;
}

/**
 * Spends the code on the room (a code binds once) and points the room at the code's region; a room bound
 * before moves to the new region. The same room retrying the same code gets the same answer.
 */
export async function bindRoom(clock: Clock, actor: Actor, body: BindRoomInput) {
  const hash = hashCode(normaliseBindingCode(body.code));
  const code = await BotBindingCode.findById(hash).lean<BotBindingCodeDoc>();
  if (!code) throw new NotFoundError(messages.codeNotFound, 'BINDING_CODE_NOT_FOUND');
  const now = clock();
  let use = await BotBindingCodeUse.findById(hash).lean();
  if (!use) {
    if (code.expiresAt <= now) throw new ConflictError(messages.codeExpired, 'BINDING_CODE_EXPIRED');
    try {
      await BotBindingCodeUse.create({ _id: hash, roomId: body.roomId, usedAt: now });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    use = await BotBindingCodeUse.findById(hash).lean();
  }
  if (!use || use.roomId !== body.roomId) throw new ConflictError(messages.codeUsed, 'BINDING_CODE_USED');

  const region = await Region.findById(code.regionCode).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionGone, 'REGION_NOT_FOUND');
  const before = await BotRoom.findById(body.roomId).lean<BotRoomDoc>();
  const fields = {
    roomTopic: body.roomTopic,
    regionCode: region._id,
    regionPath: region.path,
    regionName: region.name,
    regionLevel: region.level,
    boundAt: use.usedAt,
    boundBy: code.createdBy,
  };
  try {
    await BotRoom.updateOne({ _id: body.roomId }, { $set: fields }, { upsert: true });
  } catch (err) {
    // Two binds of one room at once: the upsert that lost the insert race simply updates.
    if (!isDuplicateKey(err)) throw err;
    await BotRoom.updateOne({ _id: body.roomId }, { $set: fields });
  }
  await BotBindingCode.updateOne({ _id: hash }, { $set: { usedAt: use.usedAt, roomId: body.roomId } });
  const after = (await BotRoom.findById(body.roomId).lean<BotRoomDoc>())!;
  if (!before || before.regionCode !== after.regionCode || before.roomTopic !== after.roomTopic) {
    await recordAudit(clock, actor, {
      action: 'bot.room.bind',
      targetType: 'botRoom',
      targetId: body.roomId,
      regionPath: regionScope(region),
      before: before ? roomView(before) : null,
      after: roomView(after),
    });
  }
  return roomView(after);
}

/**
 * Bound rooms, by room id; `regionCode` limits them to a region's subtree (an admin's view of the groups
 * of the region, with each one's last delivery and error).
 */
export async function listRooms(query: { page: number; pageSize: number }, regionCode?: string) {
  const { page, pageSize } = query;
  const filter = regionCode ? { $or: [{ regionCode }, { regionPath: regionCode }] } : {};
  const [rooms, total] = await Promise.all([
    BotRoom.find(filter).sort({ _id: 1 }).skip(skipOf(page, pageSize)).limit(pageSize).lean<BotRoomDoc[]>(),
    BotRoom.countDocuments(filter),
  ]);
  return { items: rooms.map(roomView), total, page, pageSize } satisfies Page<unknown>;
}

/** The bot left the group (or was removed): stop pushing there. */
export async function unbindRoom(clock: Clock, actor: Actor, roomId: string) {
  const room = await BotRoom.findById(roomId).lean<BotRoomDoc>();
  if (!room) throw new NotFoundError(messages.roomNotFound, 'ROOM_NOT_FOUND');
  await BotRoom.deleteOne({ _id: roomId });
  await recordAudit(clock, actor, {
    action: 'bot.room.unbind',
    targetType: 'botRoom',
    targetId: roomId,
    regionPath: scopeOf(room.regionPath, room.regionCode),
    before: roomView(room),
    after: null,
  });
  return { roomId, unbound: true };
}

// ---------------------------------------------------------------------------------------------
// Outbox drain

function eventView(e: OutboxEventDoc) {
  return {
    id: e._id,
    type: e.type,
    regionCode: e.regionCode,
    regionPath: e.regionPath,
    payload: e.payload,
    createdAt: toShanghaiIso(e.createdAt),
    attempts: e.attempts,
    leaseUntil: e.leaseUntil ? toShanghaiIso(e.leaseUntil) : null,
  };
}

/** Takes the next lease generation of `event` for `consumer`, unless a live lease is held (generation-claim.ts). */
async function claim(event: OutboxEventDoc, consumer: string, now: Date, until: Date) {
  const generation = await takeLeaseGeneration(event._id, event.attempts, consumer, now, until);
  if (generation === undefined) return undefined;
  const leased = await OutboxEvent.findOneAndUpdate(
    { _id: event._id },
    { $set: { leaseOwner: consumer, leaseUntil: until }, $max: { attempts: generation } },
    { returnDocument: 'after' },
  ).lean<OutboxEventDoc>();
  // Acknowledged between our read and our claim: nothing to deliver.
  if (!leased || leased.deliveredAt) return undefined;
  return leased;
}

export interface LeaseQuery {
  consumer: string;
  limit: number;
  leaseSeconds: number;
}

/** Undelivered events, oldest first, each leased to `consumer` until acknowledged or the lease runs out. */
export async function leaseEvents(clock: Clock, query: LeaseQuery) {
  const now = clock();
  const until = new Date(now.getTime() + query.leaseSeconds * 1000);
  const leased: OutboxEventDoc[] = [];
  const seen: string[] = [];
  // A few rounds: candidates lost to another consumer are replaced by the next ones in line.
  for (let round = 0; round < 3 && leased.length < query.limit; round++) {
    const candidates = await OutboxEvent.find({
      deliveredAt: { $exists: false },
      ...(seen.length ? { _id: { $nin: seen } } : {}),
      $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: null }, { leaseUntil: { $lte: now } }],
    })
      .sort({ createdAt: 1, _id: 1 })
      .limit(query.limit * 2)
      .lean<OutboxEventDoc[]>();
    if (candidates.length === 0) break;
    for (const candidate of candidates) {
      if (leased.length >= query.limit) break;
      seen.push(candidate._id);
      const got = await claim(candidate, query.consumer, now, until);
      if (got) leased.push(got);
    }
  }
  return { consumer: query.consumer, leaseUntil: toShanghaiIso(until), items: leased.map(eventView) };
}

/** Marks the event delivered; acknowledging again answers the same. */
export async function ackEvent(clock: Clock, id: string) {
  const event = await OutboxEvent.findById(id).lean<OutboxEventDoc>();
  if (!event) throw new NotFoundError(messages.eventNotFound, 'EVENT_NOT_FOUND');
  if (event.deliveredAt) {
    return { id, deliveredAt: toShanghaiIso(event.deliveredAt), alreadyAcknowledged: true };
  }
  await OutboxEvent.updateOne(
    { _id: id, deliveredAt: { $exists: false } },
    { $set: { deliveredAt: clock() }, $unset: { leaseUntil: 1 } },
  );
  const after = (await OutboxEvent.findById(id).lean<OutboxEventDoc>())!;
  // The claims have served their purpose once the event is delivered.
  const generations = Array.from({ length: after.attempts ?? 0 }, (_, i) => claimId(id, i + 1));
  if (generations.length) await OutboxClaim.deleteMany({ _id: { $in: generations } });
  return { id, deliveredAt: toShanghaiIso(after.deliveredAt!), alreadyAcknowledged: false };
}
