import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema, Types } from 'mongoose';
import type { Clock } from '../clock';
import { LockedError, UnauthorizedError, ValidationError } from '../http/errors';
import { hashPassword, verifyPassword } from './passwords';
import { Session, User, userView, type Binding, type UserDoc } from './model';
import { userIdOfAlias } from '../aliases/model';
import { recordLogin } from '../usage/service';
import { isDuplicateKey } from '../db/duplicate-key';
import { passwordProblem } from '@eduprogress/shared';

const messages = {
  badCredentials: '账号或密码错误',
  locked: (minutes: number) => `密码连续错误次数过多，账号已锁定，请 ${minutes} 分钟后再试`,
  disabled: '账号已被管理员锁定，请联系上级管理员',
  invalidToken: '登录已失效，请重新登录',
  tokenReused: '登录凭证已被使用过，为安全起见本次登录已失效，请重新登录',
  wrongOldPassword: '原密码不正确',
  samePassword: '新密码不能与原密码相同',
};

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

interface LoginFailureDoc {
  /** `<userId>:<failureEpoch>:<n>`, n = 1…MAX_FAILED_LOGINS: one slot per counted failure. */
  _id: string;
  at: Date;
}
/**
 * Failed logins as unique slots: on FerretDB `$inc` and conditional updates lose concurrent writes
 * (19 parallel wrong passwords never locked), while a duplicate `_id` insert always fails, so each
 * failure claims exactly one slot and whoever finds every slot taken locks the account.
 */
export const LoginFailure = mongoose.model<LoginFailureDoc>(
  'LoginFailure',
  new Schema<LoginFailureDoc>({ _id: String, at: Date }, { versionKey: false }),
  'login_failures',
);

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
  // An alias (e.g. the previous system's account, seed 002 四(一)) logs in as its account.
  const aliased = await userIdOfAlias(account);
  if (aliased) return User.findById(aliased).lean<UserDoc>();
  if (/^1\d{10}$/.test(account)) return User.findOne({ mobile: account }).lean<UserDoc>();
  if (account.includes('@')) return User.findOne({ email: account.toLowerCase() }).lean<UserDoc>();
  return null;
}

// Verified against for unknown accounts, so a miss costs what a wrong password costs.
let decoyHash: Promise<string> | undefined;

/** Counts one failed login of `user` (exact under concurrency, see LoginFailure); always throws. */
async function countFailure(deps: AuthDeps, user: UserDoc): Promise<never> {
  const now = deps.clock();
  const epoch = user.failureEpoch ?? '0';
  for (let n = 1; n <= MAX_FAILED_LOGINS; n++) {
    try {
      await LoginFailure.create({ _id: `${user._id}:${epoch}:${n}`, at: now });
    } catch (err) {
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    if (n === MAX_FAILED_LOGINS) break;
    await User.updateOne({ _id: user._id }, { $set: { failedLogins: n } });
    throw new UnauthorizedError(messages.badCredentials, 'BAD_CREDENTIALS');
  }
  // The last slot is ours, or every slot was already taken: the account is locked, and the next
  // failures (after the lock) count in a fresh epoch.
  await User.updateOne(
    { _id: user._id },
    {
      $set: {
        lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000),
        failedLogins: 0,
        failureEpoch: newToken(),
      },
    },
  );
  throw new LockedError(messages.locked(LOCK_MINUTES), 'ACCOUNT_LOCKED');
}

/**
 * Logs in by login name, mobile or email. A wrong password and an unknown account get the same 401
 * BAD_CREDENTIALS after the same password-hash work; MAX_FAILED_LOGINS failures lock the account for
 * LOCK_MINUTES (423 ACCOUNT_LOCKED), counted exactly under parallel guesses; a disabled account is
 * 423 ACCOUNT_DISABLED once the password is right.
 */
export async function login(deps: AuthDeps, account: string, password: string) {
  const user = await findByAccount(account.trim());
  const matches = await verifyPassword(
    password,
    user?.passwordHash ?? (await (decoyHash ??= hashPassword(newToken()))),
  );
  if (!user) throw new UnauthorizedError(messages.badCredentials, 'BAD_CREDENTIALS');
  const now = deps.clock();
  if (user.lockedUntil && user.lockedUntil > now) {
    const minutes = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000);
    throw new LockedError(messages.locked(minutes), 'ACCOUNT_LOCKED', { lockedUntil: user.lockedUntil });
  }
  if (!matches) await countFailure(deps, user);
  if (user.locked) throw new LockedError(messages.disabled, 'ACCOUNT_DISABLED');
  await User.updateOne(
    { _id: user._id },
    { $set: { failedLogins: 0, failureEpoch: newToken() }, $unset: { lockedUntil: 1 } },
  );
  const binding = user.bindings.find((b) => b.active);
  const tokens = await issueTokens(deps, user, binding?._id);
  await recordLogin(deps.clock, user);
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

/**
 * Exchanges a refresh token for a new pair in the same family. The token is single-use (deleteOne's
 * count is exact on FerretDB too) and the family's earlier access tokens stop working. A spent token
 * presented again — a stolen copy, or the thief's — revokes the whole family: 401 TOKEN_REUSED.
 */
export async function refresh(deps: AuthDeps, refreshToken: string) {
  const id = tokenHash(refreshToken);
  const revokeFamily = async (family: string): Promise<never> => {
    await Session.deleteMany({ family });
    throw new UnauthorizedError(messages.tokenReused, 'TOKEN_REUSED');
  };
  const session = await Session.findById(id).lean();
  if (!session) {
    // A spent token leaves a marker under its own `_id`, so the exchange's exact delete never hits it.
    const spent = await Session.findById(`spent:${id}`).lean();
    if (spent) return revokeFamily(spent.family);
    throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  }
  if (session.kind !== 'refresh' || session.expiresAt <= deps.clock()) {
    throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  }
  const { deletedCount } = await Session.deleteOne({ _id: id });
  // Someone exchanged it between our read and our delete: a reuse.
  if (deletedCount !== 1) return revokeFamily(session.family);
  await Session.create({ ...session, _id: `spent:${id}`, kind: 'spent' });
  await Session.deleteMany({ family: session.family, kind: 'access' });
  const user = await User.findById(session.userId).lean<UserDoc>();
  if (!user || user.locked) throw new UnauthorizedError(messages.invalidToken, 'TOKEN_INVALID');
  return issueTokens(deps, user, session.bindingId, session.family);
}

export async function logout(accessToken: string): Promise<void> {
  const session = await Session.findById(tokenHash(accessToken)).lean();
  if (session) await Session.deleteMany({ family: session.family });
}

/** 400 WEAK_PASSWORD unless `password` meets the shared rule (shared/src/passwords.ts, also the app's). */
export function checkPasswordStrength(password: string, property = 'newPassword'): void {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(problem, { property }, 'WEAK_PASSWORD');
}

/** A fresh token pair for a user who proved who they are by other means (registration, WeChat). */
export async function issueTokensFor(deps: AuthDeps, user: UserDoc) {
  const binding = user.bindings.find((b) => b.active);
  const tokens = await issueTokens(deps, user, binding?._id);
  await recordLogin(deps.clock, user);
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
