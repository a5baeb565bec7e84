// Configuration from the environment, with the documented defaults (README「配置」).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalendarConfig } from '@eduprogress/shared';
import { calendarFromEnv } from './calendar/calendar-config';

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
  /** How long a shutdown may take, ms: in-flight requests and jobs get this long, then everything is cut. */
  shutdownGraceMs: number;
  /** Time limit of one HTTP request, ms: past it the caller gets 503 REQUEST_TIMEOUT (imports have their own). */
  requestTimeoutMs: number;
  /**
   * How long a progress or statistics read of a never-counted period waits for the background build it
   * started, ms (ROLLUP_WAIT_MS); past it the answer says `counting: true` (jobs/rollup-builds.ts).
   */
  rollupWaitMs: number;
  /** Time limit of one database round trip, ms (the driver's socket timeout): a hung query fails, never waits for ever. */
  dbTimeoutMs: number;
  /** Time limit of `/health`'s storage read, ms: past it the health answer is 503 `degraded`. */
  healthTimeoutMs: number;
  /** Connections to the database (DB_POOL_SIZE); unset: 32 on FerretDB (see docs/DATABASE.md), the driver's 100 elsewhere. */
  dbPoolSize?: number;
  /**
   * Where the school list comes from (SCHOOL_LIST_SOURCE, schools/list-source.ts): `auto` (default) picks
   * by the backend detected at start — the list index on FerretDB, indexed queries on MongoDB.
   */
  schoolListSource: 'auto' | 'mongodb' | 'read-model';
  /** Trust X-Forwarded-For (only behind a load balancer that sets it): per-IP limits then see the client. */
  trustProxy: boolean;
  /** Real SMS gateway; unset → the recording provider prints codes to the log (development). */
  smsGatewayUrl?: string;
  smsGatewayToken?: string;
  /** SMTP server for email (password reset by email); unset → the recording sender logs the mail. */
  smtpUrl?: string;
  /** The sender address of outgoing email. */
  mailFrom: string;
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

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T {
  if (value === undefined || value === '') return allowed[0];
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`环境变量 ${name} 应为 ${allowed.join('、')} 之一，当前为「${value}」`);
  return value as T;
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
    requestTimeoutMs: intFrom(env.REQUEST_TIMEOUT_MS, 30_000, 'REQUEST_TIMEOUT_MS'),
    rollupWaitMs: intFrom(env.ROLLUP_WAIT_MS, 2_000, 'ROLLUP_WAIT_MS'),
    dbTimeoutMs: intFrom(env.DB_TIMEOUT_MS, 300_000, 'DB_TIMEOUT_MS'),
    healthTimeoutMs: intFrom(env.HEALTH_TIMEOUT_MS, 2_000, 'HEALTH_TIMEOUT_MS'),
    dbPoolSize: env.DB_POOL_SIZE ? intFrom(env.DB_POOL_SIZE, 0, 'DB_POOL_SIZE') || undefined : undefined,
    schoolListSource: oneOf(
      env.SCHOOL_LIST_SOURCE,
      ['auto', 'mongodb', 'read-model'] as const,
      'SCHOOL_LIST_SOURCE',
    ),
    trustProxy: ['1', 'true', 'yes', 'on'].includes((env.TRUST_PROXY ?? '').toLowerCase()),
    smsGatewayUrl: env.SMS_GATEWAY_URL || undefined,
    smsGatewayToken: env.SMS_GATEWAY_TOKEN || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'noreply@eduprogress.invalid',
    wechatAppId: env.WECHAT_APP_ID || undefined,
    wechatSecret: env.WECHAT_APP_SECRET || undefined,
    botToken: env.BOT_TOKEN || undefined,
    webRoot: path.resolve(env.WEB_ROOT || path.join(repoRoot, 'miniprogram', 'dist', 'h5')),
    webBuild: !['0', 'false', 'off', 'no'].includes((env.WEB_BUILD ?? '1').toLowerCase()),
    calendar: calendarFromEnv(env),
  };
}
