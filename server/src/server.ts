// Starts the whole backend: database (provisioned or given), indexes, first-start data, HTTP.
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
import { logSlowCommands } from './db/slow-commands';
import type { DatabaseInfo } from './health/routes';
import { createLogger, type Logger } from './logger';
import { HttpSmsProvider, RecordingSmsProvider, type SmsProvider } from './accounts/sms';
import { Code2SessionClient, FakeWechatAuth, type WechatAuth } from './accounts/wechat';
import { startEventScheduler } from './reports-events/scheduler';
import { startReportScheduler } from './reports/scheduler';

export interface RunningServer {
  url: string;
  port: number;
  database: DatabaseInfo;
  /** Pids of database processes this server started. */
  databasePids: number[];
  bootstrap: BootstrapResult;
  /** Graceful: stop accepting, let in-flight requests finish, close the database, stop what we started. */
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
  /** Printed lines (backend choice, first-start credentials); defaults to stdout. */
  print?: (line: string) => void;
  /** Run the minute job that writes calendar events to the outbox (default true; tests turn it off). */
  scheduler?: boolean;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));

  const provisioned =
    options.database ??
    (await provisionDatabase({
      purpose: 'start',
      dataDir: config.dataDir,
      cacheDir: config.cacheDir,
      env: { ...process.env, MONGODB_URI: config.mongodbUri ?? '' },
      log: print,
    }));
  let ownsDatabase = !options.database;
  try {
    // A MONGODB_URI that names a database keeps it; otherwise DB_NAME (default "eduprogress").
    const namedDb = new URL(provisioned.uri).pathname.replace(/^\//, '');
    const uri = namedDb && !options.database ? provisioned.uri : databaseUri(provisioned.uri, config.dbName);
    await mongoose.connect(uri, {
      serverSelectionTimeoutMS: 10_000,
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

    const described = await describeServer(provisioned.uri);
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
      calendar: config.calendar,
      attachmentsDir: path.join(config.dataDir, 'attachments'),
      botToken: config.botToken,
      webRoot: config.webRoot,
      sms:
        options.sms ??
        (config.smsGatewayUrl
          ? new HttpSmsProvider(config.smsGatewayUrl, config.smsGatewayToken ?? '')
          : new RecordingSmsProvider((line) => logger.warn(line))),
      wechat:
        options.wechat ??
        (config.wechatAppId && config.wechatSecret
          ? new Code2SessionClient(config.wechatAppId, config.wechatSecret)
          : new FakeWechatAuth()),
    });
    const server = http.createServer(app.callback());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    // Calendar events for the bot, and auto-submission at deadlines (both safe with several instances).
    const schedulers =
      options.scheduler === false
        ? []
        : [
            startEventScheduler({ clock, calendar: config.calendar, logger }),
            startReportScheduler({ clock, calendar: config.calendar }, logger),
          ];

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
        await done;
        clearTimeout(force);
        for (const scheduler of schedulers) await scheduler.stop();
        await mongoose.disconnect();
        if (ownsDatabase) await provisioned.stop();
        ownsDatabase = false;
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
    throw err;
  }
}
