// HTTP surface of the usage statistics (seed 003 part 2: 用户注册、应用分析).
import { authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { route, type RouteDefinition } from '../http/route';
import { usageOf } from './service';
import { strictObject } from '../http/schemas';

const day = (title: string) => ({ type: 'string', title, format: 'date' }) as const;

const usageQuery = strictObject({
  activeDays: { type: 'integer', title: '活跃天数', minimum: 1, maximum: 365 },
  from: day('开始日期'),
  to: day('结束日期'),
});

const codeParams = strictObject({ code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } }, [
  'code',
]);

export function usageRoutes(deps: FeatureDeps): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/regions/:code/usage',
      summary:
        '用户注册与应用分析：各角色注册与活跃用户（本地区、各下级、本级及直属学校）、每日登录次数（区域超级管理员）',
      tags: ['数据统计'],
      auth: 'user',
      params: codeParams,
      query: usageQuery,
      handler: async (ctx, { params, query }) => {
        ctx.body = await usageOf(deps.clock, authOf(ctx).binding, params.code, query);
      },
    }),
  ];
}
