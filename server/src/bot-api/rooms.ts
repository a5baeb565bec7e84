// What a bound group asks about itself: its binding (帮助), its push topics (订阅/退订), unbinding with
// an admin's code (解绑), and which region a name means inside its subtree (进度 福州).
import type { RegionLevel } from '@eduprogress/shared';
import type { Actor } from '../audit/service';
import { recordAudit } from '../audit/service';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import { isWithin, NATIONAL_CODE, scopeOf } from '@eduprogress/shared';
import type { RegionDoc } from '../regions/model';
import { cachedDescendants } from '../regions/tree';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopic } from './deliveries';
import { BotBindingCode, BotBindingCodeUse, BotRoom, type BotBindingCodeDoc, type BotRoomDoc } from './model';
import { hashCode, normaliseBindingCode, roomView } from './service';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
  roomNotFound: '该群聊没有绑定任何地区',
  codeNotFound: '绑定码不存在，请核对后重新发送',
  codeUsed: '该绑定码已被使用，请让地区管理员重新生成',
  codeExpired: '该绑定码已过期，请让地区管理员重新生成',
  codeOutside: '该绑定码不是本群所绑定地区（或其上级）的管理员生成的，不能用于解绑',
};

export async function getRoom(roomId: string) {
  const room = await BotRoom.findById(roomId).lean<BotRoomDoc>();
  if (!room) throw new NotFoundError(messages.roomNotFound, 'ROOM_NOT_FOUND');
  return roomView(room);
}

/** Turns a push topic on (`on` true) or off for the group; answers the muted topics after. */
export async function setSubscription(
  clock: Clock,
  actor: Actor,
  roomId: string,
  topic: SubscriptionTopic,
  on: boolean,
) {
  const room = await BotRoom.findById(roomId).lean<BotRoomDoc>();
  if (!room) throw new NotFoundError(messages.roomNotFound, 'ROOM_NOT_FOUND');
  const muted = new Set(room.muted ?? []);
  if (on) muted.delete(topic);
  else muted.add(topic);
  const after = SUBSCRIPTION_TOPICS.filter((t) => muted.has(t));
  await BotRoom.updateOne({ _id: roomId }, { $set: { muted: after } });
  await recordAudit(clock, actor, {
    action: 'bot.room.subscription',
    targetType: 'botRoom',
    targetId: roomId,
    regionPath: scopeOf(room.regionPath, room.regionCode),
    before: { muted: room.muted ?? [] },
    after: { muted: after },
  });
  return { roomId, muted: after, topics: SUBSCRIPTION_TOPICS };
}

/**
 * `解绑 CODE` in the group: a one-time binding code issued by an admin of the room's region or of a region
 * above it proves the request comes from such an admin (group members are not accounts). Spends the code.
 */
export async function unbindWithCode(clock: Clock, actor: Actor, body: { roomId: string; code: string }) {
  const room = await BotRoom.findById(body.roomId).lean<BotRoomDoc>();
  if (!room) throw new NotFoundError(messages.roomNotFound, 'ROOM_NOT_FOUND');
  const hash = hashCode(normaliseBindingCode(body.code));
  const code = await BotBindingCode.findById(hash).lean<BotBindingCodeDoc>();
  if (!code) throw new NotFoundError(messages.codeNotFound, 'BINDING_CODE_NOT_FOUND');
  if (!isWithin(room.regionPath, room.regionCode, code.regionCode)) {
    throw new ForbiddenError(messages.codeOutside, 'BINDING_CODE_OUTSIDE');
  }
  if (code.expiresAt <= clock()) throw new ConflictError(messages.codeExpired, 'BINDING_CODE_EXPIRED');
  try {
    await BotBindingCodeUse.create({ _id: hash, roomId: `unbind:${body.roomId}`, usedAt: clock() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new ConflictError(messages.codeUsed, 'BINDING_CODE_USED');
  }
  await BotRoom.deleteOne({ _id: body.roomId });
  await recordAudit(clock, actor, {
    action: 'bot.room.unbind',
    targetType: 'botRoom',
    targetId: body.roomId,
    regionPath: scopeOf(room.regionPath, room.regionCode),
    before: roomView(room),
    after: null,
  });
  return { roomId: body.roomId, unbound: true, regionName: room.regionName };
}

// Common endings of region names: 福州 means 福州市, 闽侯 闽侯县.
const SUFFIXES = /(特别行政区|自治区|自治州|自治县|自治旗|地区|林区|新区|省|市|区|县|盟|旗)$/;

interface RegionMatch {
  code: string;
  name: string;
  level: RegionLevel;
  /** Names from below the room's region down to the match's parent, e.g. ["福州市"] for 鼓楼区. */
  within: string[];
}

/**
 * Regions named `q` inside the room's subtree (the room's region included): exact names first, else
 * names that are `q` plus a usual ending (福州 → 福州市). `outside` counts such regions elsewhere, so
 * the bot can say the name is outside the group's region rather than unknown.
 */
export async function searchRegions(room: Pick<BotRoomDoc, 'regionCode'>, q: string) {
  const name = q.trim();
  // From the process's region tree cache (regions/tree.ts): no collection scan per question.
  const all = await cachedDescendants(NATIONAL_CODE);
  const fits = (r: RegionDoc) => !r.placeholder && (r.name === name || r.name.replace(SUFFIXES, '') === name);
  const exact = all.filter((r) => !r.placeholder && r.name === name);
  const chosen = exact.length ? exact : all.filter(fits);
  const inside = chosen.filter((r) => isWithin(r.path, r._id, room.regionCode));
  const names = new Map(all.map((r) => [r._id, r.name]));
  const matches: RegionMatch[] = inside.map((r) => ({
    code: r._id,
    name: r.name,
    level: r.level,
    within:
      r._id === room.regionCode
        ? []
        : r.path.slice(r.path.indexOf(room.regionCode) + 1).map((c) => names.get(c) ?? c),
  }));
  return { q: name, matches, outside: chosen.length - inside.length };
}
