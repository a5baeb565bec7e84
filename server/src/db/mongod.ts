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

const messages = {
  noMongod: (reason: string) => `无法获得 mongod 可执行文件（${reason}），改用 FerretDB`,
  unknown: '原因不明',
  cause: (cause: string, url: string) => `${cause}，下载地址 ${url}`,
};

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
    log(messages.noMongod(downloadFailure(err)));
    await fs.mkdir(cacheDir, { recursive: true });
    await fs.writeFile(marker, new Date().toISOString());
    return undefined;
  }
}

/**
 * Why a mongod download failed, on one line: mongodb-memory-server's DownloadError puts the cause
 * (`getaddrinfo ENOTFOUND fastdl.mongodb.org`, `Status: 403`) after a line break, so its first line alone
 * reads as an empty `Details:`; the cause comes first here, the URL after it.
 */
export function downloadFailure(err: unknown): string {
  const e = err as { message?: string; msg?: string; url?: string; code?: string };
  const cause = e?.msg?.trim() || e?.code;
  if (cause) return e.url ? messages.cause(cause, e.url) : cause;
  const lines = String(e?.message ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.join(' ') || messages.unknown;
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
