// Permission codes (seed 003 权限码), removing bound region admins, activation progress.
import type { Context } from 'koa';
import type { FeatureDeps } from '../app-deps';
import type { ActionContext } from '../schools/admin-accounts';
import { actionOf } from '../access/caller';
import { authOf } from '../accounts/auth';
import { answering, idRoute, route, type RouteDefinition } from '../http/route';
import {
  bindCodeBody,
  codeIdParams,
  createCodeBody,
  listCodesQuery,
  regionAdminParams,
  regionParams,
} from './schemas';
import {
  activationProgress,
  bindCode,
  createCode,
  listCodes,
  removeRegionAdmin,
  revokeCode,
} from './service';

export function permissionCodeRoutes(deps: FeatureDeps): RouteDefinition[] {
  const action = (ctx: Context): ActionContext => actionOf(ctx, deps.clock);
  const common = { tags: ['权限码'], auth: 'user' as const };
  const answer = answering(common, action);
  return [
    route({
      ...common,
      method: 'post',
      path: '/permission-codes',
      summary: '发放权限码（一次性，明文只在此次响应中出现）',
      body: createCodeBody,
      responses: { 201: { description: '已生成' } },
      handler: async (ctx, { body }) => {
        ctx.body = await createCode(action(ctx), body);
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/permission-codes',
      summary: '辖区内的权限码（权限码已打码；状态：未使用/已使用/已撤销/已过期）',
      query: listCodesQuery,
      handler: async (ctx, { query }) => {
        ctx.body = await listCodes(authOf(ctx).binding, query, deps.clock());
      },
    }),
    idRoute(
      {
        ...common,
        method: 'post',
        path: '/permission-codes/:id/revoke',
        summary: '撤销未使用的权限码',
        params: codeIdParams,
      },
      (ctx, id) => revokeCode(action(ctx), id),
    ),
    route({
      ...common,
      method: 'post',
      path: '/permission-codes/bind',
      summary: '绑定权限码（登录后填写权限码与个人信息，获得对应身份）',
      body: bindCodeBody,
      handler: async (ctx, { body }) => {
        ctx.body = await bindCode(action(ctx), authOf(ctx).user, ctx.state.token as string, body);
      },
    }),
    answer(
      {
        tags: ['地区'],
        method: 'delete',
        path: '/regions/:code/admins/:userId',
        summary: '删除地区的已绑定管理员（之后可发放新的权限码）',
        params: regionAdminParams,
      },
      (caller, { params: { code, userId } }) => removeRegionAdmin(caller, code, userId),
    ),
    route({
      ...common,
      tags: ['地区'],
      method: 'get',
      path: '/regions/:code/activation',
      summary: '辖区内各级管理员激活进度（按直接下级地区与直属学校；点击下级地区再次调用即下钻）',
      params: regionParams,
      handler: async (ctx, { params }) => {
        ctx.body = await activationProgress(authOf(ctx).binding, params.code);
      },
    }),
  ];
}
