// The region form (地区情况, seed 000 §4.1): public resource platform, metro network, textbook versions.
import type { JsonSchemaObject } from './types';

export const PLATFORM_SOURCES = ['自建', '市级提供', '省级提供', '国家级提供', '购买企业平台服务'] as const;
export const METRO_BANDWIDTHS = ['10M', '100M', '1G', '2G', '4G', '10G', '20G', '40G', '100G'] as const;
export const CARRIERS = ['电信', '联通', '铁通', '移动', '其他'] as const;
export const TEXTBOOK_STAGES = {
  小学: ['语文', '数学', '英语', '品德与社会', '品德与生活', '科学'],
  初中: ['语文', '数学', '英语', '物理', '化学', '生物', '历史', '地理', '思想品德'],
  高中: ['语文', '数学', '英语', '物理', '化学', '生物', '历史', '地理', '思想政治'],
} as const;

const versionsList = {
  type: 'array',
  maxItems: 10,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 50 },
};

const textbookProperties = Object.fromEntries(
  Object.entries(TEXTBOOK_STAGES).map(([stage, subjects]) => [
    stage,
    {
      type: 'object',
      title: stage,
      additionalProperties: false,
      properties: Object.fromEntries(subjects.map((s) => [s, { ...versionsList, title: `${s}教材版本` }])),
    },
  ]),
);

export const REGION_FORM_V1: JsonSchemaObject = {
  $id: 'region-form/v1',
  type: 'object',
  title: '地区信息化情况',
  'x-version': 1,
  additionalProperties: false,
  required: ['platformUsed', 'metroNetwork'],
  properties: {
    platformUsed: { type: 'boolean', title: '是否组织统一使用了教育资源公共服务平台' },
    platformUrl: { type: 'string', title: '平台网址', format: 'uri', maxLength: 300 },
    platformSource: { type: 'string', title: '平台来源', enum: [...PLATFORM_SOURCES] },
    metroNetwork: {
      type: 'boolean',
      title: '是否具有到校的教育城域网',
      description: '如果有覆盖本地区大部分中小学的光纤到校的教育城域网，选择“是”',
    },
    metroBandwidth: {
      type: 'string',
      title: '教育城域网的互联网总出口带宽',
      description: '请选择最接近的数值',
      enum: [...METRO_BANDWIDTHS],
    },
    carriers: {
      type: 'array',
      title: '教育城域网的互联网接入运营商',
      uniqueItems: true,
      items: { type: 'string', enum: [...CARRIERS] },
    },
    otherCarrier: { type: 'string', title: '其他运营商名称', maxLength: 50 },
    textbooks: {
      type: 'object',
      title: '教材版本使用情况',
      description: '区县级填写',
      'x-only-levels': ['county'],
      additionalProperties: false,
      properties: textbookProperties,
    },
  },
  // Conditional requirements the form shows: a platform in use needs its source; a metro network its bandwidth.
  // The `if`s require their question, so an unanswered one is reported itself, not the follow-up it hides.
  allOf: [
    {
      if: { required: ['platformUsed'], properties: { platformUsed: { const: true } } },
      then: { required: ['platformSource'] },
    },
    {
      if: { required: ['metroNetwork'], properties: { metroNetwork: { const: true } } },
      then: { required: ['metroBandwidth', 'carriers'] },
    },
  ],
};

export const REGION_FORMS: Record<number, JsonSchemaObject> = { 1: REGION_FORM_V1 };
export const REGION_FORM_CURRENT_VERSION = 1;
