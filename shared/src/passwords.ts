// The password rule every new password meets (first login, change, SMS or e-mail reset): checked by the
// server (accounts/service.ts checkPasswordStrength) and by the app before it asks, in the same words.

const messages = {
  weakPassword: '新密码至少 8 位，且须同时包含字母和数字',
};

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Why `password` is not acceptable as a new password (zh-CN), or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH || !/[A-Za-z]/.test(password) || !/\d/.test(password))
    return messages.weakPassword;
  if (password.length > PASSWORD_MAX_LENGTH) return `新密码不能超过 ${PASSWORD_MAX_LENGTH} 位`;
  return undefined;
}
