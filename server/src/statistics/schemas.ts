// JSON Schemas of the statistics requests (titles in zh-CN: they name the field in error messages).
import { INDICATORS, INDICATOR_CATEGORY_KEYS, SCHOOL_TYPES, URBAN_RURAL_TYPES } from '@eduprogress/shared';
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';

const period = { type: 'string', title: '期次', pattern: '^\\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$' } as const;
const category = { type: 'string', title: '统计分类', enum: [...INDICATOR_CATEGORY_KEYS] } as const;
const indicator = { type: 'string', title: '指标', enum: INDICATORS.map((d) => d.key) } as const;
const filters = {
  schoolType: { type: 'string', title: '学校类型', enum: [...SCHOOL_TYPES] },
  urbanRural: { type: 'string', title: '城乡类型', enum: [...URBAN_RURAL_TYPES] },
  period,
} as const;

export const regionCodeParams = strictObject(
  { code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
  ['code'],
);

export const statisticsQuery = strictObject(
  {
    category,
    page: { type: 'string', title: '统计页', pattern: '^[A-Za-z]{1,40}$' },
    ...filters,
  },
  ['category'],
);

export const chartQuery = strictObject({ indicator, ...filters }, ['indicator']);

const listProperties = {
  category,
  indicator,
  hit: { type: 'boolean', title: '只列出计入分子的学校' },
  direct: { type: 'boolean', title: '只列出直属学校' },
  ...filters,
} as const;

export const schoolListQuery = strictObject({ ...listProperties, ...paginationQuery }, ['category']);

export const schoolExportQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['category'],
  properties: listProperties,
} as const;

export const rebuildQuery = strictObject({ period });
