// The bot acting for a group: `Authorization: Bot <BOT_TOKEN>` plus `X-Bot-Room: <room id>` on an ordinary
// endpoint makes the caller a read-only inspector of the room's bound region, so every answer stays inside
// that region's subtree by the same jurisdiction rules as for a person (issue 11 "Acting for a group").
import { Types } from 'mongoose';
import type { Context } from 'koa';
import type { Binding, UserDoc } from '../accounts/model';
import type { AuthContext } from '../accounts/service';
import { ForbiddenError, UnauthorizedError } from '../http/errors';
import { botTokenMatches } from './auth';
import { BotRoom, type BotRoomDoc } from './model';

const messages = {
  disabled: '机器人接口未启用：服务器未配置 BOT_TOKEN',
  badToken: '机器人令牌无效，请在请求头中提供 Authorization: Bot <令牌>',
  noRoom: '机器人代表群聊查询时须在请求头 X-Bot-Room 中给出群聊编号',
  unbound: '该群聊尚未绑定地区，请先由地区管理员生成绑定码并在群里发送「绑定 绑定码」',
  readOnly: '群聊机器人只能查询，不能修改数据',
  notForBot: '群聊机器人不能访问该接口',
  botName: '群聊机器人',
};

/** Header naming the group the bot is acting for. */
export const BOT_ROOM_HEADER = 'X-Bot-Room';

/** The one account-less user every bot caller is (never stored; `_id` fixed so audit rows can name it). */
const BOT_USER_ID = new Types.ObjectId('000000000000000000000b07');

/**
 * Endpoints a group may query through the bot (paths after /api/v1, as routed). Everything else — writes,
 * exports, personal data such as /me — answers 403, whatever the region.
 */
const READABLE_ROUTES = new Set([
  '/periods/current',
  '/regions/:code',
  '/regions/:code/children',
  '/regions/:code/progress',
  '/regions/:code/supervision',
  '/schools',
  '/notices',
  '/notices/:id',
  '/trainings',
  '/trainings/:id',
  '/trainings/:id/stats',
]);

/** True when the request carries the bot scheme (then it is authenticated here, not as a session). */
export function isBotRequest(ctx: Context): boolean {
  return /^Bot\s/i.test(ctx.get('Authorization'));
}

/**
 * The caller for a bot request on an ordinary endpoint: a synthetic inspector binding of the room's region.
 * 401 for a bad token; 403 for a room that is not bound, any method but GET, or a route outside
 * READABLE_ROUTES (`prefix` is the router prefix, e.g. /api/v1).
 */
export async function botCallerOf(
  ctx: Context,
  botToken: string | undefined,
  prefix: string,
): Promise<AuthContext> {
  if (!botToken) throw new UnauthorizedError(messages.disabled, 'BOT_API_DISABLED');
  if (!botTokenMatches(ctx.get('Authorization'), botToken)) {
    throw new UnauthorizedError(messages.badToken, 'BOT_TOKEN_INVALID');
  }
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD')
    throw new ForbiddenError(messages.readOnly, 'BOT_READ_ONLY');
  const matched = String((ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? '');
  if (!READABLE_ROUTES.has(matched.startsWith(prefix) ? matched.slice(prefix.length) : matched)) {
    throw new ForbiddenError(messages.notForBot, 'BOT_ROUTE_FORBIDDEN');
  }
  const roomId = ctx.get(BOT_ROOM_HEADER).trim();
  if (!roomId) throw new ForbiddenError(messages.noRoom, 'BOT_ROOM_REQUIRED');
  const room = await BotRoom.findById(roomId).lean<BotRoomDoc>();
  if (!room) throw new ForbiddenError(messages.unbound, 'ROOM_NOT_BOUND');
  ctx.state.bot = true;
  ctx.state.botRoom = room;
  return roomCaller(room);
}

/** A read-only inspector of the room's region, as the services expect a caller. */
export function roomCaller(room: Pick<BotRoomDoc, '_id' | 'regionCode' | 'regionPath'>): AuthContext {
  const binding: Binding = {
    _id: BOT_USER_ID,
    kind: 'region',
    role: 'inspector',
    regionCode: room.regionCode,
    regionPath: room.regionPath,
    active: true,
  };
  const user = {
    _id: BOT_USER_ID,
    loginName: `bot:${room._id}`,
    name: messages.botName,
    bindings: [binding],
    mustChangePassword: false,
    locked: false,
    failedLogins: 0,
    mobileVerified: false,
    profileCompleted: true,
  } as unknown as UserDoc;
  return { user, binding };
}
