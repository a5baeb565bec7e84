// SMS verification codes: one live code per (purpose, mobile), stored hashed, 10 minutes, 5 tries,
// at most one send a minute per mobile (accounts/one-time-codes.ts).
import type { Clock } from '../clock';
import { consumeCode, issueCode, oneTimeCodeModel } from './one-time-codes';
import type { SmsProvider } from './sms';

export const VERIFICATION_PURPOSES = ['register', 'profile', 'reset'] as const;
export type VerificationPurpose = (typeof VERIFICATION_PURPOSES)[number];

export const VerificationCode = oneTimeCodeModel('VerificationCode', 'verification_codes');

const messages = {
  text: (code: string, purpose: VerificationPurpose) =>
    `【进展通】您的验证码为 ${code}，10 分钟内有效，用于${
      { register: '注册账号', profile: '验证手机号', reset: '找回密码' }[purpose]
    }。请勿泄露给他人。`,
  wrong: '短信验证码不正确或已过期',
};

/** Sends a new code for `purpose` to `mobile`; 429 SMS_TOO_FREQUENT within a minute of the last one. */
export async function sendVerificationCode(
  deps: { clock: Clock; sms: SmsProvider },
  purpose: VerificationPurpose,
  mobile: string,
): Promise<void> {
  const code = await issueCode(VerificationCode, deps.clock, `${purpose}:${mobile}`, 'SMS');
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
  await consumeCode(VerificationCode, clock, `${purpose}:${mobile}`, code, {
    channel: 'SMS',
    wrongMessage: messages.wrong,
    property,
  });
}
