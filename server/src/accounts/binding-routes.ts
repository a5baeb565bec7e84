// Switching the caller's active binding (POST /me/binding), for a person holding several region/school
// bindings. Moved out of the school-admin routes (now schools/admin-routes.ts); the service is bindings.ts.
import type { FeatureDeps } from '../app-deps';
import { actionOf } from '../access/caller';
import { route, type RouteDefinition } from '../http/route';
import { authOf } from './auth';
import { switchBinding } from './bindings';
import { strictObject } from '../http/schemas';

export const switchBindingBody = strictObject(
  { bindingId: { type: 'string', pattern: '^[0-9a-fA-F]{24}$', title: '身份编号' } },
  ['bindingId'],
);

export function bindingRoutes(deps: FeatureDeps): RouteDefinition[] {
  return [
    route({
      tags: ['账号'],
      auth: 'user',
      method: 'post',
      path: '/me/binding',
      summary: '切换当前身份（同一人持有多个地区/学校身份时）',
      body: switchBindingBody,
      handler: async (ctx, { body }) => {
        const { user } = authOf(ctx);
        const { bindingId } = body;
        ctx.body = await switchBinding(actionOf(ctx, deps.clock), user, ctx.state.token as string, bindingId);
      },
    }),
  ];
}
