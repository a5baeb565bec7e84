import { strictObject } from '../http/schemas';

const period = { type: 'string', title: '期次', pattern: '^\\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$' } as const;

export const schoolReportParams = strictObject(
  { id: { type: 'string', title: '学校ID', pattern: '^[0-9a-f]{24}$' }, period },
  ['id', 'period'],
);

export const regionReportParams = strictObject(
  { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' }, period },
  ['code', 'period'],
);

export const issueParams = strictObject(
  {
    id: { type: 'string', title: '学校ID', pattern: '^[0-9a-f]{24}$' },
    period,
    code: { type: 'string', title: '问题代码', minLength: 1, maxLength: 100 },
  },
  ['id', 'period', 'code'],
);

/** The report body: the form data, validated again against the report's form version. */
export const saveReportBody = strictObject({ data: { type: 'object', title: '填报内容' } }, ['data']);

const reason = { type: 'string', title: '原因', minLength: 2, maxLength: 500 } as const;

export const withdrawalBody = strictObject({ reason: { ...reason, title: '撤报原因' } }, ['reason']);

export const decisionBody = strictObject(
  {
    approve: { type: 'boolean', title: '是否批准' },
    reason: { ...reason, title: '审批意见' },
    deadline: {
      type: 'string',
      title: '限时修改截止时间（批准时可选；默认为本级截止时间与 3 天后两者中较晚者）',
      format: 'date-time',
    },
  },
  ['approve'],
);

export const returnBody = strictObject(
  {
    reason: { ...reason, title: '退回原因' },
    deadline: { type: 'string', title: '限时修改截止时间', format: 'date-time' },
  },
  ['reason', 'deadline'],
);

export const confirmIssueBody = strictObject(
  { note: { type: 'string', title: '确认说明', minLength: 2, maxLength: 500 } },
  ['note'],
);

export const periodQuery = strictObject({ period });

export const regionCodeParams = strictObject(
  { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
  ['code'],
);

export const formKindParams = strictObject(
  { kind: { type: 'string', title: '表单类型', enum: ['school', 'region'] } },
  ['kind'],
);

export const formVersionQuery = strictObject({
  version: { type: 'integer', title: '表单版本', minimum: 1 },
});

export const projectDeclareBody = strictObject(
  { declared: { type: 'boolean', title: '是否为教学点全覆盖项目学校' } },
  ['declared'],
);

export const projectConfirmBody = strictObject(
  { isProjectSchool: { type: 'boolean', title: '县级确认是否为项目学校' } },
  ['isProjectSchool'],
);

export const schoolIdParams = strictObject(
  { id: { type: 'string', title: '学校ID', pattern: '^[0-9a-f]{24}$' } },
  ['id'],
);

const iso = { type: 'string', format: 'date-time' } as const;
const levelEnum = { type: 'string', enum: ['county', 'city', 'province'] } as const;
const workingSchema = {
  type: 'object',
  title: '可填报的期次',
  description:
    '此刻可填报的期次：本级截止时间之前为刚结束的期次（正在逐级上报），之后为正在进行的期次（例如窗口之外学校填报本季度）',
  required: ['period', 'level', 'deadline', 'opensAt', 'closesAt'],
  properties: {
    period: { type: 'string', title: '期次，如 2026Q4' },
    level: { ...levelEnum, title: '上报层级（学校随其管理地区）' },
    deadline: { ...iso, title: '本级截止时间（此后未上报的按现有数据自动上报）' },
    opensAt: { ...iso, title: '本级上报窗口开始' },
    closesAt: { ...iso, title: '本级上报窗口结束' },
  },
} as const;

/** `GET /periods/current` (documented for the bot and the mini-program, which read these fields). */
export const currentPeriodResponse = {
  type: 'object',
  required: ['period', 'cycle', 'windows', 'openLevels', 'now', 'working', 'workingByLevel'],
  properties: {
    period: { type: 'string', title: '正在逐级上报的期次' },
    cycle: { type: 'string', enum: ['quarterly', 'monthly'], title: '上报周期' },
    periodStart: { ...iso, title: '该期次开始' },
    periodEnd: { ...iso, title: '该期次结束' },
    windows: {
      type: 'array',
      title: '各级上报时间窗口',
      items: {
        type: 'object',
        properties: {
          level: levelEnum,
          opensAt: iso,
          closesAt: iso,
          deadline: iso,
          open: { type: 'boolean' },
        },
      },
    },
    openLevels: { type: 'array', items: levelEnum, title: '当前开放的层级' },
    now: { ...iso, title: '服务器当前时间（上海时区）' },
    working: {
      ...workingSchema,
      title: '调用者当前可填报的期次（按当前身份的上报层级；未登录时按区县级）',
    },
    workingByLevel: {
      type: 'object',
      title: '各层级当前可填报的期次',
      properties: { county: workingSchema, city: workingSchema, province: workingSchema },
    },
  },
} as const;
