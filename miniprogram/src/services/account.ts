// Sign-in, the first-login steps and the binding in use, over the REST API (API.md: /auth, /me).
import Taro from '@tarojs/taro';
import { NATIONAL_CODE } from '@eduprogress/shared';
import { request, requestFull } from './request';
import { FIRST_LOGIN_PAGE, HOME_PAGE, MY_TRAININGS_PAGE } from './routes';
import {
  activeBinding,
  loadSession,
  saveSession,
  updateSession,
  type BindingView,
  type Session,
} from './session';

export interface MeView {
  user: Session['user'];
  activeBinding: BindingView | null;
  pendingSteps: string[];
}

/** POST /auth/login, then /me; returns where the user goes next. */
export async function login(account: string, password: string): Promise<string> {
  const res = await request<any>('/auth/login', {
    method: 'POST',
    data: { account, password },
    anonymous: true,
    silent: true,
  });
  saveSession({ accessToken: res.accessToken, refreshToken: res.refreshToken, user: res.user });
  return nextPage(await refreshMe());
}

/**
 * WeChat login (weapp only): wx.login's code → POST /auth/wechat/login, for accounts already linked to
 * this WeChat user (linking happens after a password login, POST /me/wechat).
 */
export async function wechatLogin(): Promise<string> {
  const { code } = await Taro.login();
  const res = await request<any>('/auth/wechat/login', {
    method: 'POST',
    data: { code },
    anonymous: true,
    silent: true,
  });
  saveSession({ accessToken: res.accessToken, refreshToken: res.refreshToken, user: res.user });
  return nextPage(await refreshMe());
}

/** GET /me into the session (user, active binding, pending first-login steps). */
export async function refreshMe(): Promise<MeView> {
  const me = await request<MeView>('/me', { silent: true });
  updateSession({ user: me.user, activeBinding: me.activeBinding, pendingSteps: me.pendingSteps });
  return me;
}

/** The page a signed-in user lands on: pending first-login steps first, then by role. */
export function nextPage(me: Pick<MeView, 'pendingSteps' | 'activeBinding'>): string {
  if (me.pendingSteps.length) return FIRST_LOGIN_PAGE;
  return me.activeBinding?.kind === 'teacher' ? MY_TRAININGS_PAGE : HOME_PAGE;
}

export async function changePassword(oldPassword: string, newPassword: string): Promise<void> {
  await request('/auth/password', { method: 'POST', data: { oldPassword, newPassword }, silent: true });
}

/**
 * Asks for an SMS code; returns the code when the server runs the development SMS provider (it
 * answers it in `X-Dev-Sms-Code`), so the dev build can show it.
 */
/** Sends a verification code; the dev build's code when the server echoes it. Errors are the caller's to show. */
export async function sendSmsCode(mobile: string, purpose: 'profile' | 'register' | 'reset') {
  const res = await requestFull('/auth/sms-code', {
    method: 'POST',
    data: { mobile, purpose },
    silent: true,
  });
  return res.header['x-dev-sms-code'] || undefined;
}

export interface ProfileInput {
  name: string;
  gender: 'male' | 'female';
  mobile: string;
  smsCode?: string;
  email: string;
}

export async function saveProfile(input: ProfileInput): Promise<void> {
  await request('/me/profile', { method: 'PUT', data: input, silent: true });
}

/** POST /me/binding: acts under another of the user's bindings from now on. */
export async function switchBinding(bindingId: string): Promise<MeView> {
  await request('/me/binding', { method: 'POST', data: { bindingId } });
  return refreshMe();
}

export async function logout(): Promise<void> {
  await request('/auth/logout', { method: 'POST', silent: true }).catch(() => undefined);
}

/** The binding labels seed 003 uses (身份). */
export function bindingLabel(b: BindingView): string {
  const roles: Record<string, string> = {
    admin: '管理员',
    auditor: '审核员',
    inspector: '视察员',
    teacher: '教师',
    super: '超级管理员',
    special: '专项管理员',
  };
  if (b.kind === 'school') return `学校${roles[b.role] ?? b.role}`;
  if (b.kind === 'teacher') return '教师';
  // The region's name from GET /me; the code only when a binding came without one.
  const where = b.regionCode === NATIONAL_CODE ? '全国' : (b.regionName ?? b.regionCode ?? '');
  return `${where} ${roles[b.role] ?? b.role}`;
}

/** Signed in at all? Otherwise to login. */
export function requireSession(): Session | null {
  const s = loadSession();
  if (!s) Taro.reLaunch({ url: '/pages/login/index' });
  return s;
}

export { activeBinding };
