// Request shapes of account aliases.
import type { JsonSchema } from '../http/validation';

const objectId: JsonSchema = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' };
const alias: JsonSchema = { type: 'string', title: '别名', minLength: 1, maxLength: 60 };

export const userIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...objectId, title: '用户编号' } },
};

export const aliasParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'alias'],
  properties: { id: { ...objectId, title: '用户编号' }, alias },
};

export const addAliasBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['alias'],
  properties: { alias },
};
