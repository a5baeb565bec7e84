// Configuration from the environment, with the documented defaults (README「配置」).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalendarConfig } from '@eduprogress/shared';
import { calendarFromEnv } from './reports-events/calendar-config';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Config {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** External MongoDB connection string; empty → provisioned locally (see db/provision.ts). */
  mongodbUri?: string;
  /** Database name used when MONGODB_URI names none. */
  dbName: string;
  /** Persistent data of the embedded database. */
  dataDir: string;
  /** Git-ignored cache of built tools (FerretDB binary). */
  cacheDir: string;
  /** Password of the first national administrator; random (printed once) when unset. */
  adminInitialPassword?: string;
  /** Load the demo world into an empty database. */
  demoData: boolean;
  logLevel: string;
  /** Database commands slower than this are logged (0: off). */
  slowCommandMs: number;
  /** Lifetime of access tokens, seconds. */
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** How long a graceful shutdown waits for in-flight requests, ms. */
  shutdownGraceMs: number;
  /** Trust X-Forwarded-For (only behind a load balancer that sets it): per-IP limits then see the client. */
  trustProxy: boolean;
  /** Real SMS gateway; unset → the recording provider prints codes to the log (development). */
  smsGatewayUrl?: string;
  smsGatewayToken?: string;
  /** Mini-program credentials for code2session; unset → the fake used in development and tests. */
  wechatAppId?: string;
  wechatSecret?: string;
  /** Secret the group-chat bot presents (`Authorization: Bot <token>`); unset → the bot API answers 401. */
  botToken?: string;
  /** The mini-program's H5 build served at `/` (WEB_ROOT; default miniprogram/dist/h5). */
  webRoot: string;
  /** `npm start` builds H5 when missing or stale (WEB_BUILD=0 turns that off). */
  webBuild: boolean;
  /** Reporting calendar from REPORT_CYCLE, REPORT_WINDOWS, REMINDER_DAYS (default: the 2019 rules). */
  calendar: CalendarConfig;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`环境变量 ${name} 应为非负整数，当前为「${value}」`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const demo = env.DEMO_DATA ?? '1';
  return {
    port: intFrom(env.PORT, 3000, 'PORT'),
    host: env.HOST || '0.0.0.0',
    mongodbUri: env.MONGODB_URI || undefined,
    dbName: env.DB_NAME || 'eduprogress',
    dataDir: path.resolve(env.DATA_DIR || path.join(repoRoot, 'data')),
    cacheDir: path.resolve(env.CACHE_DIR || path.join(repoRoot, '.cache')),
    adminInitialPassword: env.ADMIN_INITIAL_PASSWORD || undefined,
    demoData: !['0', 'false', 'off', 'no'].includes(demo.toLowerCase()),
    logLevel: env.LOG_LEVEL || 'info',
    slowCommandMs: intFrom(env.SLOW_COMMAND_MS, 1000, 'SLOW_COMMAND_MS'),
    accessTokenTtlSeconds: intFrom(env.ACCESS_TOKEN_TTL, 2 * 3600, 'ACCESS_TOKEN_TTL'),
    refreshTokenTtlSeconds: intFrom(env.REFRESH_TOKEN_TTL, 30 * 24 * 3600, 'REFRESH_TOKEN_TTL'),
    shutdownGraceMs: intFrom(env.SHUTDOWN_GRACE_MS, 10_000, 'SHUTDOWN_GRACE_MS'),
    trustProxy: ['1', 'true', 'yes', 'on'].includes((env.TRUST_PROXY ?? '').toLowerCase()),
    smsGatewayUrl: env.SMS_GATEWAY_URL || undefined,
    smsGatewayToken: env.SMS_GATEWAY_TOKEN || undefined,
    wechatAppId: env.WECHAT_APP_ID || undefined,
    wechatSecret: env.WECHAT_APP_SECRET || undefined,
    botToken: env.BOT_TOKEN || undefined,
    webRoot: path.resolve(env.WEB_ROOT || path.join(repoRoot, 'miniprogram', 'dist', 'h5')),
    webBuild: !['0', 'false', 'off', 'no'].includes((env.WEB_BUILD ?? '1').toLowerCase()),
    calendar: calendarFromEnv(env),
  };
}
