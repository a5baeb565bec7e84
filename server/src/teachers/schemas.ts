// One JSON Schema per request shape of the teachers feature; titles are the zh-CN labels that
// validation messages quote.
import { TEACHER_STAGES, TEACHER_TITLES, VERIFICATION_STATES } from '@eduprogress/shared';
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';
import { DISPLAY_NAME } from '../http/validation';
import { ID_TYPES } from './model';

const objectId = (title: string) => ({ type: 'string', title, pattern: '^[0-9a-fA-F]{24}$' }) as const;

export const schoolParams = strictObject({ id: objectId('学校编号') }, ['id']);

export const teacherParams = strictObject({ id: objectId('教师编号') }, ['id']);

export const schoolTeachersQuery = strictObject({
  status: { type: 'string', title: '审核状态', enum: [...VERIFICATION_STATES] },
  title: { type: 'string', title: '职称', enum: [...TEACHER_TITLES] },
  stage: { type: 'string', title: '学段', enum: [...TEACHER_STAGES] },
  ...paginationQuery,
});

export const verifyBody = strictObject(
  {
    decision: { type: 'string', title: '审核结果', enum: ['approve', 'reject'] },
    reason: { type: 'string', title: '不通过原因', maxLength: 200 },
  },
  ['decision'],
);

export const applicationBody = strictObject(
  {
    schoolId: {
      type: 'string',
      title: '学校',
      description: '学校编号；学校不在系统中时填 other（「其他」）',
      pattern: '^([0-9a-fA-F]{24}|other)$',
    },
    regionCode: { type: 'string', title: '所在地区代码', pattern: '^\\d{6}$' },
    name: { type: 'string', title: '姓名', minLength: 2, maxLength: 30, [DISPLAY_NAME]: true },
    stage: { type: 'string', title: '学段', enum: [...TEACHER_STAGES] },
    subject: { type: 'string', title: '学科领域', minLength: 1, maxLength: 20 },
    title: { type: 'string', title: '职称', enum: [...TEACHER_TITLES] },
    idType: { type: 'string', title: '证件类型', enum: [...ID_TYPES] },
    idNumber: { type: 'string', title: '证件号码', pattern: '^[0-9A-Za-z()（）-]{6,30}$' },
  },
  ['schoolId', 'regionCode', 'name', 'stage', 'subject', 'title', 'idType', 'idNumber'],
);
