// Request shapes of account aliases.
import { strictObject } from '../http/schemas';

const objectId = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } as const;
const alias = { type: 'string', title: '别名', minLength: 1, maxLength: 60 } as const;

export const userIdParams = strictObject({ id: { ...objectId, title: '用户编号' } }, ['id']);

export const aliasParams = strictObject({ id: { ...objectId, title: '用户编号' }, alias }, ['id', 'alias']);

export const addAliasBody = strictObject({ alias }, ['alias']);
