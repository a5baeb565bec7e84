// School-admin account management (seed 000 part 3); switching the active binding is accounts/binding-routes.ts.
import type { Context } from 'koa';
import type { FeatureDeps } from '../app-deps';
import { contentDisposition, XLSX_MIME } from '../http/download';
import { answering, idRoute, route, type RouteDefinition } from '../http/route';
import {
  addSchoolAdminBody,
  exportQuery,
  regionCodeParams,
  schoolAdminListQuery,
  schoolAdminParams,
  schoolIdParams,
  userIdParams,
} from './admin-schemas';
import {
  addSchoolAdmin,
  listSchoolAdmins,
  lockSchoolAdmin,
  openSchoolAdminExport,
  removeSchoolAdmin,
  resetSchoolAdminPassword,
  unlockSchoolAdmin,
  type ActionContext,
} from './admin-accounts';
import { actionOf } from '../access/caller';
import { authOf } from '../accounts/auth';

export function accountAdminRoutes(deps: FeatureDeps): RouteDefinition[] {
  const action = (ctx: Context): ActionContext => actionOf(ctx, deps.clock);
  const common = { tags: ['学校管理员账号'], auth: 'user' as const };
  const answer = answering(common, action);
  return [
    answer(
      {
        method: 'get',
        path: '/schools/:id/admins',
        summary: '学校管理员账号列表（在任者在前；管辖该校的地区管理员可见完整联系方式）',
        params: schoolIdParams,
        query: schoolAdminListQuery,
      },
      ({ binding, clock }, { params, query }) =>
        listSchoolAdmins(binding, params.id, query.page, query.pageSize, clock()),
    ),
    answer(
      {
        method: 'post',
        path: '/schools/:id/admins',
        summary: '新增学校管理员（更换管理员：原管理员失效，初始密码 123456）',
        params: schoolIdParams,
        body: addSchoolAdminBody,
        responses: { 201: { description: '已新增，返回登录名与初始密码' } },
        status: 201,
      },
      (caller, { params, body }) => addSchoolAdmin(caller, params.id, body.name),
    ),
    answer(
      {
        method: 'delete',
        path: '/schools/:id/admins/:userId',
        summary: '移除学校的在任管理员（之后可发放新的权限码）',
        params: schoolAdminParams,
      },
      (caller, { params }) => removeSchoolAdmin(caller, params.id, params.userId),
    ),
    route({
      ...common,
      method: 'post',
      path: '/users/:id/reset-password',
      summary: '重置学校管理员密码（随机 6 位一次性密码，仅显示一次，登录后须修改）',
      params: userIdParams,
      handler: async (ctx, { params }) => {
        ctx.body = await resetSchoolAdminPassword(action(ctx), params.id);
        ctx.set('Cache-Control', 'no-store');
      },
    }),
    idRoute(
      {
        ...common,
        method: 'post',
        path: '/users/:id/lock',
        summary: '锁定学校管理员账号（锁定后不能登录）',
        params: userIdParams,
      },
      (ctx, id) => lockSchoolAdmin(action(ctx), id),
    ),
    idRoute(
      {
        ...common,
        method: 'post',
        path: '/users/:id/unlock',
        summary: '解锁学校管理员账号（已新增接替管理员后不能解锁）',
        params: userIdParams,
      },
      (ctx, id) => unlockSchoolAdmin(action(ctx), id),
    ),
    route({
      ...common,
      method: 'get',
      path: '/regions/:code/school-admins/export',
      summary: '导出学校管理员账号（XLSX，流式；默认仅直管学校）',
      params: regionCodeParams,
      query: exportQuery,
      responses: { 200: { description: 'XLSX 文件' } },
      handler: async (ctx, { params, query }) => {
        const { filename, stream } = await openSchoolAdminExport(
          authOf(ctx).binding,
          params.code,
          query.direct,
        );
        ctx.set('Content-Type', XLSX_MIME);
        ctx.set('Content-Disposition', contentDisposition(filename));
        ctx.set('Cache-Control', 'no-store');
        ctx.body = stream;
      },
    }),
  ];
}
