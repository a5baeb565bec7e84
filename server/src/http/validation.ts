// Request validation with ajv: one JSON Schema per request shape, unknown fields rejected,
// messages in zh-CN (ajv-i18n, through the shared describeErrors that the mini-program runs too), the
// first error's path reported as details.property.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describeErrors, DISPLAY_NAME_KEYWORD, nameProblem } from '@eduprogress/shared';
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
export const DISPLAY_NAME = DISPLAY_NAME_KEYWORD;

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

export { errorProperty as propertyOf } from '@eduprogress/shared';

export function toValidationError(
  part: RequestPart,
  schema: JsonSchema,
  errors: ErrorObject[],
): ValidationError {
  const { sentence, property, errors: all } = describeErrors(schema, errors, messages[part]);
  return new ValidationError(sentence, { property, part, errors: all });
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
