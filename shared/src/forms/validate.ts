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
  incomplete: (labels: string[]) => `还有 ${labels.length} 项必填内容未填写，不能上报：${labels.join('、')}`,
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

/** ajv keywords a blank required field raises: `required`, and the `if` whose `then` only requires. */
const BLANK_KEYWORDS = new Set(['required', 'if']);

/**
 * Errors that are more than blank required fields: what still refuses a draft (drafts may stay
 * incomplete; only 上报 needs every required field). Blank means absent, as the forms send nothing for
 * an empty input.
 */
export function errorsBeyondBlanks(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => !BLANK_KEYWORDS.has(e.keyword));
}

/** One required field left blank: its dotted path and its label (`教师终端·平板`). */
export interface BlankField {
  property: string;
  title: string;
}

/** The label of a dotted path from the titles along it (`教师终端·平板`), or the path when untitled. */
export function fieldLabel(schema: Record<string, unknown>, property: string): string {
  const parts = property.split('.').filter(Boolean);
  const titles = parts.map((_, i) => schemaFieldTitle(schema, parts.slice(0, i + 1).join('.')));
  return titles.every(Boolean) ? titles.join('·') : property;
}

/** The schema node at a dotted path, or undefined. */
function schemaNode(schema: Record<string, unknown>, property: string): any {
  let node: any = schema;
  for (const segment of property.split('.').filter(Boolean)) node = node?.properties?.[segment];
  return node;
}

/** A blank required group (教师终端 left out whole) stands for its required fields, at any depth. */
function requiredLeaves(schema: Record<string, unknown>, property: string): string[] {
  const node = schemaNode(schema, property);
  const inner: string[] = node?.type === 'object' && Array.isArray(node.required) ? node.required : [];
  return inner.length ? inner.flatMap((k) => requiredLeaves(schema, `${property}.${k}`)) : [property];
}

/**
 * The required fields (per `schema`, the form version a report is filed under) that ajv's `errors`
 * say are blank, each once, in the order found (a group left out whole: its required fields);
 * empty when none is.
 */
export function blankRequiredFields(
  schema: Record<string, unknown>,
  errors: readonly ErrorObject[],
): BlankField[] {
  const seen = new Set<string>();
  const out: BlankField[] = [];
  for (const e of errors) {
    if (e.keyword !== 'required') continue;
    for (const property of requiredLeaves(schema, errorProperty(e))) {
      if (seen.has(property)) continue;
      seen.add(property);
      out.push({ property, title: fieldLabel(schema, property) });
    }
  }
  return out;
}

/**
 * The one sentence refusing 上报 of a report with blank required fields, naming them by title
 * (server error and the app's inline message alike): `还有 2 项必填内容未填写，不能上报：班级数、教职工数`.
 */
export function incompleteSentence(fields: readonly BlankField[]): string {
  return messages.incomplete(fields.map((f) => f.title));
}
