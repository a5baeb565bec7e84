// HTTP surface of the base-data sync (seed 002 §9, §10, §12) and functional zones: auth → validation →
// handler; the handlers only translate between HTTP and the services.
import type { Context } from 'koa';
import { actorOf, authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { idRoute, route, type RouteDefinition } from '../http/route';
import { LONG_REQUEST_MS } from '../http/time-limit';
import { drainOnError, uploadedFile } from '../http/upload';
import type { Caller } from '../schools/service';
import {
  createZoneBody,
  moveSchoolsBody,
  schoolCodeBody,
  schoolIdParams,
  shareQuery,
  syncIdParams,
  zoneCodeParams,
} from './schemas';
import {
  applySync,
  getSync,
  listSyncs,
  previewShare,
  readShare,
  requireNational,
  setSchoolCode,
} from './service';
import { createZone, listZones, moveSchoolsIntoZone } from './zones';

const messages = { tags: ['基础数据同步'] };

/** Upload limit of a share file (a province's schools). */
const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;

function callerOf(ctx: Context): Caller {
  return { binding: authOf(ctx).binding, actor: actorOf(ctx) };
}

export function baseDataRoutes(deps: FeatureDeps): RouteDefinition[] {
  const common = { tags: messages.tags, auth: 'user' as const };
  return [
    route({
      ...common,
      method: 'post',
      path: '/basedata/imports',
      upload: true,
      timeoutMs: LONG_REQUEST_MS,
      query: shareQuery,
      summary:
        '上传教育部基础信息数据库共享数据（XLSX 或 CSV；学校按学校标识码，或行政区划）：逐行校验，返回将新增、关联、更名、迁移、撤销及不变的预览，不做更改（国家级管理员）',
      responses: { 201: { description: '预览：{ id, kind, state: previewed, rows, counts, items }' } },
      status: 201,
      handler: async (ctx, { query: { kind } }) => {
        const rows = await drainOnError(ctx, async () => {
          requireNational(callerOf(ctx));
          return readShare(kind, await uploadedFile(ctx, MAX_UPLOAD_BYTES));
        });
        ctx.body = await previewShare(deps, callerOf(ctx), kind, rows);
      },
    }),
    {
      ...common,
      method: 'get',
      path: '/basedata/imports',
      summary: '最近 20 个同步批次（预览、应用中、已应用）及各类更改的数量',
      handler: async (ctx) => {
        ctx.body = await listSyncs(callerOf(ctx));
      },
    },
    idRoute(
      {
        ...common,
        method: 'get',
        path: '/basedata/imports/:id',
        params: syncIdParams,
        summary: '同步批次：预览、应用进度与结果',
      },
      (ctx, id) => getSync(callerOf(ctx), id),
    ),
    idRoute(
      {
        ...common,
        method: 'post',
        path: '/basedata/imports/:id/apply',
        params: syncIdParams,
        timeoutMs: LONG_REQUEST_MS,
        summary: '一次应用预览中的全部更改（可在服务中断后继续；逐项留痕）',
      },
      (ctx, id) => applySync(deps, callerOf(ctx), id),
    ),
    {
      ...common,
      method: 'get',
      path: '/basedata/zones',
      summary: '功能区列表（平潭综合实验区、湄洲岛等行政区划之外的教育管理单位）',
      handler: async (ctx) => {
        ctx.body = await listZones(callerOf(ctx));
      },
    },
    route({
      ...common,
      method: 'post',
      path: '/basedata/zones',
      body: createZoneBody,
      summary: '新建功能区：名称、自有代码、上级地区与上报层级（国家级管理员）',
      status: 201,
      handler: async (ctx, { body }) => {
        ctx.body = await createZone(deps, callerOf(ctx), body);
      },
    }),
    route({
      ...common,
      method: 'post',
      path: '/basedata/zones/:code/schools',
      params: zoneCodeParams,
      body: moveSchoolsBody,
      timeoutMs: LONG_REQUEST_MS,
      summary: '把学校迁入功能区（账号、教师、填报与进度随学校迁移）',
      handler: async (ctx, { body, params }) => {
        ctx.body = await moveSchoolsIntoZone(deps, callerOf(ctx), params.code, body.schoolIds);
      },
    }),
    route({
      ...common,
      method: 'put',
      path: '/basedata/schools/:id/code',
      params: schoolIdParams,
      body: schoolCodeBody,
      summary: '手工设置或清除学校标识码（手工建立的学校；国家级管理员）',
      handler: async (ctx, { body, params }) => {
        ctx.body = await setSchoolCode(deps, callerOf(ctx), params.id, body.schoolCode);
      },
    }),
  ];
}
