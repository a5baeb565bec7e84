// HTTP surface of 高等学校 (seed 002 §7): designation and the university's own 审核员 and 视察员.
import type { Context } from 'koa';
import { actorOf, authOf } from '../accounts/auth';
import type { ActionContext } from '../access/caller';
import type { FeatureDeps } from '../app-deps';
import { idRoute, route, type RouteDefinition } from '../http/route';
import { DISPLAY_NAME } from '../http/validation';
import { addUniversityStaff, designateUniversity, listUniversityStaff } from './service';
import { strictObject } from '../http/schemas';

const idParams = strictObject({ id: { type: 'string', title: '学校 ID', pattern: '^[0-9a-f]{24}$' } }, [
  'id',
]);
const designateBody = strictObject(
  {
    higherEducation: {
      type: ['string', 'null'],
      title: '高等学校类别',
      enum: ['provincial', 'ministry', null],
    },
  },
  ['higherEducation'],
);
const staffBody = strictObject(
  {
    role: { type: 'string', title: '角色', enum: ['auditor', 'inspector'] },
    name: { type: 'string', title: '姓名', minLength: 2, maxLength: 30, [DISPLAY_NAME]: true },
  },
  ['role'],
);

export function universityRoutes(deps: FeatureDeps): RouteDefinition[] {
  const common = { tags: ['高等学校'], auth: 'user' as const };
  const ac = (ctx: Context): ActionContext => ({
    clock: deps.clock,
    actor: actorOf(ctx),
    binding: authOf(ctx).binding,
  });
  return [
    route({
      ...common,
      method: 'put',
      path: '/schools/:id/higher-education',
      params: idParams,
      body: designateBody,
      summary:
        '设为（或取消）高等学校：省属（provincial，省直管学校，向省上报）或部属（ministry，由全国直接管理、向教育部上报，仅全国管理员）；均按省级时间上报，设管理员、审核员、视察员',
      handler: async (ctx, { body, params }) => {
        ctx.body = await designateUniversity(
          { ...ac(ctx), calendar: deps.calendar },
          params.id,
          body.higherEducation,
        );
      },
    }),
    idRoute(
      {
        ...common,
        method: 'get',
        path: '/schools/:id/staff',
        params: idParams,
        summary: '高等学校的管理员、审核员、视察员账号',
      },
      (ctx, id) => listUniversityStaff(ac(ctx), id),
    ),
    route({
      ...common,
      method: 'post',
      path: '/schools/:id/staff',
      params: idParams,
      body: staffBody,
      summary: '为高等学校新建审核员或视察员账号（替换原账号；初始密码 123456）',
      status: 201,
      handler: async (ctx, { body, params }) => {
        ctx.body = await addUniversityStaff(ac(ctx), params.id, body.role, body.name);
      },
    }),
  ];
}
