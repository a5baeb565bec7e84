// HTTP surface of teacher training (seed 003): auth → validate → handler; uploads and downloads stream.
import { scopeOf } from '@eduprogress/shared';
import { callerOf } from '../access/caller';
import { authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { recordAudit } from '../audit/service';
import { answering, idRoute, route, type RouteDefinition } from '../http/route';
import { sendWorkbook, workbookExport } from '../http/download';
import { drainOnError, readUpload, uploadedFile } from '../http/upload';
import { writeStatsWorkbook, writeTeachersWorkbook, statsFileName, teachersFileName } from './export';
import { importTrainingRecords, readFullTimeRows } from './import';
import {
  teachersExportQuery,
  createTrainingBody,
  fullTimeBody,
  listTrainingsQuery,
  regionParams,
  schoolStatsQuery,
  statsQuery,
  teachersQuery,
  trainingIdParams,
  trainingSchoolParams,
} from './schemas';
import {
  assertCanRecount,
  createTraining,
  fullTimeRegion,
  getFullTimeTeachers,
  getTraining,
  listTrainings,
  listTrainingTeachers,
  myTrainings,
  putFullTimeTeachers,
  regionStats,
  schoolStats,
  teacherRow,
  teacherScope,
  visibleTraining,
} from './service';
import { recountTraining, setFullTimeCounts, streamRoster, type RosterLine } from './stats';
import { LONG_REQUEST_MS } from '../http/time-limit';

const messages = {
  tags: ['教师研修'],
};

/** A 150,000-row platform export is ~10 MB as CSV. */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

export function trainingRoutes(deps: FeatureDeps): RouteDefinition[] {
  const common = { tags: messages.tags, auth: 'user' as const };
  const answer = answering(common, callerOf);
  return [
    answer(
      {
        method: 'post',
        path: '/trainings',
        summary: '创建培训（国家级、省级的超级管理员、专项管理员或管理员）',
        body: createTrainingBody,
        responses: { 201: { description: '已创建' } },
        status: 201,
      },
      (caller, { body }) => createTraining(deps, caller, body),
    ),
    answer(
      {
        method: 'get',
        path: '/trainings',
        summary: '培训列表（管辖范围内可见的培训；状态由当前时间得出：未开始/进行中/已结束）',
        query: listTrainingsQuery,
      },
      (caller, { query }) => listTrainings(deps, caller, query),
    ),
    idRoute(
      {
        ...common,
        method: 'get',
        path: '/trainings/:id',
        summary: '培训详情',
        params: trainingIdParams,
      },
      (ctx, id) => getTraining(deps, callerOf(ctx), id),
    ),
    answer(
      {
        method: 'get',
        path: '/trainings/:id/stats',
        summary:
          '按区域统计：当前区域、直接下级与「直属学校」的参训人数、参训率、学习人数、学习率、人均学时、完成学时人数及占比（比率为百分数，两位小数）',
        params: trainingIdParams,
        query: statsQuery,
      },
      (caller, { params, query }) => regionStats(deps, caller, params.id, query),
    ),
    route({
      ...common,
      ...workbookExport,
      method: 'get',
      path: '/trainings/:id/stats/export',
      summary: '导出按区域统计（XLSX）',
      params: trainingIdParams,
      query: statsQuery,
      handler: async (ctx, { params, query }) => {
        const stats = await regionStats(deps, callerOf(ctx), params.id, query);
        sendWorkbook(ctx, statsFileName(stats), (out) => writeStatsWorkbook(out, stats));
      },
    }),
    answer(
      {
        method: 'get',
        path: '/trainings/:id/teachers',
        summary:
          '按学员查看：账号（脱敏）、姓名、学校、区域、学段、学科、获得学时、实际学习时长；按姓名搜索、分页',
        params: trainingIdParams,
        query: teachersQuery,
      },
      (caller, { params, query }) => listTrainingTeachers(caller, params.id, query),
    ),
    route({
      ...common,
      ...workbookExport,
      method: 'get',
      path: '/trainings/:id/teachers/export',
      summary: '导出按学员明细（XLSX，流式）',
      params: trainingIdParams,
      query: teachersExportQuery,
      handler: async (ctx, { params, query }) => {
        const caller = callerOf(ctx);
        const { training, regions } = await visibleTraining(caller, params.id);
        const { label, match, chunk } = await teacherScope(caller, training, regions, query);
        const cap = Math.round(training.hourCap * 100);
        async function* rows() {
          for await (const line of streamRoster(training, chunk) as AsyncIterable<RosterLine>) {
            if (match(line)) yield teacherRow(line, regions, cap);
          }
        }
        sendWorkbook(ctx, teachersFileName(training.name, label), (out) =>
          writeTeachersWorkbook(out, rows()),
        );
      },
    }),
    answer(
      {
        method: 'get',
        path: '/trainings/:id/schools/:schoolId/stats',
        summary: '学校的培训统计：总体情况、各学段与各学科参训分布',
        params: trainingSchoolParams,
        query: schoolStatsQuery,
      },
      (caller, { params, query }) => schoolStats(deps, caller, params.id, params.schoolId, query),
    ),
    route({
      ...common,
      method: 'post',
      path: '/trainings/:id/records/import',
      timeoutMs: LONG_REQUEST_MS,
      upload: true,
      summary:
        '导入学习平台导出的学时记录（CSV 或 XLSX；请求体直接为文件，或 multipart/form-data 的 file 字段）。按（培训，教师）幂等更新，逐行报告错误',
      params: trainingIdParams,
      handler: async (ctx, { params }) => {
        const id = params.id;
        ctx.body = await readUpload(ctx, MAX_UPLOAD_BYTES, (file) =>
          importTrainingRecords(deps, callerOf(ctx), id, file),
        );
      },
    }),
    route({
      ...common,
      method: 'post',
      path: '/trainings/:id/recount',
      timeoutMs: LONG_REQUEST_MS,
      summary: '按学时记录重新统计（重建汇总与名册；定时任务每晚也会执行）',
      params: trainingIdParams,
      handler: async (ctx, { params }) => {
        const caller = callerOf(ctx);
        const { training, regions } = await visibleTraining(caller, params.id);
        assertCanRecount(caller, training, regions);
        const result = await recountTraining(deps.clock, training._id);
        await recordAudit(deps.clock, caller.actor, {
          action: 'training.recount',
          targetType: 'training',
          targetId: String(training._id),
          regionPath: scopeOf(training.regionPath, training.regionCode),
          after: { records: result.records, factsFixed: result.factsFixed },
        });
        ctx.body = result;
      },
    }),
    {
      ...common,
      method: 'get',
      path: '/me/trainings',
      summary: '我的研修：每个培训的获得学时、学时上限、实际学习时长、是否完成',
      handler: async (ctx) => {
        ctx.body = await myTrainings(deps, authOf(ctx).user);
      },
    },
    answer(
      {
        method: 'get',
        path: '/regions/:code/full-time-teachers',
        summary: '专任教师数：本地区与直接下级（参训率的分母）',
        params: regionParams,
      },
      (caller, { params }) => getFullTimeTeachers(caller, params.code),
    ),
    answer(
      {
        method: 'put',
        path: '/regions/:code/full-time-teachers',
        summary: '设置专任教师数（省级或国家级管理员，管辖范围内；null 表示清除）',
        params: regionParams,
        body: fullTimeBody,
      },
      (caller, { params, body }) => putFullTimeTeachers(deps, caller, params.code, body.count),
    ),
    route({
      ...common,
      method: 'post',
      path: '/regions/:code/full-time-teachers/import',
      timeoutMs: LONG_REQUEST_MS,
      upload: true,
      summary: '导入专任教师数（CSV 或 XLSX，列：地区代码、专任教师数；省级或国家级管理员）',
      params: regionParams,
      handler: async (ctx, { params }) => {
        const caller = callerOf(ctx);
        const code = params.code;
        await drainOnError(ctx, async () => {
          const { region } = await fullTimeRegion(caller, code, true);
          const { valid, errors, rows } = await readFullTimeRows(
            await uploadedFile(ctx, MAX_UPLOAD_BYTES),
            region,
          );
          await setFullTimeCounts(deps.clock, valid);
          await recordAudit(deps.clock, caller.actor, {
            action: 'region.fullTimeTeachers.import',
            targetType: 'region',
            targetId: code,
            regionPath: scopeOf(region.path, code),
            after: { rows, applied: valid.length, failed: rows - valid.length },
          });
          ctx.body = { rows, applied: valid.length, failed: rows - valid.length, errors };
        });
      },
    }),
  ];
}
