// Building blocks of the request schemas every feature declares (its schemas.ts): one spelling of a
// closed object, so a route's params, query and body read as their fields only. Schemas keep their
// literal types (`as const`), so `route()` types a handler's input from the very object ajv checks.
import type { JSONSchema } from 'json-schema-to-ts';

/** A closed object schema as `strictObject` builds it (its literal type, for `FromSchema`). */
export type StrictObject<P extends Readonly<Record<string, JSONSchema>>, R extends readonly string[]> = {
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly required: R;
  readonly properties: P;
};

/**
 * An object schema taking exactly `properties` (no others: `additionalProperties: false`), `required`
 * among them. The same JSON Schema the features wrote out by hand, key for key (no `required` key
 * when none is given).
 */
export function strictObject<
  const P extends Readonly<Record<string, JSONSchema>>,
  const R extends readonly (keyof P & string)[] = [],
>(properties: P, required?: R): StrictObject<P, R> {
  return {
    type: 'object',
    additionalProperties: false,
    ...(required ? { required: [...required] } : {}),
    properties,
  } as unknown as StrictObject<P, R>;
}
