// Request shapes of school deletion / affiliation-change requests.
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';
import { SCHOOL_REQUEST_KINDS, SCHOOL_REQUEST_STATUSES } from './model';

const objectId = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } as const;

export const fileRequestBody = strictObject(
  {
    kind: { type: 'string', title: '申请类型', enum: [...SCHOOL_REQUEST_KINDS] },
    schoolId: { ...objectId, title: '学校编号' },
    reason: { type: 'string', title: '申请理由', minLength: 2, maxLength: 500, pattern: '\\S' },
    targetRegionCode: { type: 'string', title: '新的主管地区', pattern: '^\\d{6}$' },
  },
  ['kind', 'schoolId', 'reason'],
);

export const listRequestsQuery = strictObject({
  ...paginationQuery,
  status: { type: 'string', title: '状态', enum: [...SCHOOL_REQUEST_STATUSES] },
  kind: { type: 'string', title: '申请类型', enum: [...SCHOOL_REQUEST_KINDS] },
});

export const requestIdParams = strictObject({ id: { ...objectId, title: '申请编号' } }, ['id']);

export const approveBody = strictObject({
  comment: { type: 'string', title: '审批意见', maxLength: 500 },
});

export const refuseBody = strictObject(
  {
    comment: { type: 'string', title: '驳回理由', minLength: 2, maxLength: 500, pattern: '\\S' },
  },
  ['comment'],
);
