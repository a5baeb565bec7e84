import { strictObject } from '../http/schemas';

export const loginBody = strictObject(
  {
    account: { type: 'string', title: '账号', minLength: 1, maxLength: 100 },
    password: { type: 'string', title: '密码', minLength: 1, maxLength: 128 },
  },
  ['account', 'password'],
);

export const refreshBody = strictObject(
  { refreshToken: { type: 'string', title: '刷新令牌', minLength: 10, maxLength: 200 } },
  ['refreshToken'],
);

export const changePasswordBody = strictObject(
  {
    oldPassword: { type: 'string', title: '原密码', minLength: 1, maxLength: 128 },
    newPassword: { type: 'string', title: '新密码', minLength: 8, maxLength: 128 },
  },
  ['oldPassword', 'newPassword'],
);
