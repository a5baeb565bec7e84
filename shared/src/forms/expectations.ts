// What a field is expected to hold, in zh-CN words, for every JSON-Schema error a user can see: a
// regex or a format name means nothing to a school admin (`应当匹配模式 "^\d{6}$"`), so each pattern the
// schemas use has its sentence here ("应为 6 位数字"), each format too, and the common keywords say the
// expected value plainly instead of ajv-i18n's symbols ("应当 <= 1000", "应当是 string 类型").
// Used by describeErrors (shared/src/forms/validate.ts), so the server's request and report validation and
// the mini-program's inline errors say the same words.
import type { ErrorObject } from 'ajv';
import { enumLabels } from './enum-labels';

const messages = {
  pattern: '格式不正确',
  format: '格式不正确',
  required: '此项为必填项',
  unknown: '不是可以提交的字段',
  then: '未满足填写条件',
  type: (what: string) => `应为${what}`,
  oneOf: (values: string) => `应为以下之一：${values}`,
  oneOfMany: (values: string, more: number) => `应为以下之一：${values} 等 ${more} 项`,
  equal: (value: string) => `应为 ${value}`,
  atLeast: (n: number) => `不应小于 ${n}`,
  atMost: (n: number) => `不应大于 ${n}`,
  above: (n: number) => `应大于 ${n}`,
  below: (n: number) => `应小于 ${n}`,
  multipleOf: (n: number) => `应为 ${n} 的整数倍`,
  minLength: (n: number) => (n <= 1 ? '不能为空' : `至少 ${n} 个字符`),
  maxLength: (n: number) => `最多 ${n} 个字符`,
  minItems: (n: number) => `至少选择或填写 ${n} 项`,
  maxItems: (n: number) => `最多 ${n} 项`,
  uniqueItems: '不能有重复项',
  minProperties: (n: number) => `至少填写 ${n} 项`,
};

/**
 * The sentence for each `pattern` the schemas use (server/src/**\/schemas.ts, shared/src/forms), keyed by
 * the pattern's source text. A pattern missing here is worded `格式不正确`, never quoted; the test
 * test/server/http/validation-messages.test.ts checks every route's patterns have an entry.
 */
export const PATTERN_EXPECTATIONS: Readonly<Record<string, string>> = {
  '^\\d{6}$': '应为 6 位数字',
  '^(\\d{6})?$': '应为 6 位数字或留空',
  '^\\d{10}$': '应为 10 位数字',
  '^\\d{5,12}$': '应为 5～12 位数字',
  '^1\\d{10}$': '应为以 1 开头的 11 位手机号',
  '^[0-9-]{5,20}$': '应为 5～20 位数字或连字符（-），如 0591-87654321',
  '^[0-9a-fA-F]{24}$': '应为 24 位编号（数字和字母 a～f）',
  '^[0-9a-f]{24}$': '应为 24 位编号（数字和小写字母 a～f）',
  '^([0-9a-fA-F]{24}|other)$': '应为 24 位编号（数字和字母 a～f）或 other',
  '^[0-9a-f-]{36}$': '应为 36 位编号（数字、小写字母 a～f 和连字符）',
  '^\\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$': '应为期次，如 2026Q4（季度）或 2026-11（月份）',
  '^\\d{4}-\\d{2}$': '应为月份，如 2026-11',
  '^\\d{4}-(0[1-9]|1[0-2])$': '应为月份，如 2026-11',
  '^[A-Za-z][A-Za-z0-9_.-]*$': '应以英文字母开头，只含英文字母、数字和 _ . -',
  '^[A-Za-z]{1,40}$': '应为 1～40 个英文字母',
  '^[A-Za-z0-9_.:@-]+$': '只能包含英文字母、数字和 _ . : @ -',
  '^[0-9A-Za-z \\-]+$': '只能包含数字、英文字母、空格和连字符（-）',
  '^[0-9A-Za-z()（）-]{6,30}$': '应为 6～30 位数字、英文字母、括号或连字符',
  '\\S': '不能只有空白',
  '^\\S+$': '不能包含空白',
};

/** The sentence for each `format` the schemas use. */
export const FORMAT_EXPECTATIONS: Readonly<Record<string, string>> = {
  email: '应为电子邮箱地址，如 name@example.com',
  uri: '应为完整网址，如 https://www.example.com',
  date: '应为日期，如 2026-11-29',
  'date-time': '应为日期和时间，如 2026-11-29T08:00:00+08:00',
};

const TYPE_WORDS: Record<string, string> = {
  string: '文字',
  number: '数字',
  integer: '整数',
  boolean: '是或否（true/false）',
  array: '列表',
  object: '对象',
  null: '空值（null）',
};

/** The most values an enum sentence lists before saying how many more there are. */
const ENUM_LISTED = 12;

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * One ajv error → what the field should hold, in zh-CN (no regex, format name or type name quoted),
 * or undefined when ajv-i18n's own wording already says it (the caller keeps that message).
 */
export function expectationOf(error: ErrorObject): string | undefined {
  const p = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'pattern':
      return PATTERN_EXPECTATIONS[String(p.pattern)] ?? messages.pattern;
    case 'format':
      return FORMAT_EXPECTATIONS[String(p.format)] ?? messages.format;
    case 'required':
      return messages.required;
    case 'additionalProperties':
      return messages.unknown;
    case 'if':
      return messages.then;
    case 'type': {
      const types = String(p.type).split(',');
      return messages.type(types.map((t) => TYPE_WORDS[t] ?? t).join('或'));
    }
    case 'enum': {
      // English keys read as their zh-CN words, the key after each (an API client sends the key).
      const words = enumLabels(p.allowedValues as unknown[]);
      const values = (p.allowedValues as unknown[]).map((v, i) =>
        words ? `${words[i]}（${shown(v)}）` : shown(v),
      );
      return values.length > ENUM_LISTED
        ? messages.oneOfMany(values.slice(0, ENUM_LISTED).join('、'), values.length)
        : messages.oneOf(values.join('、'));
    }
    case 'const':
      return messages.equal(shown(p.allowedValue));
    case 'minimum':
      return messages.atLeast(p.limit);
    case 'maximum':
      return messages.atMost(p.limit);
    case 'exclusiveMinimum':
      return messages.above(p.limit);
    case 'exclusiveMaximum':
      return messages.below(p.limit);
    case 'multipleOf':
      return messages.multipleOf(p.multipleOf);
    case 'minLength':
      return messages.minLength(p.limit);
    case 'maxLength':
      return messages.maxLength(p.limit);
    case 'minItems':
      return messages.minItems(p.limit);
    case 'maxItems':
      return messages.maxItems(p.limit);
    case 'uniqueItems':
      return messages.uniqueItems;
    case 'minProperties':
      return messages.minProperties(p.limit);
    default:
      return undefined;
  }
}
