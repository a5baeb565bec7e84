// GET /me/messages, POST /me/messages/{id}/read: the caller's own personal messages.
import type { FeatureDeps } from '../app-deps';
import { authOf } from '../accounts/auth';
import { paginationQuery } from '../http/pagination';
import { route, type RouteDefinition } from '../http/route';
import { listUserMessages, markUserMessageRead } from './service';
import { strictObject } from '../http/schemas';

const listQuery = strictObject({ ...paginationQuery, unread: { type: 'boolean', title: '仅未读' } });
const idParams = strictObject({ id: { type: 'string', title: '消息编号', minLength: 1, maxLength: 200 } }, [
  'id',
]);

export function userMessageRoutes(deps: FeatureDeps): RouteDefinition[] {
  const common = { tags: ['站内消息'], auth: 'user' as const };
  return [
    route({
      ...common,
      method: 'get',
      path: '/me/messages',
      summary: '我的站内消息（申请的审批结果等），新的在前，含未读数',
      query: listQuery,
      handler: async (ctx, { query: q }) => {
        ctx.body = await listUserMessages(authOf(ctx).user._id, q);
      },
    }),
    route({
      ...common,
      method: 'post',
      path: '/me/messages/:id/read',
      summary: '标记一条站内消息为已读',
      params: idParams,
      status: 204,
      handler: async (ctx, { params: { id } }) => {
        await markUserMessageRead(deps.clock, authOf(ctx).user._id, id);
      },
    }),
  ];
}
