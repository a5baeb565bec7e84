// Forgot password by email (seed 000 §6.1 忘记密码, beside the SMS path in accounts/profile-service.ts): an
// image captcha guards the request; a 6-digit code goes to the account's email (nothing is said about
// whether the address has an account); the code (10 minutes, 5 tries, single use) sets a new password
// and signs the account out everywhere.
import { Session, User, type UserDoc } from '../accounts/model';
import { consumeCode, issueCode, oneTimeCodeModel } from '../accounts/one-time-codes';
import { hashPassword } from '../accounts/passwords';
import { checkPasswordStrength } from '../accounts/service';
import type { Clock } from '../clock';
import { ValidationError } from '../http/errors';
import { consumeCaptcha } from './captcha';
import type { EmailSender } from './email';

const messages = {
  subject: '【进展通】找回密码验证码',
  text: (code: string) =>
    `您正在通过邮箱找回进展通账号的密码，验证码为 ${code}，10 分钟内有效。如非本人操作，请忽略本邮件。`,
  wrong: '邮箱验证码不正确或已过期',
};

export const EmailCode = oneTimeCodeModel('EmailCode', 'email_reset_codes');

export interface EmailResetDeps {
  clock: Clock;
  email: EmailSender;
}

/**
 * Checks the captcha (400 CAPTCHA_INVALID), then sends a code when the address belongs to an account;
 * the answer is the same either way. 429 EMAIL_TOO_FREQUENT within a minute of the last code.
 */
export async function requestEmailReset(
  deps: EmailResetDeps,
  input: { email: string; captchaId: string; captcha: string },
): Promise<void> {
  await consumeCaptcha(deps.clock, input.captchaId, input.captcha);
  const address = input.email.trim().toLowerCase();
  if (!(await User.exists({ email: address }))) return;
  const code = await issueCode(EmailCode, deps.clock, address, 'EMAIL');
  await deps.email.send(address, messages.subject, messages.text(code));
}

/** Sets the new password with the emailed code (400 EMAIL_CODE_INVALID / _EXHAUSTED, WEAK_PASSWORD). */
export async function resetPasswordByEmail(
  deps: EmailResetDeps,
  input: { email: string; code: string; newPassword: string },
): Promise<void> {
  checkPasswordStrength(input.newPassword);
  const address = input.email.trim().toLowerCase();
  await consumeCode(EmailCode, deps.clock, address, input.code, {
    channel: 'EMAIL',
    wrongMessage: messages.wrong,
    property: 'code',
  });
  const user = await User.findOne({ email: address }).lean<UserDoc>();
  if (!user) throw new ValidationError(messages.wrong, { property: 'code' }, 'EMAIL_CODE_INVALID');
  await User.updateOne(
    { _id: user._id },
    {
      $set: {
        passwordHash: await hashPassword(input.newPassword),
        mustChangePassword: false,
        failedLogins: 0,
      },
      $unset: { lockedUntil: 1 },
    },
  );
  await Session.deleteMany({ userId: user._id });
}
