// The signed-in session on the device: tokens and the user as the login answered, kept in storage
// so a restart of the mini-program stays signed in.
import Taro from '@tarojs/taro';

export type BindingKind = 'region' | 'school' | 'teacher';

export interface BindingView {
  id: string;
  kind: BindingKind;
  role: string;
  regionCode?: string;
  /** The region's name (GET /me adds it to region bindings), e.g. 福建省. */
  regionName?: string;
  schoolId?: string;
}

export interface UserView {
  id: string;
  loginName: string;
  name: string;
  mustChangePassword: boolean;
  bindings: BindingView[];
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: UserView;
  /** The binding in use (from GET /me); the first one until /me answers. */
  activeBinding?: BindingView | null;
  pendingSteps?: string[];
}

const KEY = 'eduprogress.session';

export function loadSession(): Session | null {
  const s = Taro.getStorageSync(KEY) as Session | '' | undefined;
  return s && typeof s === 'object' && s.accessToken ? s : null;
}

export function saveSession(s: Session): void {
  Taro.setStorageSync(KEY, s);
}

export function updateSession(patch: Partial<Session>): Session | null {
  const s = loadSession();
  if (!s) return null;
  const next = { ...s, ...patch };
  saveSession(next);
  return next;
}

export function clearSession(): void {
  Taro.removeStorageSync(KEY);
}

/** The binding the app acts under: the one /me reported, else the first. */
export function activeBinding(s: Session | null = loadSession()): BindingView | null {
  if (!s) return null;
  return s.activeBinding ?? s.user.bindings[0] ?? null;
}
