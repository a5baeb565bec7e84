// HTTP surface for the group-chat bot: binding codes (for logged-in region admins) and the bot's own
// calls (bot token): binding rooms, listing them for fan-out, draining the outbox.
import type { Context } from 'koa';
import { actorOf, authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { input, type RouteDefinition } from '../http/route';
import { botActorOf, requireBot } from './auth';
import {
  bindingCodeBody,
  bindRoomBody,
  eventParams,
  leaseEventsQuery,
  listRoomsQuery,
  roomParams,
} from './schemas';
import {
  ackEvent,
  bindRoom,
  createBindingCode,
  leaseEvents,
  listRooms,
  unbindRoom,
  type BindRoomInput,
  type LeaseQuery,
} from './service';

const messages = {
  tags: ['群聊机器人'],
};

export interface BotRouteDeps extends FeatureDeps {
  /** BOT_TOKEN; unset → every bot-authenticated call answers 401. */
  botToken?: string;
}

export function botRoutes(deps: BotRouteDeps): RouteDefinition[] {
  const bot = { tags: messages.tags, before: [requireBot(deps.botToken)] };
  return [
    {
      tags: messages.tags,
      auth: true,
      before: [deps.auth],
      method: 'post',
      path: '/bot/binding-codes',
      summary:
        '生成群聊绑定码（地区管理员；一次性，8 位，24 小时内有效，在群里发给机器人即把该群绑定到地区）',
      body: bindingCodeBody,
      responses: { 201: { description: '{ code, regionCode, regionName, expiresAt, instruction }' } },
      handler: async (ctx: Context) => {
        const auth = authOf(ctx);
        ctx.body = await createBindingCode(
          { clock: deps.clock, actor: actorOf(ctx), binding: auth.binding },
          auth.user,
          input<{ regionCode: string }>(ctx).body.regionCode,
        );
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
      },
    },
    {
      ...bot,
      method: 'post',
      path: '/bot/rooms/bind',
      summary: '机器人：用绑定码把群聊绑定到地区（Authorization: Bot <令牌>）',
      body: bindRoomBody,
      handler: async (ctx) => {
        ctx.body = await bindRoom(deps.clock, botActorOf(ctx), input<BindRoomInput>(ctx).body);
      },
    },
    {
      ...bot,
      method: 'get',
      path: '/bot/rooms',
      summary: '机器人：已绑定的群聊及其地区代码与上级路径（用于分发事件）',
      query: listRoomsQuery,
      handler: async (ctx) => {
        ctx.body = await listRooms(input<unknown, { page: number; pageSize: number }>(ctx).query);
      },
    },
    {
      ...bot,
      method: 'delete',
      path: '/bot/rooms/:roomId',
      summary: '机器人：解除群聊绑定（机器人被移出群聊时）',
      params: roomParams,
      handler: async (ctx) => {
        const { roomId } = input<unknown, unknown, { roomId: string }>(ctx).params;
        ctx.body = await unbindRoom(deps.clock, botActorOf(ctx), roomId);
      },
    },
    {
      ...bot,
      method: 'get',
      path: '/bot/events',
      summary: '机器人：领取未送达的事件（按实例加租约；租约内不会派给其他实例，到期未确认则重新派发）',
      query: leaseEventsQuery,
      handler: async (ctx) => {
        ctx.body = await leaseEvents(deps.clock, input<unknown, LeaseQuery>(ctx).query);
      },
    },
    {
      ...bot,
      method: 'post',
      path: '/bot/events/:id/ack',
      summary: '机器人：确认事件已送达（重复确认结果相同）',
      params: eventParams,
      handler: async (ctx) => {
        ctx.body = await ackEvent(deps.clock, input<unknown, unknown, { id: string }>(ctx).params.id);
      },
    },
  ];
}
