// One JSON Schema per request shape of the training feature; titles are the zh-CN labels that
// validation messages quote.
import { TEACHER_STAGES, TRAINING_STATUSES } from '@eduprogress/shared';
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';
import { DISPLAY_NAME } from '../http/validation';

const objectId = (title: string) => ({ type: 'string', title, pattern: '^[0-9a-fA-F]{24}$' }) as const;
const regionCode = { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } as const;
const stage = { type: 'string', title: '学段', enum: [...TEACHER_STAGES] } as const;
const subject = { type: 'string', title: '学科领域', minLength: 1, maxLength: 20 } as const;
const includeUnverified = {
  type: 'boolean',
  title: '包含未通过认证的教师',
  default: true,
} as const;
// A date (the whole day, Asia/Shanghai) or an ISO 8601 instant with its offset.
const dateOrInstant = (title: string) =>
  ({
    type: 'string',
    title,
    anyOf: [{ format: 'date' }, { format: 'date-time' }],
  }) as const;

export const trainingIdParams = strictObject({ id: objectId('培训编号') }, ['id']);

export const trainingSchoolParams = strictObject(
  { id: objectId('培训编号'), schoolId: objectId('学校编号') },
  ['id', 'schoolId'],
);

export const regionParams = strictObject({ code: regionCode }, ['code']);

export const createTrainingBody = strictObject(
  {
    name: { type: 'string', title: '培训名称', minLength: 2, maxLength: 80, [DISPLAY_NAME]: true },
    startAt: dateOrInstant('开始时间'),
    endAt: dateOrInstant('结束时间'),
    hourCap: { type: 'number', title: '获得学时上限', exclusiveMinimum: 0, maximum: 1000, multipleOf: 0.01 },
    regionCode,
  },
  ['name', 'startAt', 'endAt', 'hourCap'],
);

export const listTrainingsQuery = strictObject({
  status: { type: 'string', title: '培训状态', enum: [...TRAINING_STATUSES] },
  q: { type: 'string', title: '关键词', maxLength: 40 },
  from: { type: 'string', title: '开始日期', format: 'date' },
  to: { type: 'string', title: '结束日期', format: 'date' },
  ...paginationQuery,
});

export const statsQuery = strictObject({ region: regionCode, includeUnverified, stage, subject });

/** The by-teacher filters, shared by the page and its export. */
const teacherFilters = {
  region: regionCode,
  school: objectId('学校编号'),
  direct: { type: 'boolean', title: '只看直属学校', default: false },
  q: { type: 'string', title: '姓名', maxLength: 20 },
  stage,
  subject,
} as const;

export const teachersQuery = strictObject({ ...teacherFilters, ...paginationQuery });

export const teachersExportQuery = strictObject(teacherFilters);

export const schoolStatsQuery = strictObject({ includeUnverified });

export const fullTimeBody = strictObject(
  {
    count: { type: ['integer', 'null'], title: '专任教师数', minimum: 0, maximum: 20_000_000 },
  },
  ['count'],
);
