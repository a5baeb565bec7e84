// One JSON Schema per request shape of the schools feature; titles are the zh-CN field labels that
// validation messages quote.
import { SCHOOL_OWNERSHIPS, SCHOOL_STATUSES, SCHOOL_TYPES, URBAN_RURAL_TYPES } from '@eduprogress/shared';
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';
import { DISPLAY_NAME } from '../http/validation';
import { SCHOOL_SYSTEMS } from './model';

const regionCode = (title: string) => ({ type: 'string', title, pattern: '^\\d{6}$' }) as const;
const month = (title: string) =>
  ({
    type: 'string',
    title,
    pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
  }) as const;

export const PERIOD_PATTERN = '^\\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$';

export const SCHOOL_SORTS = ['name', '-name', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt'] as const;
export type SchoolSort = (typeof SCHOOL_SORTS)[number];

export const ISSUE_FILTERS = ['none', 'any', 'basic', 'report'] as const;
export type IssueFilter = (typeof ISSUE_FILTERS)[number];

const schoolName = {
  type: 'string',
  title: '学校名称',
  minLength: 2,
  maxLength: 60,
  [DISPLAY_NAME]: true,
} as const;

/** Fields of the basic information (seed 000 §2.4) that create and edit share. */
const basicInfo = {
  type: { type: 'string', title: '学校类型', enum: [...SCHOOL_TYPES] },
  weak: { type: 'boolean', title: '是否薄弱学校' },
  schoolSystem: { type: 'string', title: '学制', enum: [...SCHOOL_SYSTEMS] },
  ownership: { type: 'string', title: '办别', enum: [...SCHOOL_OWNERSHIPS] },
  urbanRural: { type: 'string', title: '城乡类型', enum: [...URBAN_RURAL_TYPES] },
  address: { type: 'string', title: '学校地址', maxLength: 200 },
  postcode: { type: 'string', title: '学校邮编', pattern: '^(\\d{6})?$' },
} as const;

export const schoolIdParams = strictObject(
  { id: { type: 'string', title: '学校编号', pattern: '^[0-9a-fA-F]{24}$' } },
  ['id'],
);

export const regionCodeParams = strictObject({ code: regionCode('地区代码') }, ['code']);

export const listSchoolsQuery = strictObject({
  region: regionCode('地区代码'),
  direct: { type: 'boolean', title: '只显示直管学校' },
  type: basicInfo.type,
  status: { type: 'string', title: '学校状态', enum: [...SCHOOL_STATUSES] },
  ownership: basicInfo.ownership,
  urbanRural: basicInfo.urbanRural,
  weak: basicInfo.weak,
  initialized: { type: 'boolean', title: '是否已初始化' },
  reported: { type: 'boolean', title: '是否已填报' },
  period: { type: 'string', title: '填报周期', pattern: PERIOD_PATTERN },
  issue: { type: 'string', title: '疑似问题', enum: [...ISSUE_FILTERS] },
  updatedMonth: month('最后更新月份'),
  updatedBefore: month('最后更新早于该月'),
  q: { type: 'string', title: '学校名称关键字', minLength: 1, maxLength: 60 },
  sort: { type: 'string', title: '排序', enum: [...SCHOOL_SORTS], default: 'name' },
  ...paginationQuery,
});

/** GET /schools/updated-months: 更新管理's counts (seed 000 §4.2), one request for every month. */
export const updatedMonthsQuery = strictObject({
  region: regionCode('地区代码'),
  direct: { type: 'boolean', title: '只显示直管学校' },
  months: { type: 'integer', title: '月份数', minimum: 1, maximum: 12, default: 6 },
});

export const createSchoolBody = strictObject(
  {
    name: schoolName,
    regionCode: regionCode('所属地区代码'),
    ...basicInfo,
  },
  ['name', 'type', 'regionCode'],
);

export const updateSchoolBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: schoolName,
    ...basicInfo,
    status: { type: 'string', title: '学校状态', enum: [...SCHOOL_STATUSES] },
  },
} as const;

export const deleteSchoolQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    force: { type: 'boolean', title: '强制删除（仅全国管理员）' },
    reason: { type: 'string', title: '强制删除原因', minLength: 2, maxLength: 500 },
  },
  // A forced delete must say why: it is recorded in the audit trail.
  // `type` here too: query text is coerced per subschema, and `if` may run before `properties`.
  if: { required: ['force'], properties: { force: { type: 'boolean', const: true } } },
  then: { required: ['reason'] },
} as const;

export const transferSchoolBody = strictObject({ regionCode: regionCode('转入地区代码') }, ['regionCode']);

export const importSchoolsQuery = strictObject({
  regionCode: regionCode('默认所属地区代码（表中未填时使用）'),
});

export const exportSchoolsQuery = strictObject({
  direct: { type: 'boolean', title: '只导出直管学校', default: true },
});
