// The one request module over Taro.request (STYLE.md): the base URL from TARO_APP_API (H5: same-origin
// /api/v1), the bearer token, one refresh on 401, the error envelope → a zh-CN toast, an expired
// session → login, FIRST_LOGIN_REQUIRED → the first-login steps. Network failures become
// ApiError('NETWORK') so callers (the report draft) can keep work on the device.
import Taro from '@tarojs/taro';
import { clearSession, loadSession, saveSession } from './session';
import { LOGIN_PAGE, FIRST_LOGIN_PAGE } from './routes';

const messages = {
  network: '网络连接失败，请检查网络后重试',
  expired: '登录已过期，请重新登录',
  server: (status: number) => `服务暂时不可用（${status}），请稍后再试`,
};

/** `TARO_APP_API` (absolute, for weapp) or the same origin's `/api/v1` (H5 served by the backend). */
export const API_BASE = (process.env.TARO_APP_API || '/api/v1').replace(/\/$/, '');

/** An answered error (`status`, `code` from the envelope) or a network failure (`code: NETWORK`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: Record<string, any> = {},
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  data?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** No toast on failure (the caller shows the error itself). */
  silent?: boolean;
  /** Send no token (login, refresh). */
  anonymous?: boolean;
}

export interface Answer<T> {
  status: number;
  data: T;
  header: Record<string, string>;
}

function queryString(q: RequestOptions['query']): string {
  const parts = Object.entries(q ?? {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

async function send<T>(path: string, opts: RequestOptions, token?: string): Promise<Answer<T>> {
  const header: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) header.Authorization = `Bearer ${token}`;
  try {
    const res = await Taro.request<T>({
      url: `${API_BASE}${path}${queryString(opts.query)}`,
      method: opts.method ?? 'GET',
      data: opts.data as any,
      header,
      dataType: 'json',
    });
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.header ?? {})) lower[k.toLowerCase()] = String(v);
    return { status: res.statusCode, data: res.data, header: lower };
  } catch {
    throw new ApiError(messages.network, 0, 'NETWORK');
  }
}

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh token for new tokens once, however many requests saw the 401 together. */
function refreshTokens(): Promise<boolean> {
  refreshing ??= (async () => {
    const s = loadSession();
    if (!s?.refreshToken) return false;
    try {
      const res = await send<any>('/auth/refresh', {
        method: 'POST',
        data: { refreshToken: s.refreshToken },
      });
      if (res.status !== 200 || !res.data?.accessToken) return false;
      saveSession({
        ...s,
        accessToken: res.data.accessToken,
        refreshToken: res.data.refreshToken ?? s.refreshToken,
        user: res.data.user ?? s.user,
      });
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function currentRoute(): string {
  const pages = Taro.getCurrentPages();
  return pages.length ? `/${pages[pages.length - 1].route ?? ''}` : '';
}

/** Sends the user to the login page once (not again from the login page itself). */
export function goLogin(toast?: string): void {
  clearSession();
  if (toast) Taro.showToast({ title: toast, icon: 'none', duration: 2500 });
  if (!currentRoute().startsWith(LOGIN_PAGE)) Taro.reLaunch({ url: LOGIN_PAGE });
}

function errorOf(status: number, body: any): ApiError {
  const e = body?.error;
  if (e?.message) return new ApiError(e.message, status, e.code ?? 'ERROR', e.details ?? {});
  return new ApiError(messages.server(status), status, 'HTTP_' + status);
}

/** The whole answer (status, body, lower-cased headers); throws ApiError on anything but 2xx. */
export async function requestFull<T>(path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
  const token = opts.anonymous ? undefined : loadSession()?.accessToken;
  let res: Answer<any>;
  try {
    res = await send<T>(path, opts, token);
    if (res.status === 401 && token) {
      if (await refreshTokens()) res = await send<T>(path, opts, loadSession()?.accessToken);
      else {
        goLogin(messages.expired);
        throw new ApiError(messages.expired, 401, 'SESSION_EXPIRED');
      }
      if (res.status === 401) {
        goLogin(messages.expired);
        throw new ApiError(messages.expired, 401, 'SESSION_EXPIRED');
      }
    }
  } catch (err) {
    if (err instanceof ApiError && !opts.silent && err.code !== 'SESSION_EXPIRED')
      Taro.showToast({ title: err.message, icon: 'none', duration: 2500 });
    throw err;
  }
  if (res.status >= 200 && res.status < 300) return res as Answer<T>;
  const error = errorOf(res.status, res.data);
  if (error.code === 'FIRST_LOGIN_REQUIRED') {
    if (!currentRoute().startsWith(FIRST_LOGIN_PAGE)) Taro.reLaunch({ url: FIRST_LOGIN_PAGE });
    throw error;
  }
  if (!opts.silent) Taro.showToast({ title: error.message, icon: 'none', duration: 2500 });
  throw error;
}

/** The body of a 2xx answer; see requestFull. */
export async function request<T = any>(path: string, opts: RequestOptions = {}): Promise<T> {
  return (await requestFull<T>(path, opts)).data;
}
