// Image captchas (svg-captcha) in front of requests that send something to an address: one per
// `GET /auth/captcha`, 5 minutes, one try (the check deletes it, right or wrong; deleteOne's count is exact).
import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import svgCaptcha from 'svg-captcha';
import type { Clock } from '../clock';
import { ValidationError } from '../http/errors';

const messages = {
  wrong: '图形验证码不正确或已过期，请刷新后重新输入',
};

const TTL_MS = 5 * 60_000;

interface CaptchaDoc {
  _id: string;
  answerHash: string;
  expiresAt: Date;
}
export const Captcha = mongoose.model<CaptchaDoc>(
  'Captcha',
  new Schema<CaptchaDoc>({ _id: String, answerHash: String, expiresAt: Date }, { versionKey: false }),
  'captchas',
);

const hash = (answer: string) => createHash('sha256').update(answer.trim().toLowerCase()).digest('hex');

/** A new captcha: `{captchaId, svg}` (SVG markup, 4 characters without look-alikes, noise lines). */
export async function createCaptcha(
  clock: Clock,
): Promise<{ captchaId: string; svg: string; expiresAt: Date }> {
  const { data, text } = svgCaptcha.create({ size: 4, ignoreChars: '0o1ilI', noise: 2, color: true });
  // No TTL index on FerretDB: expired ones go as new ones come (the collection stays a few minutes' worth).
  await purgeExpiredCaptchas(clock);
  const captchaId = randomBytes(16).toString('base64url');
  const expiresAt = new Date(clock().getTime() + TTL_MS);
  await Captcha.create({ _id: captchaId, answerHash: hash(text), expiresAt });
  return { captchaId, svg: data, expiresAt };
}

/** Checks and consumes a captcha (case-insensitive); 400 CAPTCHA_INVALID naming `captcha` otherwise. */
export async function consumeCaptcha(clock: Clock, captchaId: string, answer: string): Promise<void> {
  const doc = await Captcha.findById(captchaId).lean<CaptchaDoc>();
  const { deletedCount } = doc ? await Captcha.deleteOne({ _id: captchaId }) : { deletedCount: 0 };
  if (!doc || deletedCount !== 1 || doc.expiresAt <= clock() || doc.answerHash !== hash(answer))
    throw new ValidationError(messages.wrong, { property: 'captcha' }, 'CAPTCHA_INVALID');
}

/** Removes captchas past their expiry (there is no TTL index on FerretDB). */
export async function purgeExpiredCaptchas(clock: Clock): Promise<number> {
  return (await Captcha.deleteMany({ expiresAt: { $lte: clock() } })).deletedCount ?? 0;
}

/** The stored form of an answer (tests solve a captcha by storing a known answer). */
export const captchaAnswerHash = hash;
