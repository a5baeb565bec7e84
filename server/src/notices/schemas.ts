// Request shapes of notices (seed 000 §6.4 通知公告).
import { REGION_LEVELS, SCHOOL_TYPES } from '@eduprogress/shared';
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';
import { DISPLAY_NAME } from '../http/validation';

const objectId = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } as const;

export const NOTICE_CONTENT_MAX = 100_000;

export const scopeSchema = {
  type: 'object',
  title: '接收范围',
  additionalProperties: false,
  properties: {
    levels: {
      type: 'array',
      title: '地区管理员级别',
      items: { type: 'string', title: '级别', enum: REGION_LEVELS },
      uniqueItems: true,
      default: [],
    },
    schoolTypes: {
      type: 'array',
      title: '学校类型',
      items: { type: 'string', title: '学校类型', enum: SCHOOL_TYPES },
      uniqueItems: true,
      default: [],
    },
  },
} as const;

export const createNoticeBody = strictObject(
  {
    title: { type: 'string', title: '标题', minLength: 1, maxLength: 100, [DISPLAY_NAME]: true },
    content: { type: 'string', title: '内容', minLength: 1, maxLength: NOTICE_CONTENT_MAX },
    scope: scopeSchema,
    draft: { type: 'boolean', title: '保存为草稿（上传附件后再发布）', default: false },
  },
  ['title', 'content', 'scope'],
);

export const listNoticesQuery = strictObject({
  box: {
    type: 'string',
    title: '收件箱（received）或本地区发出的通知（sent）',
    enum: ['received', 'sent'],
    default: 'received',
  },
  ...paginationQuery,
});

export const noticeIdParams = strictObject({ id: { ...objectId, title: '通知编号' } }, ['id']);

export const attachmentParams = strictObject(
  {
    id: { ...objectId, title: '通知编号' },
    attachmentId: { ...objectId, title: '附件编号' },
  },
  ['id', 'attachmentId'],
);

export const uploadAttachmentQuery = strictObject({
  filename: {
    type: 'string',
    title: '附件文件名（直接以文件内容为请求体上传时必填）',
    minLength: 1,
    maxLength: 200,
  },
});
