import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { LockedError, UnauthorizedError, ValidationError } from '../http/errors';
import { hashPassword, verifyPassword } from './passwords';
import { Session, User, userView, type Binding, type UserDoc } from './model';

const messages = {
  badCredentials: '账号或密码错误',
  locked: (minutes: number) => `密码连续错误次数过多，账号已锁定，请 ${minutes} 分钟后再试`,
  disabled: '账号已被管理员锁定，请联系上级管理员',
  invalidToken: '登录已失效，请重新登录',
  wrongOldPassword: '原密码不正确',
  samePassword: '新密码不能与原密码相同',
  weakPassword: '新密码至少 8 位，且须同时包含字母和数字',
};

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export interface AuthDeps {
  clock: Clock;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface AuthContext {
  user: UserDoc;
  binding?: Binding;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

async function issueTokens(deps: AuthDeps, user: UserDoc, bindingId?: Types.ObjectId, family = newToken()) {
  const now = deps.clock().getTime();
  const accessToken = newToken();
  const refreshToken = newToken();
  await Session.insertMany([
    {
      _id: tokenHash(accessToken),
      kind: 'access',
      userId: user._id,
      bindingId,
      family,
      expiresAt: new Date(now + deps.accessTokenTtlSeconds * 1000),
    },
    {
      _id: tokenHash(refreshToken),
      kind: 'refresh',
      userId: user._id,
      bindingId,
      family,
      expiresAt: new Date(now + deps.refreshTokenTtlSeconds * 1000),
    },
  ]);
  return { accessToken, refreshToken, expiresIn: deps.accessTokenTtlSeconds };
}

async function findByAccount(account: string): Promise<UserDoc | null> {
  const byLogin = await User.findOne({ loginName: account }).lean<UserDoc>();
  if (byLogin) return byLogin;
  if (/^1\d{10}$/.test(account)) return User.findOne({ mobile: account }).lean<UserDoc>();
  if (account.includes('@')) return User.findOne({ email: account.toLowerCase() }).lean<UserDoc>();
  return null;
}

export async function login(deps: AuthDeps, account: string, password: string) {
  const user = await findByAccount(account.trim());
  if (!user) throw new UnauthorizedError(messages.badCredentials, 'BAD_CREDENTIALS');
  const now = deps.clock();
  if (user.locked) throw new LockedError(messages.disabled, 'ACCOUNT_DISABLED');
  if (user.lockedUntil && user.lockedUntil > now) {
    const minutes = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000);
    throw new LockedError(messages.locked(minutes), 'ACCOUNT_LOCKED', { lockedUntil: user.lockedUntil });
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    const failed = (user.lockedUntil && user.lockedUntil <= now ? 0 : user.failedLogins) + 1;
    const update: Record<string, unknown> = { failedLogins: failed };
    if (failed >= MAX_FAILED_LOGINS) {
      update.lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
      update.failedLogins = 0;
      await User.updateOne({ _id: user._id }, { $set: update });
      throw new LockedError(messages.locked(LOCK_MINUTES), 'ACCOUNT_LOCKED');
    }
    await User.updateOne({ _id: user._id }, { $set: update, $unset: { lockedUntil: 1 } });
    throw new UnauthorizedError(messages.badCredentials, 'BAD_CREDENTIALS', {
      remainingAttempts: MAX_FAILED_LOGINS - failed,
    });
  }
  await User.updateOne({ _id: user._id }, { $set: { failedLogins: 0 }, $unset: { lockedUntil: 1 } });
  const binding = user.bindings.find((b) => b.active);
  const tokens = await issueTokens(deps, user, binding?._id);
  return { ...tokens, user: userView(user) };
}

export async function authenticate(deps: AuthDeps, accessToken: string): Promise<AuthContext> {
  const session = await Session.findById(tokenHash(accessToken)).lean();
  if (!session || session.kind !== 'access' || session.expiresAt <= deps.clock()) {
    throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  }
  const user = await User.findById(session.userId).lean<UserDoc>();
  if (!user || user.locked) throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  const binding = user.bindings.find((b) => b.active && session.bindingId && b._id.equals(session.bindingId));
  return { user, binding };
}

export async function refresh(deps: AuthDeps, refreshToken: string) {
  const id = tokenHash(refreshToken);
  const session = await Session.findById(id).lean();
  if (!session || session.kind !== 'refresh' || session.expiresAt <= deps.clock()) {
    throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  }
  // Single use: only the request whose delete removed it gets the new pair. (deleteOne's count is
  // exact on FerretDB too, unlike findOneAndDelete, which two racing requests can both "win".)
  const { deletedCount } = await Session.deleteOne({ _id: id });
  if (deletedCount !== 1) throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  const user = await User.findById(session.userId).lean<UserDoc>();
  if (!user || user.locked) throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  return issueTokens(deps, user, session.bindingId, session.family);
}

export async function logout(accessToken: string): Promise<void> {
  const session = await Session.findById(tokenHash(accessToken)).lean();
  if (session) await Session.deleteMany({ family: session.family });
}

export function checkPasswordStrength(password: string, property = 'newPassword'): void {
  if (password.length < 8 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw new ValidationError(messages.weakPassword, { property }, 'WEAK_PASSWORD');
  }
}

/** A fresh token pair for a user who proved who they are by other means (registration, WeChat). */
export async function issueTokensFor(deps: AuthDeps, user: UserDoc) {
  const binding = user.bindings.find((b) => b.active);
  const tokens = await issueTokens(deps, user, binding?._id);
  return { ...tokens, user: userView(user) };
}

export async function changePassword(user: UserDoc, oldPassword: string, newPassword: string): Promise<void> {
  if (!(await verifyPassword(oldPassword, user.passwordHash))) {
    throw new ValidationError(messages.wrongOldPassword, { property: 'oldPassword' }, 'WRONG_PASSWORD');
  }
  if (oldPassword === newPassword) {
    throw new ValidationError(messages.samePassword, { property: 'newPassword' }, 'SAME_PASSWORD');
  }
  checkPasswordStrength(newPassword);
  await User.updateOne(
    { _id: user._id },
    { $set: { passwordHash: await hashPassword(newPassword), mustChangePassword: false } },
  );
}

/** Removes sessions past their expiry (there is no TTL index on FerretDB). */
export async function purgeExpiredSessions(clock: Clock): Promise<number> {
  const res = await Session.deleteMany({ expiresAt: { $lte: clock() } });
  return res.deletedCount ?? 0;
}
