// A real mongod through mongodb-memory-server, when a binary is at hand: MONGOMS_SYSTEM_BINARY,
// a binary already in a cache, or a download that succeeds quickly. Where the download host can't
// be reached (our machines), the failure is remembered for a day so each start doesn't wait on it.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface RunningMongod {
  uri: string;
  pid?: number;
  version: string;
  stop(): Promise<void>;
}

const DOWNLOAD_TIMEOUT_MS = 15_000;
const RETRY_DOWNLOAD_AFTER_MS = 24 * 3600_000;

async function findCachedBinary(dirs: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const entries = await fs.readdir(dir).catch(() => [] as string[]);
    const hit = entries
      .filter((e) => e.startsWith('mongod-'))
      .sort()
      .pop();
    if (hit) return path.join(dir, hit);
  }
  return undefined;
}

/** Locates a mongod binary without starting anything; undefined when none can be had quickly. */
export async function locateMongodBinary(
  cacheDir: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<string | undefined> {
  const system = env.MONGOMS_SYSTEM_BINARY;
  if (system) return existsSync(system) ? system : undefined;
  const downloadDir = path.join(cacheDir, 'mongodb-binaries');
  const cached = await findCachedBinary([downloadDir, path.join(os.homedir(), '.cache', 'mongodb-binaries')]);
  if (cached) return cached;
  if (env.EDU_MONGOD_DOWNLOAD === '0') return undefined;
  const marker = path.join(cacheDir, 'mongod-download-failed');
  const stat = await fs.stat(marker).catch(() => undefined);
  if (stat && Date.now() - stat.mtimeMs < RETRY_DOWNLOAD_AFTER_MS) return undefined;
  try {
    await fs.mkdir(downloadDir, { recursive: true });
    const { MongoBinary } = await import('mongodb-memory-server-core');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('下载超时')), DOWNLOAD_TIMEOUT_MS);
      timer.unref();
    });
    const binary = await Promise.race([MongoBinary.getPath({ downloadDir }), timeout]).finally(() =>
      clearTimeout(timer),
    );
    return binary;
  } catch (err) {
    log(`无法获得 mongod 可执行文件（${(err as Error).message.split('\n')[0]}），改用 FerretDB`);
    await fs.mkdir(cacheDir, { recursive: true });
    await fs.writeFile(marker, new Date().toISOString());
    return undefined;
  }
}

export async function startMongod(binary: string, dataDir?: string): Promise<RunningMongod> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  if (dataDir) await fs.mkdir(dataDir, { recursive: true });
  const server = await MongoMemoryServer.create({
    binary: { systemBinary: binary },
    instance: { ip: '127.0.0.1', dbPath: dataDir, storageEngine: 'wiredTiger' },
  });
  const pid = server.instanceInfo?.instance.mongodProcess?.pid;
  return {
    uri: server.getUri(),
    pid,
    version: 'mongod',
    async stop() {
      await server.stop({ doCleanup: !dataDir, force: false });
    },
  };
}
