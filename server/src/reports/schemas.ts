import type { JsonSchema } from '../http/validation';

const period = { type: 'string', title: '期次', pattern: '^\\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$' };

export const schoolReportParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'period'],
  properties: { id: { type: 'string', title: '学校ID', pattern: '^[0-9a-f]{24}$' }, period },
};

export const regionReportParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'period'],
  properties: { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' }, period },
};

export const issueParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'period', 'code'],
  properties: {
    id: { type: 'string', title: '学校ID', pattern: '^[0-9a-f]{24}$' },
    period,
    code: { type: 'string', title: '问题代码', minLength: 1, maxLength: 100 },
  },
};

/** The report body: the form data, validated again against the report's form version. */
export const saveReportBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['data'],
  properties: { data: { type: 'object', title: '填报内容' } },
};

const reason = { type: 'string', title: '原因', minLength: 2, maxLength: 500 };

export const withdrawalBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { ...reason, title: '撤报原因' } },
};

export const decisionBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['approve'],
  properties: {
    approve: { type: 'boolean', title: '是否批准' },
    reason: { ...reason, title: '审批意见' },
    deadline: {
      type: 'string',
      title: '限时修改截止时间（批准时可选；默认为本级截止时间与 3 天后两者中较晚者）',
      format: 'date-time',
    },
  },
};

export const returnBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason', 'deadline'],
  properties: {
    reason: { ...reason, title: '退回原因' },
    deadline: { type: 'string', title: '限时修改截止时间', format: 'date-time' },
  },
};

export const confirmIssueBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['note'],
  properties: { note: { type: 'string', title: '确认说明', minLength: 2, maxLength: 500 } },
};

export const periodQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { period },
};

export const regionCodeParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
};

export const formKindParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: { kind: { type: 'string', title: '表单类型', enum: ['school', 'region'] } },
};

export const formVersionQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { version: { type: 'integer', title: '表单版本', minimum: 1 } },
};

export const projectDeclareBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['declared'],
  properties: { declared: { type: 'boolean', title: '是否为教学点全覆盖项目学校' } },
};

export const projectConfirmBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['isProjectSchool'],
  properties: { isProjectSchool: { type: 'boolean', title: '县级确认是否为项目学校' } },
};

export const schoolIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', title: '学校ID', pattern: '^[0-9a-f]{24}$' } },
};
