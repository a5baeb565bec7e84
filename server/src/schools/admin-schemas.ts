// Request shapes of school-admin account management.
import { paginationQuery } from '../http/pagination';
import { DISPLAY_NAME } from '../http/validation';

const objectId = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } as const;

export const schoolIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...objectId, title: '学校编号' } },
} as const;

export const schoolAdminParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'userId'],
  properties: { id: { ...objectId, title: '学校编号' }, userId: { ...objectId, title: '用户编号' } },
} as const;

export const userIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...objectId, title: '用户编号' } },
} as const;

export const regionCodeParams = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
} as const;

export const schoolAdminListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...paginationQuery },
} as const;

export const addSchoolAdminBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', title: '姓名', minLength: 1, maxLength: 50, [DISPLAY_NAME]: true },
  },
} as const;

export const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    direct: {
      type: 'boolean',
      title: '仅导出直管学校',
      default: true,
      description: '默认只导出该地区直管学校（与原系统一致）；false 导出整个辖区',
    },
  },
} as const;
