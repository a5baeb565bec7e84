// One-time codes sent to a person (SMS verification, email password reset): one live code per key,
// stored hashed, 10 minutes, 5 tries, single use, at most one send a minute per key.
import { createHash, randomInt } from 'node:crypto';
import mongoose, { Schema, type Model } from 'mongoose';
import type { Clock } from '../clock';
import { TooManyRequestsError, ValidationError } from '../http/errors';

const messages = {
  tooSoon: (s: number) => `验证码发送过于频繁，请 ${s} 秒后再试`,
  exhausted: '验证码错误次数过多，请重新获取',
};

const CODE_TTL_MS = 10 * 60_000;
const RESEND_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 5;

export interface OneTimeCodeDoc {
  /** The key: e.g. `<purpose>:<mobile>`, or an email address (lower case). */
  _id: string;
  codeHash: string;
  sentAt: Date;
  expiresAt: Date;
  attempts: number;
}

/** The channel a code goes by: names its error codes (`SMS_TOO_FREQUENT`, `EMAIL_CODE_INVALID`…). */
export type CodeChannel = 'SMS' | 'EMAIL';

/** The model of one kind of code, in its own collection. */
export function oneTimeCodeModel(name: string, collection: string): Model<OneTimeCodeDoc> {
  const schema = new Schema<OneTimeCodeDoc>(
    { _id: String, codeHash: String, sentAt: Date, expiresAt: Date, attempts: { type: Number, default: 0 } },
    { versionKey: false },
  );
  return mongoose.model<OneTimeCodeDoc>(name, schema, collection);
}

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * Makes a new 6-digit code for `key` (replacing the live one) and returns it for sending.
 * 429 `<channel>_TOO_FREQUENT` (details.retryAfterSeconds) within a minute of the last one.
 */
export async function issueCode(
  codes: Model<OneTimeCodeDoc>,
  clock: Clock,
  key: string,
  channel: CodeChannel,
): Promise<string> {
  const now = clock();
  const existing = await codes.findById(key).lean<OneTimeCodeDoc>();
  if (existing && now.getTime() - existing.sentAt.getTime() < RESEND_AFTER_MS) {
    const s = Math.ceil((RESEND_AFTER_MS - (now.getTime() - existing.sentAt.getTime())) / 1000);
    throw new TooManyRequestsError(messages.tooSoon(s), `${channel}_TOO_FREQUENT`, { retryAfterSeconds: s });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await codes.updateOne(
    { _id: key },
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
  return code;
}

/**
 * Checks and consumes the code of `key`: 400 `<channel>_CODE_INVALID` with `wrongMessage` (wrong,
 * expired or already used), `<channel>_CODE_EXHAUSTED` after 5 wrong tries; both name `property`.
 */
export async function consumeCode(
  codes: Model<OneTimeCodeDoc>,
  clock: Clock,
  key: string,
  code: string,
  errors: { channel: CodeChannel; wrongMessage: string; property: string },
): Promise<void> {
  const { channel, property } = errors;
  const wrong = () => new ValidationError(errors.wrongMessage, { property }, `${channel}_CODE_INVALID`);
  const doc = await codes.findById(key).lean<OneTimeCodeDoc>();
  if (!doc || doc.expiresAt <= clock()) throw wrong();
  if (doc.attempts >= MAX_ATTEMPTS) {
    await codes.deleteOne({ _id: key });
    throw new ValidationError(messages.exhausted, { property }, `${channel}_CODE_EXHAUSTED`);
  }
  if (doc.codeHash !== hash(code)) {
    await codes.updateOne({ _id: key }, { $inc: { attempts: 1 } });
    throw wrong();
  }
  // Single use: only the request that deletes it may proceed.
  const deleted = await codes.deleteOne({ _id: key, codeHash: doc.codeHash });
  if (deleted.deletedCount !== 1) throw wrong();
}
