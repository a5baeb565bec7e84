// HTTP surface of school management: each route reads as auth → validate → handler, and handlers
// only translate between HTTP and the service.
import { callerOf } from '../access/caller';
import type { FeatureDeps } from '../app-deps';
import { answering, recordRoutes, route, type RouteDefinition } from '../http/route';
import { sendWorkbook, sendWorkbookBuffer, workbookExport } from '../http/download';
import { readUpload } from '../http/upload';
import {
  createSchoolBody,
  deleteSchoolQuery,
  exportSchoolsQuery,
  importSchoolsQuery,
  listSchoolsQuery,
  regionCodeParams,
  schoolIdParams,
  transferSchoolBody,
  updatedMonthsQuery,
  updateSchoolBody,
} from './schemas';
import {
  checkImportAccess,
  createSchool,
  deleteSchool,
  exportableRegion,
  getSchool,
  importSchools,
  listSchools,
  regionsUnder,
  regionSchoolsCursor,
  schoolAdminsByRegion,
  schoolsByUpdatedMonth,
  templateRegions,
  transferSchool,
  updateSchool,
} from './service';
import { buildImportTemplate, exportFileName, readImportRows, writeSchoolsExport, XLSX_MIME } from './xlsx';
import { LONG_REQUEST_MS } from '../http/time-limit';

const messages = {
  tags: ['学校管理'],
  templateFile: '学校批量导入模板.xlsx',
};

/** Upload limit: a 50,000-row import file stays well below it. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export function schoolRoutes(deps: FeatureDeps): RouteDefinition[] {
  const common = { tags: messages.tags, auth: 'user' as const };
  const answer = answering(common, callerOf);
  /** The routes of one school, `/schools/:id…`. */
  const school = recordRoutes(answer, '/schools/:id', schoolIdParams);
  return [
    answer(
      {
        method: 'get',
        path: '/schools',
        summary:
          '学校列表（管辖范围内；按地区、直管、类型、初始化、填报、疑似问题、办别、状态、最后更新时间、名称筛选）',
        query: listSchoolsQuery,
      },
      (caller, { query }) => listSchools(deps, caller, query),
    ),
    answer(
      {
        method: 'post',
        path: '/schools',
        summary: '新增学校（同时生成学校管理员账号，初始密码 123456）',
        body: createSchoolBody,
        responses: { 201: { description: '已创建：{ school, admin: { loginName, initialPassword } }' } },
        status: 201,
      },
      (caller, { body }) => createSchool(deps, caller, body),
    ),
    answer(
      {
        method: 'get',
        path: '/schools/updated-months',
        summary:
          '更新管理：管辖范围内各月（含本月，默认近 6 个月）最后更新的学校数，以及更早或从未更新的学校数',
        query: updatedMonthsQuery,
      },
      (caller, { query }) => schoolsByUpdatedMonth(deps, caller, query),
    ),
    {
      ...common,
      method: 'get',
      path: '/schools/import-template',
      summary: '下载学校批量导入模板（XLSX）',
      responses: { 200: { description: XLSX_MIME } },
      handler: async (ctx) => {
        const regions = await templateRegions(callerOf(ctx));
        sendWorkbookBuffer(ctx, messages.templateFile, await buildImportTemplate(regions));
      },
    },
    route({
      ...common,
      method: 'post',
      path: '/schools/import',
      timeoutMs: LONG_REQUEST_MS,
      upload: true,
      summary:
        '批量导入学校（XLSX 或 CSV：multipart/form-data 的 file 字段，或文件本身作为请求体）：逐行校验，任何一行有误则不导入，成功时返回各校管理员账号；服务中断的导入在重启时完成或撤销',
      query: importSchoolsQuery,
      responses: {
        201: {
          description: '已导入：{ created, initialPassword, schools: [{ id, name, regionCode, loginName }] }',
        },
      },
      status: 201,
      handler: async (ctx, { query: { regionCode } }) => {
        await checkImportAccess(callerOf(ctx), regionCode);
        const rows = await readUpload(ctx, MAX_UPLOAD_BYTES, readImportRows);
        ctx.body = await importSchools(deps, callerOf(ctx), rows, { defaultRegionCode: regionCode });
      },
    }),
    school({ method: 'get', summary: '学校基本信息' }, (caller, id) => getSchool(deps, caller, id)),
    school(
      {
        method: 'patch',
        summary: '修改学校基本信息与学校状态（正常、暂停招生、被合并、撤销）',
        body: updateSchoolBody,
      },
      (caller, id, { body }) => updateSchool(deps, caller, id, body),
    ),
    school(
      {
        method: 'delete',
        summary: '删除未初始化的学校及其管理员账号（已初始化的学校只有全国管理员可强制删除，须填原因）',
        query: deleteSchoolQuery,
      },
      (caller, id, { query }) => deleteSchool(deps, caller, id, query),
    ),
    school(
      {
        method: 'post',
        path: '/transfer',
        summary: '学校转移（须由原所属地区与转入地区的共同上级管理员操作）',
        body: transferSchoolBody,
      },
      (caller, id, { body }) => transferSchool(deps, caller, id, body.regionCode),
    ),
    route({
      ...common,
      ...workbookExport,
      method: 'get',
      path: '/regions/:code/schools/export',
      summary: '导出地区（直管）学校及学校管理员账号（XLSX，流式）',
      params: regionCodeParams,
      query: exportSchoolsQuery,
      handler: async (ctx, { params, query }) => {
        const region = await exportableRegion(callerOf(ctx), params.code);
        const [admins, regions] = await Promise.all([
          schoolAdminsByRegion(region._id, query.direct),
          query.direct ? Promise.resolve([region]) : regionsUnder(region._id),
        ]);
        sendWorkbook(ctx, exportFileName(region, query.direct), (out) =>
          writeSchoolsExport(out, {
            region,
            direct: query.direct,
            schools: regionSchoolsCursor(region._id, query.direct),
            admins,
            regionNames: new Map(regions.map((r) => [r._id, r.name])),
          }),
        );
      },
    }),
  ];
}
