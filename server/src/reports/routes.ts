import {
  REGION_FORMS,
  REGION_FORM_CURRENT_VERSION,
  SCHOOL_FORMS,
  SCHOOL_FORM_CURRENT_VERSION,
  SCHOOL_FORM_GROUPS,
  REPORTING_LEVELS,
  reportingStateAt,
  toShanghaiIso,
  type CalendarConfig,
  type ReportingLevel,
} from '@eduprogress/shared';
import { authenticate } from '../accounts/service';
import { Region, type RegionDoc } from '../regions/model';
import { reportingLevelOf, workingPeriod } from './rules';
import type { Context } from 'koa';
import { actorOf, authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { NotFoundError } from '../http/errors';
import { route, type RouteDefinition, type SchemaType } from '../http/route';
import { getProgress, getSupervision, recountRegion } from './progress-view';
import { confirmProjectSchool, declareProjectSchool } from './project-school';
import { listUnitReports, unitReportsQuery } from './unit-reports';
import { getWorklist } from './worklist';
import {
  confirmIssue,
  confirmNoChange,
  decideWithdrawal,
  getReport,
  regionUnit,
  requestWithdrawal,
  returnReport,
  saveReport,
  schoolUnit,
  submitReport,
  type ReportDeps,
  type Unit,
} from './service';
import * as s from './schemas';
import { LONG_REQUEST_MS } from '../http/time-limit';

const messages = {
  noSuchVersion: (v: number) => `表单版本 ${v} 不存在`,
};

export interface ReportRouteDeps extends FeatureDeps {
  calendar: CalendarConfig;
}

/** A school's or a region's report address, as its path schema types it. */
type UnitParams = SchemaType<typeof s.schoolReportParams | typeof s.regionReportParams, never>;

export function reportRoutes(deps: ReportRouteDeps): RouteDefinition[] {
  const rd: ReportDeps = { clock: deps.clock, calendar: deps.calendar };

  // The same workflow serves schools (`/schools/:id/…`) and regions (`/regions/:code/…`).
  const unitOf = (params: UnitParams): Promise<Unit> =>
    'id' in params ? schoolUnit(params.id) : regionUnit(params.code);
  /**
   * The reporting level of the caller's active binding (its region's, or its school's managing region's);
   * `county` for an anonymous caller (most schools), `province` for the national level. An invalid
   * bearer token is a 401; other schemes (the bot's) are anonymous here.
   */
  const callerLevel = async (ctx: Context): Promise<ReportingLevel> => {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'));
    if (!match) return 'county';
    const { binding } = await authenticate(deps, match[1]);
    if (!binding?.regionCode) return 'county';
    const region = await Region.findById(binding.regionCode).lean<RegionDoc>();
    if (!region) return 'county';
    return region.level === 'national' ? 'province' : (reportingLevelOf(region) ?? 'county');
  };

  /** A read-only page of a region for a period (progress, supervision). */
  const regionView = (
    path: string,
    summary: string,
    read: (d: ReportDeps, a: ReturnType<typeof authOf>, code: string, period?: string) => Promise<unknown>,
  ): RouteDefinition =>
    route({
      method: 'get',
      path,
      summary,
      tags: ['督促'],
      auth: 'user',
      params: s.regionCodeParams,
      query: s.periodQuery,
      handler: async (ctx, { params, query }) => {
        ctx.body = await read(rd, authOf(ctx), params.code, query.period);
      },
    });
  const workflow = (
    base: string,
    params: typeof s.schoolReportParams | typeof s.regionReportParams,
    tag: string,
    who: string,
  ): RouteDefinition[] => [
    route({
      method: 'get',
      path: `${base}/reports/:period`,
      summary: `${who}某期报表（未保存时以上期数据预填）`,
      tags: [tag],
      auth: 'user',
      params,
      handler: async (ctx, { params }) => {
        ctx.body = await getReport(rd, authOf(ctx), await unitOf(params), params.period);
      },
    }),
    route({
      method: 'put',
      path: `${base}/reports/:period`,
      summary: `保存${who}报表草稿（按表单 JSON Schema 校验，并检查疑似问题）`,
      tags: [tag],
      auth: 'user',
      params,
      body: s.saveReportBody,
      handler: async (ctx, { body, params }) => {
        const { data } = body;
        ctx.body = await saveReport(rd, authOf(ctx), actorOf(ctx), await unitOf(params), params.period, data);
      },
    }),
    route({
      method: 'post',
      path: `${base}/reports/:period/submit`,
      summary: `上报${who}报表（上报后锁定）`,
      tags: [tag],
      auth: 'user',
      params,
      handler: async (ctx, { params }) => {
        ctx.body = await submitReport(rd, authOf(ctx), actorOf(ctx), await unitOf(params), params.period);
      },
    }),
    route({
      method: 'post',
      path: `${base}/reports/:period/withdrawal`,
      summary: `向上级提交${who}报表的撤报申请`,
      tags: [tag],
      auth: 'user',
      params,
      body: s.withdrawalBody,
      handler: async (ctx, { body, params }) => {
        const { reason } = body;
        ctx.body = await requestWithdrawal(
          rd,
          authOf(ctx),
          actorOf(ctx),
          await unitOf(params),
          params.period,
          reason,
        );
      },
    }),
    route({
      method: 'post',
      path: `${base}/reports/:period/withdrawal/decision`,
      summary: `上级审批${who}的撤报申请（批准即限时退回修改，截止后自动上报）`,
      tags: [tag],
      auth: 'user',
      params,
      body: s.decisionBody,
      handler: async (ctx, { body, params }) => {
        const { approve, reason, deadline } = body;
        ctx.body = await decideWithdrawal(
          rd,
          authOf(ctx),
          actorOf(ctx),
          await unitOf(params),
          params.period,
          approve,
          reason,
          deadline ? new Date(deadline) : undefined,
        );
      },
    }),
    route({
      method: 'post',
      path: `${base}/reports/:period/return`,
      summary: `上级退回${who}报表（附原因与限时修改截止时间）`,
      tags: [tag],
      auth: 'user',
      params,
      body: s.returnBody,
      handler: async (ctx, { body, params }) => {
        const { reason, deadline } = body;
        ctx.body = await returnReport(
          rd,
          authOf(ctx),
          actorOf(ctx),
          await unitOf(params),
          params.period,
          reason,
          new Date(deadline),
        );
      },
    }),
  ];

  return [
    {
      method: 'get',
      path: '/periods/current',
      auth: 'public',
      summary:
        '当前上报期次、各级上报时间窗口与截止时间，以及调用者当前可填报的期次与截止时间（working；未登录时按区县级）',
      tags: ['上报'],
      responses: { 200: { description: '成功', schema: s.currentPeriodResponse } },
      handler: async (ctx) => {
        const now = deps.clock();
        const state = reportingStateAt(now, deps.calendar);
        const level = await callerLevel(ctx);
        const workingView = (l: ReportingLevel) => {
          const w = workingPeriod(now, l, deps.calendar);
          return {
            period: w.period,
            level: w.level,
            deadline: toShanghaiIso(w.deadline),
            opensAt: toShanghaiIso(w.opensAt),
            closesAt: toShanghaiIso(w.closesAt),
          };
        };
        ctx.body = {
          period: state.period.name,
          cycle: deps.calendar.cycle,
          periodStart: toShanghaiIso(state.period.start),
          periodEnd: toShanghaiIso(state.period.end),
          windows: state.windows.map((w) => ({
            level: w.level,
            opensAt: toShanghaiIso(w.opensAt),
            closesAt: toShanghaiIso(w.closesAt),
            deadline: toShanghaiIso(w.closesAt),
            open: state.openLevels.includes(w.level),
          })),
          openLevels: state.openLevels,
          now: toShanghaiIso(now),
          working: workingView(level),
          workingByLevel: Object.fromEntries(REPORTING_LEVELS.map((l) => [l, workingView(l)])),
        };
      },
    },
    route({
      method: 'get',
      path: '/forms/:kind',
      auth: 'public',
      summary: '填报表单的 JSON Schema（含中文标签、单位、说明与取值范围）',
      tags: ['上报'],
      params: s.formKindParams,
      query: s.formVersionQuery,
      handler: (ctx, { params: { kind }, query }) => {
        const forms = kind === 'school' ? SCHOOL_FORMS : REGION_FORMS;
        const version =
          query.version ?? (kind === 'school' ? SCHOOL_FORM_CURRENT_VERSION : REGION_FORM_CURRENT_VERSION);
        const schema = forms[version];
        if (!schema) throw new NotFoundError(messages.noSuchVersion(version), 'FORM_VERSION_NOT_FOUND');
        ctx.body = { kind, version, schema, groups: kind === 'school' ? SCHOOL_FORM_GROUPS : undefined };
      },
    }),
    ...workflow('/schools/:id', s.schoolReportParams, '学校上报', '学校'),
    route({
      method: 'post',
      path: '/schools/:id/reports/:period/confirm',
      summary: '确认本期“无变化”（复制上期已上报数据并上报）',
      tags: ['学校上报'],
      auth: 'user',
      params: s.schoolReportParams,
      handler: async (ctx, { params }) => {
        ctx.body = await confirmNoChange(rd, authOf(ctx), actorOf(ctx), await unitOf(params), params.period);
      },
    }),
    route({
      method: 'post',
      path: '/schools/:id/reports/:period/issues/:code/confirm',
      summary: '学校确认疑似问题（数据无误，附说明）',
      tags: ['学校上报'],
      auth: 'user',
      params: s.issueParams,
      body: s.confirmIssueBody,
      handler: async (ctx, { params: { id, period, code }, body: { note } }) => {
        ctx.body = await confirmIssue(
          rd,
          authOf(ctx),
          actorOf(ctx),
          await schoolUnit(id),
          period,
          code,
          note,
        );
      },
    }),
    route({
      method: 'put',
      path: '/schools/:id/project-school',
      summary: '学校申报是否为“教学点数字教育资源全覆盖”项目学校',
      tags: ['学校上报'],
      auth: 'user',
      params: s.schoolIdParams,
      body: s.projectDeclareBody,
      handler: async (ctx, { params: { id }, body }) => {
        ctx.body = await declareProjectSchool(
          deps.clock,
          authOf(ctx),
          actorOf(ctx),
          id,
          body.declared,
          deps.calendar,
        );
      },
    }),
    route({
      method: 'post',
      path: '/schools/:id/project-school/confirm',
      summary: '区县管理员确认或更正项目学校',
      tags: ['学校上报'],
      auth: 'user',
      params: s.schoolIdParams,
      body: s.projectConfirmBody,
      handler: async (ctx, { params: { id }, body }) => {
        const { isProjectSchool } = body;
        ctx.body = await confirmProjectSchool(
          deps.clock,
          authOf(ctx),
          actorOf(ctx),
          id,
          isProjectSchool,
          deps.calendar,
        );
      },
    }),
    ...workflow('/regions/:code', s.regionReportParams, '地区上报', '本级地区'),
    regionView(
      '/regions/:code/progress',
      '上报进度：本地区合计、各直接下级与直属学校（由实时汇总数据回答）',
      getProgress,
    ),
    regionView(
      '/regions/:code/supervision',
      '填报管理/更新管理：下级管理员与学校的初始化、上报情况',
      getSupervision,
    ),
    route({
      method: 'get',
      path: '/regions/:code/reports',
      summary: '下级单位（学校与地区）某期报表列表：按状态、是否系统自动上报、是否直接下级筛选（督促、审核）',
      tags: ['督促'],
      auth: 'user',
      params: s.regionCodeParams,
      query: unitReportsQuery,
      handler: async (ctx, { params, query }) => {
        ctx.body = await listUnitReports(rd, authOf(ctx), params.code, query);
      },
    }),
    route({
      method: 'get',
      path: '/regions/:code/worklist',
      summary:
        '本地区的待办：当前期与上报期各有多少撤报申请待审批、下级已退回未重报、本级报表是否被退回，以及页面应打开的期次',
      tags: ['督促'],
      auth: 'user',
      params: s.regionCodeParams,
      handler: async (ctx, { params }) => {
        ctx.body = await getWorklist(rd, authOf(ctx), params.code);
      },
    }),
    route({
      method: 'post',
      path: '/regions/:code/progress/recount',
      timeoutMs: LONG_REQUEST_MS,
      summary: '重新统计本地区的上报进度（修复汇总数据的偏差；限管理员、审核员）',
      tags: ['督促'],
      auth: 'user',
      params: s.regionCodeParams,
      query: s.periodQuery,
      handler: async (ctx, { params: { code }, query }) => {
        const period = query.period ?? reportingStateAt(deps.clock(), deps.calendar).period.name;
        ctx.body = { period, ...(await recountRegion(deps, authOf(ctx), code, period)) };
      },
    }),
  ];
}
