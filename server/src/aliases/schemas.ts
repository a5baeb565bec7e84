// Request shapes of account aliases.
import type { JsonSchema } from '../http/validation';
import { strictObject } from '../http/schemas';

const objectId: JsonSchema = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' };
const alias: JsonSchema = { type: 'string', title: '别名', minLength: 1, maxLength: 60 };

export const userIdParams: JsonSchema = strictObject({ id: { ...objectId, title: '用户编号' } }, ['id']);

export const aliasParams: JsonSchema = strictObject({ id: { ...objectId, title: '用户编号' }, alias }, [
  'id',
  'alias',
]);

export const addAliasBody: JsonSchema = strictObject({ alias }, ['alias']);
