// Request shapes of school-admin account management.
import { paginationQuery } from '../http/pagination';
import type { JsonSchema } from '../http/validation';
import { DISPLAY_NAME } from '../http/validation';

const objectId: JsonSchema = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' };

export const schoolIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...objectId, title: '学校编号' } },
};

export const schoolAdminParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'userId'],
  properties: { id: { ...objectId, title: '学校编号' }, userId: { ...objectId, title: '用户编号' } },
};

export const userIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...objectId, title: '用户编号' } },
};

export const regionCodeParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
};

export const schoolAdminListQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...paginationQuery },
};

export const addSchoolAdminBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', title: '姓名', minLength: 1, maxLength: 50, [DISPLAY_NAME]: true },
  },
};

export const exportQuery: JsonSchema = {
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
};
