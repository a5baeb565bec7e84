// HTTP surface of notices: auth → validate → handler; uploads and downloads stream.
import type { Context } from 'koa';
import { callerOf } from '../access/caller';
import type { FeatureDeps } from '../app-deps';
import { UnsupportedMediaTypeError, ValidationError } from '../http/errors';
import { contentDisposition } from '../http/download';
import { answering, idRoute, route, type RouteDefinition, type RouteInput } from '../http/route';
import { drainRequest, formFileStream, multipartForm, type FormFile } from '../http/upload';
import {
  ATTACHMENT_MAX_BYTES,
  AttachmentStore,
  AttachmentTooLargeError,
  checkAttachmentName,
  contentProblem,
  type CheckedName,
} from './attachments';
import {
  attachmentParams,
  createNoticeBody,
  listNoticesQuery,
  noticeIdParams,
  uploadAttachmentQuery,
} from './schemas';
import {
  attachmentTarget,
  createNotice,
  deleteDraft,
  getNotice,
  listNotices,
  markRead,
  openAttachment,
  publishNotice,
  readCounts,
  removeAttachment,
  storeAttachment,
  type NoticeDeps,
} from './service';

const messages = {
  tags: ['通知公告'],
  filenameRequired: '直接上传文件内容时，请在查询参数 filename 中给出文件名',
  bodyParsed: '请以文件自身的类型（如 application/pdf）或 multipart/form-data 上传附件，不要用 JSON',
  noFile: '没有收到文件，请以 file 字段上传附件',
  filenameWithMultipart: 'multipart/form-data 上传时文件名取自所选文件，请不要再给出 filename 参数',
};

/** Room for multipart boundaries and headers around one maximal file. */
const MULTIPART_OVERHEAD = 64 * 1024;

export interface NoticeRouteDeps extends FeatureDeps {
  /** Where attachment files are kept (DATA_DIR/attachments). */
  attachmentsDir: string;
}

function declaredLength(ctx: Context): number {
  return Number(ctx.get('Content-Length') || 0);
}

/** Upload input as the attachment route's schemas type it. */
type UploadInput = Pick<
  RouteInput<typeof noticeIdParams, typeof uploadAttachmentQuery, undefined>,
  'params' | 'query'
>;

async function uploadAttachments(deps: NoticeDeps, ctx: Context, { params, query }: UploadInput) {
  const caller = callerOf(ctx);
  // The JSON body parser ran first and consumed the stream: a file sent as application/json.
  if ((ctx.request as any).rawBody !== undefined) {
    throw new UnsupportedMediaTypeError(messages.bodyParsed);
  }
  try {
    if (ctx.request.is('multipart/form-data')) {
      if (query.filename !== undefined) {
        throw new ValidationError(
          messages.filenameWithMultipart,
          { property: 'filename' },
          'VALIDATION_FAILED',
        );
      }
      await attachmentTarget(caller, params.id);
      if (declaredLength(ctx) > ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD)
        throw new AttachmentTooLargeError();
      const form = await multipartForm(
        ctx,
        ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD,
        () => new AttachmentTooLargeError(),
      );
      const files = [...form.values()].filter((v): v is FormFile => typeof v !== 'string');
      if (files.length === 0)
        throw new ValidationError(messages.noFile, { property: 'file' }, 'UPLOAD_NO_FILE');
      // Every file is checked before any is stored: one bad file stores nothing.
      const notice = await attachmentTarget(caller, params.id, files.length);
      const checked: { file: FormFile; name: CheckedName }[] = [];
      for (const file of files) {
        const name = checkAttachmentName(file.name, 'file');
        const head = new Uint8Array(await file.slice(0, 8192).arrayBuffer());
        const problem = contentProblem(name, head, file.size);
        if (problem) throw problem;
        checked.push({ file, name });
      }
      const stored = [];
      for (const { file, name } of checked) {
        stored.push(await storeAttachment(deps, caller, notice, name, formFileStream(file)));
      }
      return stored;
    }
    if (query.filename === undefined) {
      throw new ValidationError(messages.filenameRequired, { property: 'filename' }, 'VALIDATION_FAILED');
    }
    const name = checkAttachmentName(query.filename);
    const notice = await attachmentTarget(caller, params.id);
    if (declaredLength(ctx) > ATTACHMENT_MAX_BYTES) throw new AttachmentTooLargeError();
    return [await storeAttachment(deps, caller, notice, name, ctx.req.iterator({ destroyOnReturn: false }))];
  } catch (err) {
    drainRequest(ctx);
    throw err;
  }
}

export function noticeRoutes(deps: NoticeRouteDeps): RouteDefinition[] {
  const service: NoticeDeps = { clock: deps.clock, store: new AttachmentStore(deps.attachmentsDir) };
  const common = { tags: messages.tags, auth: 'user' as const };
  const answer = answering(common, callerOf);
  return [
    answer(
      {
        method: 'get',
        path: '/notices',
        summary: '通知公告：box=received 为发给我的（带已读标记），box=sent 为本地区发出的（含草稿）',
        query: listNoticesQuery,
      },
      (caller, { query }) => listNotices(caller, query),
    ),
    answer(
      {
        method: 'post',
        path: '/notices',
        summary:
          '创建通知公告（标题、富文本内容、接收范围：本级及下级的地区管理员级别与学校类型）；draft=true 先存草稿，上传附件后再发布',
        body: createNoticeBody,
        responses: { 201: { description: '已创建（默认同时发布）' } },
        status: 201,
      },
      (caller, { body }) => createNotice(service, caller, body),
    ),
    idRoute(
      {
        ...common,
        method: 'get',
        path: '/notices/:id',
        summary: '通知详情（接收人与发布地区的管理员可见）',
        params: noticeIdParams,
      },
      (ctx, id) => getNotice(callerOf(ctx), id),
    ),
    idRoute(
      {
        ...common,
        method: 'post',
        path: '/notices/:id/publish',
        summary: '发布草稿（已发布的再次调用无副作用）',
        params: noticeIdParams,
      },
      (ctx, id) => publishNotice(service, callerOf(ctx), id),
    ),
    idRoute(
      {
        ...common,
        method: 'delete',
        path: '/notices/:id',
        summary: '删除草稿（连同附件；已发布的通知不能删除）',
        params: noticeIdParams,
      },
      (ctx, id) => deleteDraft(service, callerOf(ctx), id),
    ),
    idRoute(
      {
        ...common,
        method: 'post',
        path: '/notices/:id/read',
        summary: '标记已读（重复调用结果相同）',
        params: noticeIdParams,
      },
      (ctx, id) => markRead(service, callerOf(ctx), id),
    ),
    idRoute(
      {
        ...common,
        method: 'get',
        path: '/notices/:id/reads',
        summary: '阅读情况：按直接下级地区（及本级与直属学校）统计接收人数与已读人数',
        params: noticeIdParams,
      },
      (ctx, id) => readCounts(callerOf(ctx), id),
    ),
    route({
      ...common,
      method: 'post',
      path: '/notices/:id/attachments',
      upload: true,
      summary:
        '上传附件（单个不超过 20 MB；pdf、doc(x)、xls(x)、ppt(x)、jpg、png、zip、txt）：以文件内容为请求体并给出 filename，或 multipart/form-data 的 file 字段',
      params: noticeIdParams,
      query: uploadAttachmentQuery,
      responses: { 201: { description: '已上传：{ items: [附件] }' } },
      status: 201,
      handler: async (ctx, request) => {
        const items = await uploadAttachments(service, ctx, request);
        ctx.body = { items };
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/notices/:id/attachments/:attachmentId',
      summary: '下载附件（流式）',
      params: attachmentParams,
      responses: { 200: { description: '附件文件' } },
      handler: async (ctx, { params: { id, attachmentId } }) => {
        const file = await openAttachment(service, callerOf(ctx), id, attachmentId);
        ctx.set('Content-Disposition', contentDisposition(file.filename));
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.set('Cache-Control', 'private, no-store');
        ctx.type = file.contentType;
        ctx.length = file.size;
        ctx.body = file.stream;
      },
    }),
    answer(
      {
        method: 'delete',
        path: '/notices/:id/attachments/:attachmentId',
        summary: '删除附件',
        params: attachmentParams,
      },
      (caller, { params: { id, attachmentId } }) => removeAttachment(service, caller, id, attachmentId),
    ),
  ];
}
