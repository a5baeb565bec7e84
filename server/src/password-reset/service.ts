// Forgot password by email (seed 000 §6.1 忘记密码, beside the SMS path in accounts/profile-service.ts): an
// image captcha guards the request; a 6-digit code goes to the account's email (nothing is said about
// whether the address has an account); the code (10 minutes, 5 tries, single use) sets a new password
// and signs the account out everywhere.
import { createHash, randomInt } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { Session, User, type UserDoc } from '../accounts/model';
import { hashPassword } from '../accounts/passwords';
import { checkPasswordStrength } from '../accounts/service';
import type { Clock } from '../clock';
import { TooManyRequestsError, ValidationError } from '../http/errors';
import { consumeCaptcha } from './captcha';
import type { EmailSender } from './email';

const messages = {
  subject: '【进展通】找回密码验证码',
  text: (code: string) =>
    `您正在通过邮箱找回进展通账号的密码，验证码为 ${code}，10 分钟内有效。如非本人操作，请忽略本邮件。`,
  tooSoon: (s: number) => `验证码发送过于频繁，请 ${s} 秒后再试`,
  wrong: '邮箱验证码不正确或已过期',
  exhausted: '验证码错误次数过多，请重新获取',
};

const CODE_TTL_MS = 10 * 60_000;
const RESEND_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 5;

interface EmailCodeDoc {
  /** The address (lower case). */
  _id: string;
  codeHash: string;
  sentAt: Date;
  expiresAt: Date;
  attempts: number;
}
export const EmailCode = mongoose.model<EmailCodeDoc>(
  'EmailCode',
  new Schema<EmailCodeDoc>(
    { _id: String, codeHash: String, sentAt: Date, expiresAt: Date, attempts: { type: Number, default: 0 } },
    { versionKey: false },
  ),
  'email_reset_codes',
);

export interface EmailResetDeps {
  clock: Clock;
  email: EmailSender;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

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
  const now = deps.clock();
  const existing = await EmailCode.findById(address).lean<EmailCodeDoc>();
  if (existing && now.getTime() - existing.sentAt.getTime() < RESEND_AFTER_MS) {
    const s = Math.ceil((RESEND_AFTER_MS - (now.getTime() - existing.sentAt.getTime())) / 1000);
    throw new TooManyRequestsError(messages.tooSoon(s), 'EMAIL_TOO_FREQUENT', { retryAfterSeconds: s });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await EmailCode.updateOne(
    { _id: address },
    {
      $set: {
        codeHash: digest(code),
        sentAt: now,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
        attempts: 0,
      },
    },
    { upsert: true },
  );
  await deps.email.send(address, messages.subject, messages.text(code));
}

/** Sets the new password with the emailed code (400 EMAIL_CODE_INVALID / _EXHAUSTED, WEAK_PASSWORD). */
export async function resetPasswordByEmail(
  deps: EmailResetDeps,
  input: { email: string; code: string; newPassword: string },
): Promise<void> {
  checkPasswordStrength(input.newPassword);
  const address = input.email.trim().toLowerCase();
  const doc = await EmailCode.findById(address).lean<EmailCodeDoc>();
  const wrong = () => new ValidationError(messages.wrong, { property: 'code' }, 'EMAIL_CODE_INVALID');
  if (!doc || doc.expiresAt <= deps.clock()) throw wrong();
  if (doc.attempts >= MAX_ATTEMPTS) {
    await EmailCode.deleteOne({ _id: address });
    throw new ValidationError(messages.exhausted, { property: 'code' }, 'EMAIL_CODE_EXHAUSTED');
  }
  if (doc.codeHash !== digest(input.code)) {
    await EmailCode.updateOne({ _id: address }, { $inc: { attempts: 1 } });
    throw wrong();
  }
  // Single use: only the request that deletes it goes on.
  if ((await EmailCode.deleteOne({ _id: address, codeHash: doc.codeHash })).deletedCount !== 1) throw wrong();
  const user = await User.findOne({ email: address }).lean<UserDoc>();
  if (!user) throw wrong();
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
