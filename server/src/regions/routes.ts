import { authOf } from '../accounts/auth';
import { School } from '../schools/model';
import { route, type RouteDefinition } from '../http/route';
import { regionView } from './model';
import { childrenOf, getRegionWithin } from './service';
import { strictObject } from '../http/schemas';

const codeParams = strictObject({ code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } }, [
  'code',
]);

export function regionRoutes(): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/regions/:code',
      summary: '地区信息（级别、上级路径、下级与学校数量）',
      tags: ['地区'],
      auth: 'user',
      params: codeParams,
      handler: async (ctx, { params: { code } }) => {
        const region = await getRegionWithin(authOf(ctx).binding, code);
        const [children, schools, directSchools] = await Promise.all([
          childrenOf(code).then((c) => c.length),
          School.countDocuments({ regionPath: code }),
          School.countDocuments({ regionCode: code }),
        ]);
        ctx.body = { ...regionView(region), counts: { children, schools, directSchools } };
      },
    }),
    route({
      method: 'get',
      path: '/regions/:code/children',
      summary: '直接下级地区',
      tags: ['地区'],
      auth: 'user',
      params: codeParams,
      handler: async (ctx, { params: { code } }) => {
        await getRegionWithin(authOf(ctx).binding, code);
        const children = await childrenOf(code);
        ctx.body = { items: children.map(regionView), total: children.length };
      },
    }),
  ];
}
