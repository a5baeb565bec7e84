// Request shapes of school-admin account management.
import { paginationQuery } from '../http/pagination';
import { DISPLAY_NAME } from '../http/validation';
import { strictObject } from '../http/schemas';

const objectId = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } as const;

export const schoolIdParams = strictObject({ id: { ...objectId, title: '学校编号' } }, ['id']);

export const schoolAdminParams = strictObject(
  { id: { ...objectId, title: '学校编号' }, userId: { ...objectId, title: '用户编号' } },
  ['id', 'userId'],
);

export const userIdParams = strictObject({ id: { ...objectId, title: '用户编号' } }, ['id']);

export const regionCodeParams = strictObject(
  { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
  ['code'],
);

export const schoolAdminListQuery = strictObject({ ...paginationQuery });

export const addSchoolAdminBody = strictObject({
  name: { type: 'string', title: '姓名', minLength: 1, maxLength: 50, [DISPLAY_NAME]: true },
});

export const exportQuery = strictObject({
  direct: {
    type: 'boolean',
    title: '仅导出直管学校',
    default: true,
    description: '默认只导出该地区直管学校（与原系统一致）；false 导出整个辖区',
  },
});
