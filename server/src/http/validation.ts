// Request validation with ajv: one JSON Schema per request shape, unknown fields rejected,
// messages in zh-CN (ajv-i18n), the first error's path reported as details.property.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import localizeZh from 'ajv-i18n/localize/zh/index.js';
import { nameProblem } from '@eduprogress/shared';
import { ValidationError } from './errors';

// ajv-formats is CommonJS; under ESM interop its function sits on `default`.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export type JsonSchema = Record<string, unknown>;

const messages = {
  body: '请求内容不合法',
  query: '查询参数不合法',
  params: '路径参数不合法',
};

/**
 * The JSON-Schema keyword every name field carries (people, schools, trainings, notice titles):
 * `{ type: 'string', [DISPLAY_NAME]: true }`, checked by `nameProblem` (shared/src/identity.ts): no
 * control characters, lone surrogates or bidi overrides, and something visible.
 */
export const DISPLAY_NAME = 'x-display-name';

export type RequestPart = keyof typeof messages;

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    coerceTypes,
    strict: false,
    removeAdditional: false,
  });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: DISPLAY_NAME,
    type: 'string',
    schemaType: 'boolean',
    errors: true,
    validate: function displayName(enabled: boolean, value: string) {
      const problem = enabled ? nameProblem(value) : null;
      if (!problem) return true;
      (displayName as { errors?: Partial<ErrorObject>[] }).errors = [
        { keyword: DISPLAY_NAME, message: problem, params: { problem } },
      ];
      return false;
    },
  });
  return ajv;
}

// Bodies are JSON and must arrive with their real types; query strings and path segments are text,
// so they are coerced ("20" → 20) before checking.
const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);

export function compileValidator(part: RequestPart, schema: JsonSchema): ValidateFunction {
  return (part === 'body' ? bodyAjv : textAjv).compile(schema);
}

/** The schema-path label (`title`) of the field an error points at, for a readable Chinese sentence. */
function fieldLabel(schema: JsonSchema, property: string): string | undefined {
  let node: any = schema;
  for (const segment of property.split('.').filter(Boolean)) {
    if (node?.properties?.[segment]) node = node.properties[segment];
    else if (node?.items) node = node.items;
    else return undefined;
  }
  return typeof node?.title === 'string' ? node.title : undefined;
}

export function propertyOf(error: ErrorObject): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    (error.params as any).missingProperty ?? (error.params as any).additionalProperty ?? undefined;
  if (extra !== undefined) return base ? `${base}.${extra}` : String(extra);
  return base;
}

export function toValidationError(
  part: RequestPart,
  schema: JsonSchema,
  errors: ErrorObject[],
): ValidationError {
  localizeZh(errors);
  // Prefer the most telling error: unknown and missing fields first, then the rest in order.
  const first =
    errors.find((e) => e.keyword === 'additionalProperties') ??
    errors.find((e) => e.keyword === 'required') ??
    errors[0];
  const property = propertyOf(first);
  const label = fieldLabel(schema, property);
  const who = property ? `${label ? `${label}（${property}）` : property}` : '';
  let sentence: string;
  if (first.keyword === 'additionalProperties') sentence = `不允许提交未定义的字段 ${property}`;
  else if (first.keyword === 'required') sentence = `缺少必填字段 ${who}`;
  else if (first.keyword === DISPLAY_NAME)
    sentence = `${label ?? property}${(first.params as { problem: string }).problem}`;
  else sentence = `${who ? `${who}：` : ''}${first.message ?? '格式不正确'}`;
  return new ValidationError(`${messages[part]}：${sentence}`, {
    property,
    part,
    errors: errors.map((e) => ({ property: propertyOf(e), message: e.message, keyword: e.keyword })),
  });
}

export function assertValid<T>(
  part: RequestPart,
  validate: ValidateFunction,
  schema: JsonSchema,
  value: unknown,
): T {
  if (!validate(value)) throw toValidationError(part, schema, validate.errors ?? []);
  return value as T;
}
