// The check of a new password and its repetition before it is sent: the server's own rule
// (shared/src/passwords.ts, the same words) and the two entries agreeing.
import { passwordProblem } from '@eduprogress/shared';

const messages = { mismatch: '两次输入的新密码不一致' };

/** What is wrong with a new password and its repetition (zh-CN, the server's words), or undefined. */
export function newPasswordProblem(password: string, confirm: string): string | undefined {
  return passwordProblem(password) ?? (password !== confirm ? messages.mismatch : undefined);
}
