// The province's monthly text report (seed 001 第二十条): write, attach, file; the national overview.
import type { Context } from 'koa';
import type { FeatureDeps } from '../app-deps';
import { actorOf, authOf } from '../accounts/auth';
import { ValidationError } from '../http/errors';
import { paramsRoute, route, type RouteDefinition } from '../http/route';
import { AttachmentStore, ATTACHMENT_MAX_BYTES, checkAttachmentName } from '../notices/attachments';
import { contentDisposition } from '../http/download';
import { uploadedFile } from '../http/upload';
import {
  addMonthlyAttachment,
  fileMonthlyReport,
  getMonthlyReport,
  monthlyOverview,
  openMonthlyAttachment,
  saveMonthlyReport,
  type MonthlyCaller,
  type MonthlyDeps,
} from './service';
import { strictObject } from '../http/schemas';

const messages = {
  filenameRequired: '请在查询参数 filename 中给出附件文件名（以文件内容为请求体上传）',
};

const month = { type: 'string', title: '月份', pattern: '^\\d{4}-\\d{2}$' } as const;
const code = { type: 'string', title: '省级地区代码', pattern: '^\\d{6}$' } as const;
const monthParams = strictObject({ month }, ['month']);
const reportParams = strictObject({ month, code }, ['month', 'code']);
const attachmentParams = strictObject(
  {
    month,
    code,
    attachmentId: { type: 'string', title: '附件编号', pattern: '^[0-9a-fA-F]{24}$' },
  },
  ['month', 'code', 'attachmentId'],
);
const contentBody = strictObject(
  { content: { type: 'string', title: '月报正文', minLength: 1, maxLength: 200_000 } },
  ['content'],
);
const uploadQuery = strictObject({
  filename: { type: 'string', title: '附件文件名', minLength: 1, maxLength: 200 },
});

export function monthlyReportRoutes(deps: FeatureDeps & { attachmentsDir: string }): RouteDefinition[] {
  const service: MonthlyDeps = {
    clock: deps.clock,
    calendar: deps.calendar,
    store: new AttachmentStore(`${deps.attachmentsDir}/monthly-reports`),
  };
  const caller = (ctx: Context): MonthlyCaller => ({ auth: authOf(ctx), actor: actorOf(ctx) });
  const common = { tags: ['省级月报'], auth: 'user' as const };
  return [
    paramsRoute(
      {
        ...common,
        method: 'get',
        path: '/monthly-reports/:month',
        summary: '各省该月月报的报送情况（全国的管理员、审核员、视察员；仅按月上报时）',
        params: monthParams,
      },
      (ctx, params) => monthlyOverview(service, caller(ctx), params.month),
    ),
    paramsRoute(
      {
        ...common,
        method: 'get',
        path: '/monthly-reports/:month/provinces/:code',
        summary: '一省某月的月报（本省与全国可见）',
        params: reportParams,
      },
      (ctx, params) => getMonthlyReport(service, caller(ctx), params.month, params.code),
    ),
    route({
      ...common,
      method: 'put',
      path: '/monthly-reports/:month/provinces/:code',
      summary: '保存月报正文草稿（富文本，存储前按白名单过滤；本省管理员；本月或补报上月）',
      params: reportParams,
      body: contentBody,
      handler: async (ctx, { params, body }) => {
        ctx.body = await saveMonthlyReport(service, caller(ctx), params.month, params.code, body.content);
      },
    }),
    paramsRoute(
      {
        ...common,
        method: 'post',
        path: '/monthly-reports/:month/provinces/:code/file',
        summary: '报送月报（月底前为按时，补报上月记为逾期；报送后不能再修改）',
        params: reportParams,
      },
      (ctx, params) => fileMonthlyReport(service, caller(ctx), params.month, params.code),
    ),
    route({
      ...common,
      method: 'post',
      path: '/monthly-reports/:month/provinces/:code/attachments',
      upload: true,
      summary:
        '上传月报附件：以文件内容为请求体，查询参数 filename 给出文件名（类型与大小同通知附件），或 multipart/form-data 的 file 字段加 filename',
      params: reportParams,
      query: uploadQuery,
      responses: { 201: { description: '已上传' } },
      handler: async (ctx, { params, query }) => {
        try {
          if (!query.filename)
            throw new ValidationError(
              messages.filenameRequired,
              { property: 'filename' },
              'VALIDATION_FAILED',
            );
          const name = checkAttachmentName(query.filename);
          ctx.body = await addMonthlyAttachment(
            service,
            caller(ctx),
            params.month,
            params.code,
            name,
            await uploadedAttachment(ctx),
          );
          ctx.status = 201;
        } catch (err) {
          ctx.req.resume();
          throw err;
        }
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/monthly-reports/:month/provinces/:code/attachments/:attachmentId',
      summary: '下载月报附件（流式）',
      params: attachmentParams,
      handler: async (ctx, { params: { month: m, code: c, attachmentId } }) => {
        const file = await openMonthlyAttachment(service, caller(ctx), m, c, attachmentId);
        ctx.set('Content-Disposition', contentDisposition(file.filename));
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.set('Cache-Control', 'private, no-store');
        ctx.type = file.contentType;
        ctx.length = file.size;
        ctx.body = file.stream;
      },
    }),
  ];
}

/** The body as the file, or the `file` part of a multipart upload (http/upload.ts), bounded in size. */
function uploadedAttachment(ctx: Context): Promise<AsyncIterable<Uint8Array>> {
  return uploadedFile(ctx, ATTACHMENT_MAX_BYTES + 1);
}
