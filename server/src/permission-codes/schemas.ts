// Request shapes of permission codes (seed 003 权限码) and activation progress.
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';
import { DISPLAY_NAME } from '../http/validation';

const regionCode = { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } as const;
const objectId = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } as const;

export const CODE_ROLES = ['admin', 'auditor', 'inspector', 'super', 'special'] as const;

export const createCodeBody = strictObject(
  {
    kind: { type: 'string', title: '身份类型', enum: ['region', 'school'] },
    role: { type: 'string', title: '角色', enum: CODE_ROLES },
    // Which of the two applies depends on kind; checked by the service (OpenAPI 3.0 has no if/then).
    regionCode: { ...regionCode, title: '目标地区代码' },
    schoolId: { ...objectId, title: '目标学校编号' },
    validDays: { type: 'integer', title: '有效天数', minimum: 1, maximum: 90, default: 7 },
  },
  ['kind', 'role'],
);

export const listCodesQuery = strictObject({
  region: { ...regionCode, title: '地区代码（默认当前身份所在地区）' },
  state: { type: 'string', title: '状态', enum: ['unused', 'used', 'revoked', 'expired'] },
  kind: { type: 'string', title: '身份类型', enum: ['region', 'school'] },
  ...paginationQuery,
});

export const codeIdParams = strictObject({ id: { ...objectId, title: '权限码编号' } }, ['id']);

export const bindCodeBody = strictObject(
  {
    // Case, spaces and dashes are forgiven: people read codes aloud and retype them.
    code: { type: 'string', title: '权限码', minLength: 8, maxLength: 20, pattern: '^[0-9A-Za-z \\-]+$' },
    name: { type: 'string', title: '姓名', minLength: 1, maxLength: 50, [DISPLAY_NAME]: true },
    mobile: { type: 'string', title: '手机号', pattern: '^1\\d{10}$' },
  },
  ['code', 'name'],
);

export const regionAdminParams = strictObject(
  { code: regionCode, userId: { ...objectId, title: '用户编号' } },
  ['code', 'userId'],
);

export const regionParams = strictObject({ code: regionCode }, ['code']);
