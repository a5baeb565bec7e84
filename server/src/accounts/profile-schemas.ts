import { DISPLAY_NAME } from '../http/validation';
import { strictObject } from '../http/schemas';

const mobile = { type: 'string', title: '手机号', pattern: '^1\\d{10}$' } as const;
const smsCode = { type: 'string', title: '短信验证码', pattern: '^\\d{6}$' } as const;
const password = { type: 'string', title: '密码', minLength: 8, maxLength: 128 } as const;

export const smsCodeBody = strictObject(
  {
    mobile,
    purpose: { type: 'string', title: '用途', enum: ['register', 'profile', 'reset'] },
  },
  ['mobile', 'purpose'],
);

export const registerBody = strictObject(
  {
    mobile,
    code: smsCode,
    password,
    name: { type: 'string', title: '姓名', minLength: 1, maxLength: 50, [DISPLAY_NAME]: true },
  },
  ['mobile', 'code', 'password', 'name'],
);

export const forgotPasswordBody = strictObject(
  { mobile, code: smsCode, newPassword: { ...password, title: '新密码' } },
  ['mobile', 'code', 'newPassword'],
);

export const profileBody = strictObject(
  {
    name: { type: 'string', title: '真实姓名', minLength: 1, maxLength: 50, [DISPLAY_NAME]: true },
    gender: { type: 'string', title: '性别', enum: ['male', 'female'] },
    mobile,
    smsCode,
    email: { type: 'string', title: '电子邮箱', format: 'email', maxLength: 100 },
    officePhone: { type: 'string', title: '办公电话', pattern: '^[0-9-]{5,20}$' },
    address: { type: 'string', title: '通讯地址', maxLength: 200 },
    postcode: { type: 'string', title: '邮政编码', pattern: '^\\d{6}$' },
    qq: { type: 'string', title: 'QQ', pattern: '^\\d{5,12}$' },
  },
  ['name', 'gender', 'mobile', 'email'],
);

export const wechatCodeBody = strictObject(
  { code: { type: 'string', title: '微信登录凭证', minLength: 1, maxLength: 200 } },
  ['code'],
);
