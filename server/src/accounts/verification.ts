// SMS verification codes: one live code per (purpose, mobile), stored hashed, 10 minutes, 5 tries,
// at most one send a minute per mobile.
import { createHash, randomInt } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../clock';
import { TooManyRequestsError, ValidationError } from '../http/errors';
import type { SmsProvider } from './sms';

export const VERIFICATION_PURPOSES = ['register', 'profile', 'reset'] as const;
export type VerificationPurpose = (typeof VERIFICATION_PURPOSES)[number];

interface CodeDoc {
  _id: string;
  codeHash: string;
  sentAt: Date;
  expiresAt: Date;
  attempts: number;
}

const codeSchema = new Schema<CodeDoc>(
  { _id: String, codeHash: String, sentAt: Date, expiresAt: Date, attempts: { type: Number, default: 0 } },
  { versionKey: false },
);
export const VerificationCode = mongoose.model<CodeDoc>('VerificationCode', codeSchema, 'verification_codes');

const CODE_TTL_MS = 10 * 60_000;
const RESEND_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 5;

const messages = {
  text: (code: string, purpose: VerificationPurpose) =>
    `【进展通】您的验证码为 ${code}，10 分钟内有效，用于${
      { register: '注册账号', profile: '验证手机号', reset: '找回密码' }[purpose]
    }。请勿泄露给他人。`,
  tooSoon: (s: number) => `验证码发送过于频繁，请 ${s} 秒后再试`,
  wrong: '短信验证码不正确或已过期',
  exhausted: '验证码错误次数过多，请重新获取',
};

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

export async function sendVerificationCode(
  deps: { clock: Clock; sms: SmsProvider },
  purpose: VerificationPurpose,
  mobile: string,
): Promise<void> {
  const now = deps.clock();
  const id = `${purpose}:${mobile}`;
  const existing = await VerificationCode.findById(id).lean();
  if (existing && now.getTime() - existing.sentAt.getTime() < RESEND_AFTER_MS) {
    const s = Math.ceil((RESEND_AFTER_MS - (now.getTime() - existing.sentAt.getTime())) / 1000);
    throw new TooManyRequestsError(messages.tooSoon(s), 'SMS_TOO_FREQUENT', { retryAfterSeconds: s });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await VerificationCode.updateOne(
    { _id: id },
    {
      $set: {
        codeHash: hash(code),
        sentAt: now,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
        attempts: 0,
      },
    },
    { upsert: true },
  );
  await deps.sms.send(mobile, messages.text(code, purpose));
}

/** Checks and consumes a code; throws a 400 naming `property` when it is wrong. */
export async function consumeVerificationCode(
  clock: Clock,
  purpose: VerificationPurpose,
  mobile: string,
  code: string,
  property = 'code',
): Promise<void> {
  const id = `${purpose}:${mobile}`;
  const doc = await VerificationCode.findById(id).lean();
  if (!doc || doc.expiresAt <= clock())
    throw new ValidationError(messages.wrong, { property }, 'SMS_CODE_INVALID');
  if (doc.attempts >= MAX_ATTEMPTS) {
    await VerificationCode.deleteOne({ _id: id });
    throw new ValidationError(messages.exhausted, { property }, 'SMS_CODE_EXHAUSTED');
  }
  if (doc.codeHash !== hash(code)) {
    await VerificationCode.updateOne({ _id: id }, { $inc: { attempts: 1 } });
    throw new ValidationError(messages.wrong, { property }, 'SMS_CODE_INVALID');
  }
  // Single use: only the request that deletes it may proceed.
  const deleted = await VerificationCode.deleteOne({ _id: id, codeHash: doc.codeHash });
  if (deleted.deletedCount !== 1) throw new ValidationError(messages.wrong, { property }, 'SMS_CODE_INVALID');
}
