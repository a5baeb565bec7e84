// The zh-CN words for the English keys the API's enums take (levels, roles, states…), so a validation
// error lists 县级（county）、市级（city） rather than bare keys. The words come from the domain's label
// maps (shared/src/domain.ts, training-stats.ts, indicators) and, for enums only the server declares,
// the words the mini-program shows for them.
import { REGION_LEVEL_LABELS, REGION_ROLE_LABELS, REPORT_STATE_LABELS, VERIFICATION_LABELS } from '../domain';
import { INDICATOR_CATEGORIES } from '../indicators/catalog';
import { TRAINING_STATUS_LABELS } from '../training-stats';

/**
 * Label maps, each for one enum (or a family of enums with the same keys). An enum takes the first map
 * holding every one of its values, so a key's word depends on its enum: `approved` is 已通过 for a
 * teacher's verification, 已批准 for a school request.
 */
export const ENUM_LABEL_MAPS: readonly Readonly<Record<string, string>>[] = [
  REGION_LEVEL_LABELS,
  { ...REGION_ROLE_LABELS, super: '超级管理员', special: '专项管理员' },
  REPORT_STATE_LABELS,
  VERIFICATION_LABELS,
  TRAINING_STATUS_LABELS,
  Object.fromEntries(INDICATOR_CATEGORIES.map((c) => [c.key, c.label])),
  { region: '地区', school: '学校', teacher: '教师' },
  { male: '男', female: '女' },
  { quarterly: '按季度', monthly: '按月' },
  { delete: '删除学校', transfer: '变更隶属关系' },
  { pending: '待审批', approved: '已批准', refused: '未批准' },
  { unused: '未使用', used: '已使用', revoked: '已作废', expired: '已过期' },
  { approve: '通过', reject: '不通过' },
  { received: '收到的', sent: '发出的' },
  { any: '有疑似问题', none: '无疑似问题', basic: '基础信息有疑似问题', report: '填报信息有疑似问题' },
  { schools: '学校', regions: '行政区划' },
];

/**
 * The zh-CN words for an enum's `values` from the first of {@link ENUM_LABEL_MAPS} holding them all, or
 * undefined when none does (values already in Chinese, or an enum without words).
 */
export function enumLabels(values: readonly unknown[]): string[] | undefined {
  if (!values.length || !values.every((v) => typeof v === 'string')) return undefined;
  const map = ENUM_LABEL_MAPS.find((m) => values.every((v) => Object.hasOwn(m, v as string)));
  return map ? values.map((v) => map[v as string]!) : undefined;
}
