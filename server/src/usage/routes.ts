// HTTP surface of the usage statistics (seed 003 part 2: 用户注册、应用分析).
import { authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { input, type RouteDefinition } from '../http/route';
import type { JsonSchema } from '../http/validation';
import { usageOf, type UsageQuery } from './service';

const day = (title: string): JsonSchema => ({ type: 'string', title, format: 'date' });

const usageQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    activeDays: { type: 'integer', title: '活跃天数', minimum: 1, maximum: 365 },
    from: day('开始日期'),
    to: day('结束日期'),
  },
};

const codeParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
};

export function usageRoutes(deps: FeatureDeps): RouteDefinition[] {
  return [
    {
      method: 'get',
      path: '/regions/:code/usage',
      summary:
        '用户注册与应用分析：各角色注册与活跃用户（本地区、各下级、本级及直属学校）、每日登录次数（区域超级管理员）',
      tags: ['数据统计'],
      auth: 'user',
      params: codeParams,
      query: usageQuery,
      handler: async (ctx) => {
        const { params, query } = input<unknown, UsageQuery, { code: string }>(ctx);
        ctx.body = await usageOf(deps.clock, authOf(ctx).binding, params.code, query);
      },
    },
  ];
}
