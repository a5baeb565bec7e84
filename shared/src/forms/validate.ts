// Turning ajv's errors on a form into zh-CN messages: one implementation for the server (request and
// report validation) and the mini-program (inline errors before the server is asked), so both say the
// same sentence for the same bad value. Needs only ajv's error objects, never ajv's compiler: the
// mini-program runs validators generated ahead of time (WeChat forbids `new Function`).
import type { ErrorObject } from 'ajv';
import localizeZh from 'ajv-i18n/localize/zh/index.js';
import { expectationOf } from './expectations';

/** The ajv options a form is compiled with, on the server and in the mini-program's generated code. */
export const FORM_AJV_OPTIONS = { allErrors: true, strict: false, useDefaults: false } as const;

const messages = {
  unknownField: (property: string) => `不允许提交未定义的字段 ${property}`,
  missingField: (who: string) => `缺少必填字段 ${who}`,
  badFormat: '格式不正确',
};

/** The JSON-Schema keyword of name fields (the server registers it; see server/src/http/validation.ts). */
export const DISPLAY_NAME_KEYWORD = 'x-display-name';

/** One field's error: dotted path (`teacherTerminals.tablet`), zh-CN message, ajv keyword. */
export interface FieldError {
  property: string;
  message: string | undefined;
  keyword: string;
}

/** The dotted path an error points at, the missing or unknown property included. */
export function errorProperty(error: ErrorObject): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty ?? undefined;
  if (extra !== undefined) return base ? `${base}.${extra}` : String(extra);
  return base;
}

/** The `title` of the schema node at a dotted path, for a readable Chinese sentence. */
export function schemaFieldTitle(schema: Record<string, unknown>, property: string): string | undefined {
  let node: any = schema;
  for (const segment of property.split('.').filter(Boolean)) {
    if (node?.properties?.[segment]) node = node.properties[segment];
    else if (node?.items) node = node.items;
    else return undefined;
  }
  return typeof node?.title === 'string' ? node.title : undefined;
}

/**
 * ajv errors → `{ sentence, property, errors }`: the errors are localized to zh-CN in place (each saying
 * what the field should hold, never quoting a regex, format or type name: shared/src/forms/expectations.ts), the most
 * telling one (unknown, then missing fields, then the first) becomes the sentence
 * `<prefix>：<标题>（<path>）：<message>` and `property`; `errors` lists every field's message.
 */
export function describeErrors(
  schema: Record<string, unknown>,
  errors: ErrorObject[],
  prefix: string,
): { sentence: string; property: string; errors: FieldError[] } {
  localizeZh(errors);
  for (const e of errors) e.message = expectationOf(e) ?? e.message;
  const first =
    errors.find((e) => e.keyword === 'additionalProperties') ??
    errors.find((e) => e.keyword === 'required') ??
    errors[0];
  const property = errorProperty(first);
  const label = schemaFieldTitle(schema, property);
  const who = property ? `${label ? `${label}（${property}）` : property}` : '';
  let sentence: string;
  if (first.keyword === 'additionalProperties') sentence = messages.unknownField(property);
  else if (first.keyword === 'required') sentence = messages.missingField(who);
  // The display-name keyword (`x-display-name`, shared/src/identity.ts) carries its own zh-CN problem.
  else if (first.keyword === DISPLAY_NAME_KEYWORD)
    sentence = `${label ?? property}${(first.params as { problem: string }).problem}`;
  else sentence = `${who ? `${who}：` : ''}${first.message ?? messages.badFormat}`;
  return {
    sentence: `${prefix}：${sentence}`,
    property,
    errors: errors.map((e) => ({ property: errorProperty(e), message: e.message, keyword: e.keyword })),
  };
}
