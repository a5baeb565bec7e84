// Account aliases (seed 002 四(一)): list, add, remove one account's aliases; import many from XLSX/CSV.
import type { Context } from 'koa';
import type { FeatureDeps } from '../app-deps';
import { actorOf, authOf } from '../accounts/auth';
import { idRoute, route, type RouteDefinition } from '../http/route';
import { LONG_REQUEST_MS } from '../http/time-limit';
import { readUpload } from '../http/upload';
import { addAliasBody, aliasParams, userIdParams } from './schemas';
import {
  addAlias,
  importAliases,
  listAliases,
  readAliasRows,
  removeAlias,
  type AliasContext,
} from './service';

const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export function aliasRoutes(deps: FeatureDeps): RouteDefinition[] {
  const ac = (ctx: Context): AliasContext => ({
    clock: deps.clock,
    actor: actorOf(ctx),
    binding: authOf(ctx).binding,
  });
  const common = { tags: ['账号别名'], auth: 'user' as const };
  return [
    idRoute(
      {
        ...common,
        method: 'get',
        path: '/users/:id/aliases',
        summary: '账号的别名（可代替登录名登录；管辖该账号全部身份的地区管理员可见）',
        params: userIdParams,
      },
      (ctx, id) => listAliases(ac(ctx), id),
    ),
    route({
      ...common,
      method: 'post',
      path: '/users/:id/aliases',
      summary: '为账号增加别名（全系统唯一，不能与任何登录名相同；每个账号最多 5 个）',
      params: userIdParams,
      body: addAliasBody,
      responses: { 201: { description: '已增加' }, 200: { description: '该别名已属于此账号' } },
      handler: async (ctx, { params, body }) => {
        const result = await addAlias(ac(ctx), params.id, body.alias);
        ctx.status = result.created ? 201 : 200;
        ctx.body = result.alias;
      },
    }),
    route({
      ...common,
      method: 'delete',
      path: '/users/:id/aliases/:alias',
      summary: '删除账号的一个别名',
      params: aliasParams,
      status: 204,
      handler: async (ctx, { params }) => {
        await removeAlias(ac(ctx), params.id, params.alias);
      },
    }),
    {
      ...common,
      method: 'post',
      path: '/account-aliases/import',
      upload: true,
      timeoutMs: LONG_REQUEST_MS,
      summary:
        '批量导入账号别名（XLSX 或 CSV，列：登录名、别名）：逐行校验，任何一行有误则不导入，错误注明行号',
      responses: { 201: { description: '{ rows, created, unchanged }' } },
      status: 201,
      handler: async (ctx) => {
        const rows = await readUpload(ctx, MAX_UPLOAD_BYTES, readAliasRows);
        ctx.body = await importAliases(ac(ctx), rows);
      },
    },
  ];
}
