// One JSON Schema per request shape of the training feature; titles are the zh-CN labels that
// validation messages quote.
import { TEACHER_STAGES, TRAINING_STATUSES } from '@eduprogress/shared';
import { paginationQuery } from '../http/pagination';
import type { JsonSchema } from '../http/validation';
import { strictObject } from '../http/schemas';
import { DISPLAY_NAME } from '../http/validation';

const objectId = (title: string): JsonSchema => ({ type: 'string', title, pattern: '^[0-9a-fA-F]{24}$' });
const regionCode: JsonSchema = { type: 'string', title: '地区代码', pattern: '^\\d{6}$' };
const stage: JsonSchema = { type: 'string', title: '学段', enum: [...TEACHER_STAGES] };
const subject: JsonSchema = { type: 'string', title: '学科领域', minLength: 1, maxLength: 20 };
const includeUnverified: JsonSchema = {
  type: 'boolean',
  title: '包含未通过认证的教师',
  default: true,
};
// A date (the whole day, Asia/Shanghai) or an ISO 8601 instant with its offset.
const dateOrInstant = (title: string): JsonSchema => ({
  type: 'string',
  title,
  anyOf: [{ format: 'date' }, { format: 'date-time' }],
});

export const trainingIdParams: JsonSchema = strictObject({ id: objectId('培训编号') }, ['id']);

export const trainingSchoolParams: JsonSchema = strictObject(
  { id: objectId('培训编号'), schoolId: objectId('学校编号') },
  ['id', 'schoolId'],
);

export const regionParams: JsonSchema = strictObject({ code: regionCode }, ['code']);

export const createTrainingBody: JsonSchema = strictObject(
  {
    name: { type: 'string', title: '培训名称', minLength: 2, maxLength: 80, [DISPLAY_NAME]: true },
    startAt: dateOrInstant('开始时间'),
    endAt: dateOrInstant('结束时间'),
    hourCap: { type: 'number', title: '获得学时上限', exclusiveMinimum: 0, maximum: 1000, multipleOf: 0.01 },
    regionCode,
  },
  ['name', 'startAt', 'endAt', 'hourCap'],
);

export const listTrainingsQuery: JsonSchema = strictObject({
  status: { type: 'string', title: '培训状态', enum: [...TRAINING_STATUSES] },
  q: { type: 'string', title: '关键词', maxLength: 40 },
  from: { type: 'string', title: '开始日期', format: 'date' },
  to: { type: 'string', title: '结束日期', format: 'date' },
  ...paginationQuery,
});

export const statsQuery: JsonSchema = strictObject({ region: regionCode, includeUnverified, stage, subject });

/** The by-teacher filters, shared by the page and its export. */
const teacherFilters: Record<string, JsonSchema> = {
  region: regionCode,
  school: objectId('学校编号'),
  direct: { type: 'boolean', title: '只看直属学校', default: false },
  q: { type: 'string', title: '姓名', maxLength: 20 },
  stage,
  subject,
};

export const teachersQuery: JsonSchema = strictObject({ ...teacherFilters, ...paginationQuery });

export const teachersExportQuery: JsonSchema = strictObject(teacherFilters);

export const schoolStatsQuery: JsonSchema = strictObject({ includeUnverified });

export const fullTimeBody: JsonSchema = strictObject(
  {
    count: { type: ['integer', 'null'], title: '专任教师数', minimum: 0, maximum: 20_000_000 },
  },
  ['count'],
);
