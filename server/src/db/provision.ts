// One provisioning module for `npm start` and the test bootstrap: it yields a MongoDB connection
// string, trying in order (1) MONGODB_URI, (2) a mongod via mongodb-memory-server when a binary is at
// hand, (3) FerretDB built from the Go module proxy, on SQLite. It prints one line naming its choice.
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureFerretDbBinary, FerretDbUnavailableError, startFerretDb } from './ferretdb';
import { locateMongodBinary, startMongod } from './mongod';

export type BackendKind = 'external' | 'mongod' | 'ferretdb';

export interface ProvisionedDatabase {
  /** Connection string without a database name. */
  uri: string;
  kind: BackendKind;
  /** Human description, e.g. "FerretDB v1.24.1 (SQLite)" or "MongoDB 7.0.14". */
  description: string;
  /** Pids of the processes this module started: the database server first, then its watchdog (none for an external database). */
  pids: number[];
  /** Stops what was started: SIGTERM, then SIGKILL after `graceMs` where the backend allows it. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProvisionOptions {
  /** `test`: throw-away storage in a temporary directory; `start`: persistent storage under dataDir. */
  purpose: 'test' | 'start';
  dataDir: string;
  cacheDir: string;
  env?: NodeJS.ProcessEnv;
  /** Where progress and the one-line choice are printed; defaults to stderr. */
  log?: (line: string) => void;
}

const messages = {
  none: (why: string) =>
    `无法提供数据库：未设置 MONGODB_URI，找不到 mongod，FerretDB 也无法构建或启动（${why}）。` +
    `请设置 MONGODB_URI=mongodb://主机:端口/ 指向一个 MongoDB ≥ 6，或安装 Go ≥ 1.24 后重试。`,
};

/** Asks the server what it is: FerretDB reports `ferretdbVersion` beside its MongoDB-compatible version. */
export async function describeServer(
  uri: string,
): Promise<{ description: string; name: string; version: string }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const info = (await client.db('admin').command({ buildInfo: 1 })) as {
      version?: string;
      ferretdbVersion?: string;
    };
    if (info.ferretdbVersion) {
      return {
        description: `FerretDB ${info.ferretdbVersion} (MongoDB ${info.version} 兼容)`,
        name: 'FerretDB',
        version: info.ferretdbVersion,
      };
    }
    return { description: `MongoDB ${info.version}`, name: 'MongoDB', version: info.version ?? 'unknown' };
  } finally {
    await client.close();
  }
}

export async function provisionDatabase(opts: ProvisionOptions): Promise<ProvisionedDatabase> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  if (env.MONGODB_URI) {
    const uri = env.MONGODB_URI;
    const described = await describeServer(uri);
    log(`数据库: 外部 ${described.description}，来自 MONGODB_URI`);
    return { uri, kind: 'external', description: described.description, pids: [], stop: async () => {} };
  }

  const mongodBinary = await locateMongodBinary(opts.cacheDir, env, log);
  if (mongodBinary) {
    const mongod = await startMongod(
      mongodBinary,
      opts.purpose === 'start' ? path.join(opts.dataDir, 'mongod') : undefined,
    );
    const described = await describeServer(mongod.uri).catch(() => ({ description: 'MongoDB' }));
    log(`数据库: ${described.description}（mongodb-memory-server，${mongodBinary}）pid ${mongod.pid}`);
    return {
      uri: mongod.uri,
      kind: 'mongod',
      description: described.description,
      pids: mongod.pid ? [mongod.pid] : [],
      stop: () => mongod.stop(),
    };
  }

  try {
    const binary = await ensureFerretDbBinary(opts.cacheDir, log, env);
    const ferret = await startFerretDb({
      binary,
      dataDir: opts.purpose === 'start' ? path.join(opts.dataDir, 'ferretdb') : undefined,
    });
    const description = `FerretDB ${ferret.version} (SQLite)`;
    log(`数据库: ${description}，127.0.0.1:${ferret.port}，pid ${ferret.pid}`);
    return {
      uri: ferret.uri,
      kind: 'ferretdb',
      description,
      pids: [ferret.pid, ferret.watchdogPid],
      stop: (graceMs?: number) => ferret.stop(graceMs),
    };
  } catch (err) {
    if (err instanceof FerretDbUnavailableError) throw new Error(messages.none(err.message));
    throw err;
  }
}

/** A connection string for one named database on a provisioned server. */
export function databaseUri(serverUri: string, dbName: string): string {
  const url = new URL(serverUri);
  url.pathname = `/${dbName}`;
  return url.toString();
}
