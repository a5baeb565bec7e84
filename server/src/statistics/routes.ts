// REST routes of the informatization statistics (issue 13): indicator catalog, category page by region,
// chart data, list mode with XLSX export, and a recount. Jurisdiction in the service (regionWithin).
import { authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { route, type RouteDefinition } from '../http/route';
import { LONG_REQUEST_MS } from '../http/time-limit';
import { defaultPeriod, regionWithin } from '../reports/progress-view';
import { sendWorkbook, workbookExport } from '../http/download';
import { schoolListFileName, writeSchoolListWorkbook } from './export';
import { rebuildStatistics } from './rollups';
import * as s from './schemas';
import {
  indicatorCatalog,
  regionStatistics,
  statisticsChart,
  statisticsSchoolPage,
  statisticsSchools,
} from './service';

const messages = {
  tags: ['数据统计'],
};

export function statisticsRoutes(deps: FeatureDeps): RouteDefinition[] {
  const common = { tags: messages.tags, auth: 'user' as const };
  const sd = { clock: deps.clock, calendar: deps.calendar };
  return [
    {
      ...common,
      method: 'get',
      path: '/statistics/indicators',
      summary: '统计指标目录：分类、统计页与每个指标的名称、单位、类型、适用学校类型与计算说明',
      handler: (ctx) => {
        ctx.body = indicatorCatalog();
      },
    },
    route({
      ...common,
      method: 'get',
      path: '/regions/:code/statistics',
      // `_id` reads; a period never counted is built in the background (jobs/rollup-builds.ts), waited
      // for at most ROLLUP_WAIT_MS: the ordinary time limit applies.
      summary:
        '数据统计（按地区）：本地区、各直接下级与直属学校的某一分类（统计页）指标；可按学校类型、城乡类型、期次筛选',
      params: s.regionCodeParams,
      query: s.statisticsQuery,
      handler: async (ctx, { params, query }) => {
        ctx.body = await regionStatistics(sd, authOf(ctx), params.code, query);
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/regions/:code/statistics/chart',
      // `_id` reads; a period never counted is built in the background (jobs/rollup-builds.ts), waited
      // for at most ROLLUP_WAIT_MS: the ordinary time limit applies.
      summary: '统计图数据：某一指标在各直接下级与直属学校的柱状图，以及最近 8 期的趋势',
      params: s.regionCodeParams,
      query: s.chartQuery,
      handler: async (ctx, { params, query }) => {
        ctx.body = await statisticsChart(sd, authOf(ctx), params.code, query);
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/regions/:code/statistics/schools',
      // `_id` reads; a period never counted is built in the background (jobs/rollup-builds.ts), waited
      // for at most ROLLUP_WAIT_MS: the ordinary time limit applies.
      summary: '列表模式：统计数字背后的学校及其填报值（分页）',
      params: s.regionCodeParams,
      query: s.schoolListQuery,
      handler: async (ctx, { params, query }) => {
        ctx.body = await statisticsSchoolPage(sd, authOf(ctx), params.code, query);
      },
    }),
    route({
      ...common,
      ...workbookExport,
      method: 'get',
      path: '/regions/:code/statistics/schools/export',
      summary: '导出列表模式的学校明细（XLSX，流式）',
      params: s.regionCodeParams,
      query: s.schoolExportQuery,
      handler: async (ctx, { params, query }) => {
        const list = await statisticsSchools(sd, authOf(ctx), params.code, query);
        sendWorkbook(ctx, schoolListFileName(list), (out) => writeSchoolListWorkbook(out, list));
      },
    }),
    route({
      ...common,
      method: 'post',
      path: '/regions/:code/statistics/recount',
      timeoutMs: LONG_REQUEST_MS,
      summary: '重新统计本地区某期的数据统计（修复汇总数据的偏差，返回发现偏差的汇总文档）',
      params: s.regionCodeParams,
      query: s.rebuildQuery,
      handler: async (ctx, { params, query }) => {
        await regionWithin(authOf(ctx), params.code);
        ctx.body = await rebuildStatistics(deps.clock, query.period ?? defaultPeriod(sd), params.code);
      },
    }),
  ];
}
