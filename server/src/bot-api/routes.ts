// HTTP surface for the group-chat bot: binding codes (for logged-in region admins) and the bot's own
// calls (bot token): binding rooms, listing them for fan-out, draining the outbox.
import { actorOf, authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { isRegionManager } from '../schools/admin-accounts';
import { ForbiddenError } from '../http/errors';
import { idRoute, route, type RouteDefinition } from '../http/route';
import { botActorOf } from './auth';
import { BOT_ROOM_HEADER } from './caller';
import { ackDelivery, failDelivery, leaseDeliveries } from './deliveries';
import { getRoom, searchRegions, setSubscription, unbindWithCode } from './rooms';
import { BotRoom, type BotRoomDoc } from './model';
import {
  bindingCodeBody,
  bindRoomBody,
  deliveryParams,
  eventParams,
  failDeliveryBody,
  leaseDeliveriesQuery,
  leaseEventsQuery,
  regionSearchQuery,
  subscriptionBody,
  unbindRoomBody,
  listRoomsQuery,
  roomParams,
} from './schemas';
import { ackEvent, bindRoom, createBindingCode, leaseEvents, listRooms, unbindRoom } from './service';

const messages = {
  tags: ['群聊机器人'],
  notAdmin: '只有地区管理员可以查看本地区的群聊',
  noRoom: '请在请求头 X-Bot-Room 中给出群聊编号',
  unbound: '该群聊尚未绑定地区',
};

export interface BotRouteDeps extends FeatureDeps {
  /** BOT_TOKEN; unset → every bot-authenticated call answers 401. */
  botToken?: string;
}

export function botRoutes(deps: BotRouteDeps): RouteDefinition[] {
  const bot = { tags: messages.tags, auth: 'bot' as const };
  return [
    route({
      tags: messages.tags,
      auth: 'user',
      method: 'post',
      path: '/bot/binding-codes',
      summary:
        '生成群聊绑定码（地区管理员；一次性，8 位，24 小时内有效，在群里发给机器人即把该群绑定到地区）',
      body: bindingCodeBody,
      responses: { 201: { description: '{ code, regionCode, regionName, expiresAt, instruction }' } },
      handler: async (ctx, { body }) => {
        const auth = authOf(ctx);
        ctx.body = await createBindingCode(
          { clock: deps.clock, actor: actorOf(ctx), binding: auth.binding },
          auth.user,
          body.regionCode,
        );
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
      },
    }),
    route({
      ...bot,
      method: 'post',
      path: '/bot/rooms/bind',
      summary: '机器人：用绑定码把群聊绑定到地区（Authorization: Bot <令牌>）',
      body: bindRoomBody,
      handler: async (ctx, { body }) => {
        ctx.body = await bindRoom(deps.clock, botActorOf(ctx), body);
      },
    }),
    route({
      tags: messages.tags,
      method: 'get',
      path: '/bot/rooms',
      summary:
        '已绑定的群聊、地区与最近一次推送及错误（机器人令牌：全部，用于分发；地区管理员登录：本地区及下级的群聊）',
      query: listRoomsQuery,
      auth: 'bot-or-user',
      handler: async (ctx, { query }) => {
        if (ctx.state.bot) {
          ctx.body = await listRooms(query);
          return;
        }
        const binding = authOf(ctx).binding;
        if (!isRegionManager(binding)) throw new ForbiddenError(messages.notAdmin, 'ROLE_FORBIDDEN');
        ctx.body = await listRooms(query, binding.regionCode);
      },
    }),
    route({
      ...bot,
      method: 'get',
      path: '/bot/rooms/:roomId',
      summary: '机器人：一个群聊的绑定（地区、已退订的推送类型、最近推送）',
      params: roomParams,
      handler: async (ctx, { params }) => {
        ctx.body = await getRoom(params.roomId);
      },
    }),
    route({
      ...bot,
      method: 'put',
      path: '/bot/rooms/:roomId/subscriptions',
      summary: '机器人：群聊订阅或退订一类推送（提醒、退回、撤报、公告、周报、学时）',
      params: roomParams,
      body: subscriptionBody,
      handler: async (ctx, { params, body }) => {
        ctx.body = await setSubscription(deps.clock, botActorOf(ctx), params.roomId, body.topic, body.on);
      },
    }),
    route({
      ...bot,
      method: 'post',
      path: '/bot/rooms/unbind',
      summary: '机器人：凭本地区（或上级）管理员生成的绑定码解除群聊绑定（群里发送「解绑 绑定码」）',
      body: unbindRoomBody,
      handler: async (ctx, { body }) => {
        ctx.body = await unbindWithCode(deps.clock, botActorOf(ctx), body);
      },
    }),
    route({
      ...bot,
      method: 'get',
      path: '/bot/regions',
      summary: '机器人：在群聊所绑定地区的范围内按名称查找地区（「福州」即福州市；同名给出候选）',
      query: regionSearchQuery,
      handler: async (ctx, { query }) => {
        const roomId = ctx.get(BOT_ROOM_HEADER).trim();
        if (!roomId) throw new ForbiddenError(messages.noRoom, 'BOT_ROOM_REQUIRED');
        const room = await BotRoom.findById(roomId).lean<BotRoomDoc>();
        if (!room) throw new ForbiddenError(messages.unbound, 'ROOM_NOT_BOUND');
        ctx.body = await searchRegions(room, query.q);
      },
    }),
    route({
      ...bot,
      method: 'get',
      path: '/bot/deliveries',
      summary:
        '机器人：领取待推送的（事件，群聊）对；先把新事件分发到应收到的群聊。租约内不会派给其他实例，到期未确认则重新派发',
      query: leaseDeliveriesQuery,
      handler: async (ctx, { query: q }) => {
        ctx.body = await leaseDeliveries(deps.clock, {
          consumer: q.consumer,
          limit: q.limit,
          leaseSeconds: q.leaseSeconds,
          roomIds: q.rooms
            ?.split(',')
            .map((r) => r.trim())
            .filter(Boolean),
        });
      },
    }),
    idRoute(
      {
        ...bot,
        method: 'post',
        path: '/bot/deliveries/:id/ack',
        summary: '机器人：确认已推送到群聊（重复确认结果相同）',
        params: deliveryParams,
      },
      (ctx, id) => ackDelivery(deps.clock, id),
    ),
    route({
      ...bot,
      method: 'post',
      path: '/bot/deliveries/:id/fail',
      summary: '机器人：推送失败，稍后重试（错误显示在群聊列表中）',
      params: deliveryParams,
      body: failDeliveryBody,
      handler: async (ctx, { params, body }) => {
        ctx.body = await failDelivery(deps.clock, params.id, body);
      },
    }),
    route({
      ...bot,
      method: 'delete',
      path: '/bot/rooms/:roomId',
      summary: '机器人：解除群聊绑定（机器人被移出群聊时）',
      params: roomParams,
      handler: async (ctx, { params: { roomId } }) => {
        ctx.body = await unbindRoom(deps.clock, botActorOf(ctx), roomId);
      },
    }),
    route({
      ...bot,
      method: 'get',
      path: '/bot/events',
      summary: '机器人：领取未送达的事件（按实例加租约；租约内不会派给其他实例，到期未确认则重新派发）',
      query: leaseEventsQuery,
      handler: async (ctx, { query }) => {
        ctx.body = await leaseEvents(deps.clock, query);
      },
    }),
    idRoute(
      {
        ...bot,
        method: 'post',
        path: '/bot/events/:id/ack',
        summary: '机器人：确认事件已送达（重复确认结果相同）',
        params: eventParams,
      },
      (ctx, id) => ackEvent(deps.clock, id),
    ),
  ];
}
