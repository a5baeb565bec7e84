// Starts the whole backend: database (provisioned or given), indexes, first-start data, HTTP.
import { renderClientErrors } from './http/client-errors';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp, type AppDeps } from './app';
import { bootstrap, type BootstrapResult } from './bootstrap';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { databaseUri, describeServer, provisionDatabase, type ProvisionedDatabase } from './db/provision';
import { syncAllIndexes } from './db/indexes';
import { lockDataDir, type DataDirLock } from './db/data-lock';
import { logSlowCommands } from './db/slow-commands';
import type { DatabaseInfo } from './health/routes';
import { createLogger, type Logger } from './logger';
import { HttpSmsProvider, RecordingSmsProvider, type SmsProvider } from './accounts/sms';
import { RecordingEmailSender, SmtpEmailSender, type EmailSender } from './password-reset/email';
import { Code2SessionClient, FakeWechatAuth, type WechatAuth } from './accounts/wechat';
import { JOBS } from './jobs/index';
import { startJobs } from './jobs/runner';
import { configureRollupBuilds, stopRollupBuilds } from './jobs/rollup-builds';
import { subscribeReadModels } from './read-models';
import { reconcileReports } from './reports/reconcile';
import { startImportRecovery } from './schools/import-recovery';
import { schoolListSourceFor, useSchoolListSource } from './schools/list-source';

/** Our connections to FerretDB, per server process: two instances stay well below its pool of 100. */
export const FERRETDB_POOL_SIZE = 32;

export interface RunningServer {
  url: string;
  port: number;
  database: DatabaseInfo;
  /** Pids of database processes this server started. */
  databasePids: number[];
  bootstrap: BootstrapResult;
  /**
   * Stop accepting, let in-flight requests and the running job finish, close the database, stop what
   * we started, release the data folder; all within SHUTDOWN_GRACE_MS, cutting what has not finished.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Use this server instead of provisioning one (tests share one database server). */
  database?: ProvisionedDatabase;
  extraRoutes?: AppDeps['extraRoutes'];
  /** SMS and WeChat adapters; default from the environment (recording / fake in development). */
  sms?: SmsProvider;
  wechat?: WechatAuth;
  /** Email sender (password reset by email); default from SMTP_URL, else the recording sender. */
  email?: EmailSender;
  /** Printed lines (backend choice, first-start credentials); defaults to stdout. */
  print?: (line: string) => void;
  /** Run the scheduled jobs of jobs/index.ts (default true; tests turn them off). */
  scheduler?: boolean;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Before anything writes (bootstrap, reconcile, import recovery): the read models follow every change.
  subscribeReadModels();

  // One server per data folder (its database files, attachments): refuse before starting anything.
  const lock: DataDirLock | undefined = options.database ? undefined : await lockDataDir(config.dataDir);
  let provisioned: ProvisionedDatabase;
  try {
    provisioned =
      options.database ??
      (await provisionDatabase({
        purpose: 'start',
        dataDir: config.dataDir,
        cacheDir: config.cacheDir,
        env: { ...process.env, MONGODB_URI: config.mongodbUri ?? '' },
        log: print,
      }));
  } catch (err) {
    await lock?.release();
    throw err;
  }
  let ownsDatabase = !options.database;
  try {
    if (ownsDatabase) await lock?.recordDatabase(provisioned.pids);
    // A MONGODB_URI that names a database keeps it; otherwise DB_NAME (default "eduprogress").
    const namedDb = new URL(provisioned.uri).pathname.replace(/^\//, '');
    const uri = namedDb && !options.database ? provisioned.uri : databaseUri(provisioned.uri, config.dbName);
    const described = await describeServer(provisioned.uri);
    // Database-specific code is chosen here, once, by the backend detected.
    useSchoolListSource(schoolListSourceFor(config.schoolListSource, described.name));
    await mongoose.connect(uri, {
      // FerretDB's SQLite pool has 100 connections and an update holds two at once (its query and its
      // transaction): with 100 commands in flight each could hold one and wait for ever for the second.
      maxPoolSize: config.dbPoolSize ?? (described.name === 'FerretDB' ? FERRETDB_POOL_SIZE : undefined),
      serverSelectionTimeoutMS: 10_000,
      // Every round trip has a time limit: a query the database never answers fails (and its
      // request answers 503) instead of holding the connection for ever.
      socketTimeoutMS: config.dbTimeoutMs,
      autoIndex: false,
      monitorCommands: config.slowCommandMs > 0,
    });
    if (config.slowCommandMs > 0) logSlowCommands(mongoose.connection, logger, config.slowCommandMs);
    await syncAllIndexes();
    const boot = await bootstrap({
      adminInitialPassword: config.adminInitialPassword,
      demoData: config.demoData,
      logger,
      clock,
    });

    // Report changes a crash interrupted are finished before anyone can act on the report again.
    await reconcileReports({ clock, calendar: config.calendar }, { before: clock(), logger });
    // Imports a crash left unfinished are finished or rolled back before the first request.
    const importRecovery = await startImportRecovery({ clock, calendar: config.calendar }, logger);

    const database: DatabaseInfo = {
      name: described.name,
      version: described.version,
      kind: provisioned.kind,
      description: provisioned.description,
    };
    const { app } = createApp({
      logger,
      clock,
      database,
      startedAt: clock(),
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      extraRoutes: options.extraRoutes,
      trustProxy: config.trustProxy,
      requestTimeoutMs: config.requestTimeoutMs,
      healthTimeoutMs: config.healthTimeoutMs,
      calendar: config.calendar,
      attachmentsDir: path.join(config.dataDir, 'attachments'),
      botToken: config.botToken,
      webRoot: config.webRoot,
      sms:
        options.sms ??
        (config.smsGatewayUrl
          ? new HttpSmsProvider(config.smsGatewayUrl, config.smsGatewayToken ?? '')
          : new RecordingSmsProvider((line) => logger.warn(line))),
      email:
        options.email ??
        (config.smtpUrl
          ? new SmtpEmailSender(config.smtpUrl, config.mailFrom)
          : new RecordingEmailSender((line) => logger.warn(line))),
      wechat:
        options.wechat ??
        (config.wechatAppId && config.wechatSecret
          ? new Code2SessionClient(config.wechatAppId, config.wechatSecret)
          : new FakeWechatAuth()),
    });
    const handle = app.callback();
    // Koa answers and logs its own errors (error-handler.ts, app.on('error')): the promise holds nothing more.
    const server = http.createServer((req, res) => void handle(req, res));
    renderClientErrors(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    configureRollupBuilds({ waitMs: config.rollupWaitMs });
    // Every scheduled job (jobs/index.ts), each slot once across instances.
    const jobs =
      options.scheduler === false ? undefined : startJobs(JOBS, { clock, calendar: config.calendar, logger });

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const grace = config.shutdownGraceMs;
        // A little short of the grace: `npm start` exits by force at SHUTDOWN_GRACE_MS itself.
        const endBy = Date.now() + grace - Math.min(250, Math.floor(grace / 10));
        // Kept for stopping the database once requests and jobs have had their time.
        const teardownMs = Math.min(2000, Math.floor(grace / 4));
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Keep-alive connections whose last request has just been answered are closed as they go idle.
        const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
        // Jobs are told to stop at once (their signal); leases resume what they leave.
        const jobsStopped = Promise.all([jobs?.stop(), stopRollupBuilds()]);
        importRecovery.stop();
        await within(Promise.all([drained, jobsStopped]), endBy - teardownMs - Date.now());
        clearInterval(idleSweep);
        server.closeAllConnections();
        await within(mongoose.disconnect(), Math.max(0, endBy - teardownMs / 2 - Date.now()));
        if (ownsDatabase) await provisioned.stop(Math.max(100, endBy - Date.now() - 300));
        ownsDatabase = false;
        await lock?.release();
      })());

    return {
      url: `http://${host}:${port}`,
      port,
      database,
      databasePids: options.database ? [] : provisioned.pids,
      bootstrap: boot,
      close,
    };
  } catch (err) {
    await mongoose.disconnect().catch(() => {});
    if (ownsDatabase) await provisioned.stop();
    await lock?.release();
    throw err;
  }
}

/** Waits for `work` at most `ms` milliseconds (what it does afterwards is no longer waited for). */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {});
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
  clearTimeout(timer);
}
