import type { JsonSchema } from '../http/validation';

export const loginBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['account', 'password'],
  properties: {
    account: { type: 'string', title: '账号', minLength: 1, maxLength: 100 },
    password: { type: 'string', title: '密码', minLength: 1, maxLength: 128 },
  },
};

export const refreshBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', title: '刷新令牌', minLength: 10, maxLength: 200 } },
};

export const changePasswordBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['oldPassword', 'newPassword'],
  properties: {
    oldPassword: { type: 'string', title: '原密码', minLength: 1, maxLength: 128 },
    newPassword: { type: 'string', title: '新密码', minLength: 8, maxLength: 128 },
  },
};
