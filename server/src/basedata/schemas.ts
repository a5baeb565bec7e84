// JSON Schemas of the base-data sync routes; titles are the zh-CN labels validation messages quote.
import { strictObject } from '../http/schemas';
import { DISPLAY_NAME } from '../http/validation';
import { SYNC_KINDS } from './model';

const regionCode = (title: string) => ({ type: 'string', title, pattern: '^\\d{6}$' }) as const;

export const shareQuery = strictObject(
  {
    kind: { type: 'string', title: '数据类别（schools 学校 / regions 行政区划）', enum: [...SYNC_KINDS] },
  },
  ['kind'],
);

export const syncIdParams = strictObject(
  { id: { type: 'string', title: '同步批次', pattern: '^[0-9a-f-]{36}$' } },
  ['id'],
);

export const createZoneBody = strictObject(
  {
    code: regionCode('功能区代码'),
    name: { type: 'string', title: '功能区名称', minLength: 2, maxLength: 30, [DISPLAY_NAME]: true },
    parentCode: regionCode('上级地区代码'),
    reportsAt: { type: 'string', title: '上报层级', enum: ['city', 'county'] },
  },
  ['code', 'name', 'parentCode', 'reportsAt'],
);

export const zoneCodeParams = strictObject({ code: regionCode('功能区代码') }, ['code']);

export const moveSchoolsBody = strictObject(
  {
    schoolIds: {
      type: 'array',
      title: '学校',
      minItems: 1,
      maxItems: 1000,
      items: { type: 'string', title: '学校 ID', pattern: '^[0-9a-f]{24}$' },
    },
  },
  ['schoolIds'],
);

export const schoolIdParams = strictObject(
  { id: { type: 'string', title: '学校 ID', pattern: '^[0-9a-f]{24}$' } },
  ['id'],
);

export const schoolCodeBody = strictObject(
  {
    schoolCode: { type: ['string', 'null'], title: '学校标识码', pattern: '^\\d{10}$' },
  },
  ['schoolCode'],
);
