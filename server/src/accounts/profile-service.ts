// Registration, first-login personal info, forgot password, WeChat login (seed 000 §4.1 §6.3, seed 003 part 2).
import type { Types } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, UnauthorizedError, ValidationError } from '../http/errors';
import { claimContact, releaseContact } from './contacts';
import { Session, User, type UserDoc } from './model';
import { hashPassword } from './passwords';
import { checkPasswordStrength, issueTokensFor, type AuthDeps } from './service';
import type { SmsProvider } from './sms';
import { consumeVerificationCode, sendVerificationCode, type VerificationPurpose } from './verification';
import type { WechatAuth } from './wechat';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
  mobileRegistered: '该手机号已注册，请直接登录或找回密码',
  mobileUnknown: '短信验证码不正确或已过期',
  codeRequired: '更换手机号需要短信验证码',
  wechatInvalid: '微信登录凭证无效或已使用，请重新进入小程序',
  wechatNotLinked: '该微信尚未绑定账号，请先用账号密码登录后绑定',
  wechatTaken: '该微信已绑定其他账号',
};

export interface ProfileDeps extends AuthDeps {
  clock: Clock;
  sms: SmsProvider;
  wechat: WechatAuth;
}

export async function requestSmsCode(deps: ProfileDeps, purpose: VerificationPurpose, mobile: string) {
  if (purpose === 'register' && (await User.exists({ mobile }))) {
    throw new ConflictError(messages.mobileRegistered, 'MOBILE_REGISTERED', { property: 'mobile' });
  }
  if (purpose === 'reset' && !(await User.exists({ mobile }))) {
    // Say nothing about whether the number has an account: no code is sent, the reply is the same.
    return;
  }
  await sendVerificationCode(deps, purpose, mobile);
}

export async function register(
  deps: ProfileDeps,
  input: { mobile: string; code: string; password: string; name: string },
) {
  checkPasswordStrength(input.password, 'password');
  if (await User.exists({ mobile: input.mobile })) {
    throw new ConflictError(messages.mobileRegistered, 'MOBILE_REGISTERED', { property: 'mobile' });
  }
  await consumeVerificationCode(deps.clock, 'register', input.mobile, input.code);
  const user = new User({
    loginName: input.mobile,
    name: input.name,
    mobile: input.mobile,
    mobileVerified: true,
    passwordHash: await hashPassword(input.password),
    mustChangePassword: false,
  });
  await claimContact('mobile', input.mobile, user._id);
  try {
    await user.save();
  } catch (err) {
    await releaseContact('mobile', input.mobile, user._id);
    if (isDuplicateKey(err)) {
      throw new ConflictError(messages.mobileRegistered, 'MOBILE_REGISTERED', { property: 'mobile' });
    }
    throw err;
  }
  const doc = user.toObject() as UserDoc;
  return issueTokensFor(deps, doc);
}

export interface ProfileInput {
  name: string;
  gender: 'male' | 'female';
  mobile: string;
  email: string;
  smsCode?: string;
  officePhone?: string;
  address?: string;
  postcode?: string;
  qq?: string;
}

/** Completes (or updates) the personal info; a new mobile must be verified by SMS. */
export async function updateProfile(deps: ProfileDeps, user: UserDoc, input: ProfileInput): Promise<UserDoc> {
  const email = input.email.toLowerCase();
  const mobileChanged = input.mobile !== user.mobile || !user.mobileVerified;
  if (mobileChanged) {
    if (!input.smsCode)
      throw new ValidationError(messages.codeRequired, { property: 'smsCode' }, 'SMS_CODE_REQUIRED');
    await consumeVerificationCode(deps.clock, 'profile', input.mobile, input.smsCode, 'smsCode');
  }
  await claimContact('mobile', input.mobile, user._id);
  try {
    await claimContact('email', email, user._id);
  } catch (err) {
    if (input.mobile !== user.mobile) await releaseContact('mobile', input.mobile, user._id);
    throw err;
  }
  if (user.mobile && user.mobile !== input.mobile) await releaseContact('mobile', user.mobile, user._id);
  if (user.email && user.email !== email) await releaseContact('email', user.email, user._id);
  const set = {
    name: input.name,
    gender: input.gender,
    mobile: input.mobile,
    mobileVerified: true,
    email,
    officePhone: input.officePhone,
    address: input.address,
    postcode: input.postcode,
    qq: input.qq,
    profileCompleted: true,
  };
  const updated = await User.findOneAndUpdate(
    { _id: user._id },
    { $set: set },
    { returnDocument: 'after' },
  ).lean<UserDoc>();
  return updated!;
}

export async function forgotPassword(
  deps: ProfileDeps,
  input: { mobile: string; code: string; newPassword: string },
) {
  checkPasswordStrength(input.newPassword);
  await consumeVerificationCode(deps.clock, 'reset', input.mobile, input.code);
  const user = await User.findOne({ mobile: input.mobile }).lean<UserDoc>();
  if (!user) throw new ValidationError(messages.mobileUnknown, { property: 'code' }, 'SMS_CODE_INVALID');
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
  // Whoever knew the old password is signed out everywhere.
  await Session.deleteMany({ userId: user._id });
}

export async function wechatLogin(deps: ProfileDeps, code: string) {
  const session = await deps.wechat.codeToSession(code);
  if (!session) throw new UnauthorizedError(messages.wechatInvalid, 'WECHAT_CODE_INVALID');
  const user = await User.findOne({ wechatOpenId: session.openId }).lean<UserDoc>();
  if (!user) throw new UnauthorizedError(messages.wechatNotLinked, 'WECHAT_NOT_LINKED');
  if (user.locked) throw new UnauthorizedError(messages.wechatNotLinked, 'WECHAT_NOT_LINKED');
  return issueTokensFor(deps, user);
}

export async function linkWechat(deps: ProfileDeps, userId: Types.ObjectId, code: string) {
  const session = await deps.wechat.codeToSession(code);
  if (!session)
    throw new ValidationError(messages.wechatInvalid, { property: 'code' }, 'WECHAT_CODE_INVALID');
  const holder = await User.findOne({ wechatOpenId: session.openId }).lean<UserDoc>();
  if (holder && !holder._id.equals(userId)) throw new ConflictError(messages.wechatTaken, 'WECHAT_TAKEN');
  await User.updateOne({ _id: userId }, { $set: { wechatOpenId: session.openId } });
}
