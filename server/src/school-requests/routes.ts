// School deletion / affiliation-change requests (seed 001 §11, §13): file, list, read, approve, refuse.
import type { Context } from 'koa';
import type { FeatureDeps } from '../app-deps';
import { actorOf, authOf } from '../accounts/auth';
import { idRoute, route, type RouteDefinition } from '../http/route';
import { approveBody, fileRequestBody, listRequestsQuery, refuseBody, requestIdParams } from './schemas';
import {
  decideSchoolRequest,
  fileSchoolRequest,
  getSchoolRequest,
  listSchoolRequests,
  type RequestContext,
} from './service';

export function schoolRequestRoutes(deps: FeatureDeps): RouteDefinition[] {
  const rc = (ctx: Context): RequestContext => ({
    clock: deps.clock,
    actor: actorOf(ctx),
    auth: authOf(ctx),
  });
  const schoolDeps = { clock: deps.clock, calendar: deps.calendar };
  const common = { tags: ['学校申请'], auth: 'user' as const };
  const decide = (approve: boolean): RouteDefinition =>
    route({
      ...common,
      method: 'post',
      path: `/school-requests/:id/${approve ? 'approve' : 'refuse'}`,
      summary: approve
        ? '批准申请（全国管理员；随即删除学校或变更隶属关系，申请人收到站内消息与群推送）'
        : '驳回申请（全国管理员，须填写驳回理由；申请人收到站内消息与群推送）',
      params: requestIdParams,
      body: approve ? approveBody : refuseBody,
      handler: async (ctx, { params, body }) => {
        ctx.body = await decideSchoolRequest(schoolDeps, rc(ctx), params.id, approve, body.comment);
      },
    });
  return [
    route({
      ...common,
      method: 'post',
      path: '/school-requests',
      summary:
        '提出申请：删除已初始化的学校（kind=delete）或变更学校隶属关系（kind=transfer，须指定新的主管地区），须填写理由，由全国管理员审批',
      body: fileRequestBody,
      responses: { 201: { description: '已提交，待审批' } },
      status: 201,
      handler: async (ctx, { body }) => {
        ctx.body = await fileSchoolRequest(rc(ctx), body);
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/school-requests',
      summary: '本辖区学校的删除与隶属关系变更申请（全国：全部），新的在前',
      query: listRequestsQuery,
      handler: async (ctx, { query: q }) => {
        ctx.body = await listSchoolRequests(authOf(ctx), q);
      },
    }),
    idRoute(
      {
        ...common,
        method: 'get',
        path: '/school-requests/:id',
        summary: '一份学校申请及其审批结果',
        params: requestIdParams,
      },
      (ctx, id) => getSchoolRequest(authOf(ctx), id),
    ),
    decide(true),
    decide(false),
  ];
}
