// Building blocks of the request schemas every feature declares (its schemas.ts): one spelling of a
// closed object, so a route's params, query and body read as their fields only.
import type { JsonSchema } from './validation';

/**
 * An object schema taking exactly `properties` (no others: `additionalProperties: false`), `required`
 * among them. The same JSON Schema the features wrote out by hand, key for key.
 */
export function strictObject(
  properties: Record<string, JsonSchema>,
  required?: readonly string[],
): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    ...(required ? { required: [...required] } : {}),
    properties,
  };
}
