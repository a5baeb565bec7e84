// `npm start` as a real process (node + tsx on server/src/main.ts), for tests of what only a whole
// process shows: signals, kill -9, two servers on one data folder.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../server/src/config';

export interface SpawnedServer {
  child: ChildProcessWithoutNullStreams;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

export const cacheDir = process.env.CACHE_DIR || path.join(repoRoot, '.cache');

/** Starts the server on `dataDir` with a free port; `env` adds to (or overrides) the defaults. */
export function spawnServer(dataDir: string, env: Record<string, string> = {}): SpawnedServer {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      MONGODB_URI: '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CACHE_DIR: cacheDir,
      DEMO_DATA: '0',
      ADMIN_INITIAL_PASSWORD: 'Admin12345',
      LOG_LEVEL: 'silent',
      // The H5 build is the web tests' business; a spawned server never waits for one.
      WEB_BUILD: '0',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
}

/** The base URL in `npm start`'s start line (`进展通 EduProgress 已启动：http://…/（接口 …）`), if printed yet. */
export function startedUrl(output: string): string | undefined {
  return /已启动：(http:\/\/[^/\s（]+)\//.exec(output)?.[1];
}

/** The server's base URL once it says it is listening (rejects if it exits first or takes > `ms`). */
export async function listening(server: SpawnedServer, ms = 120_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const url = startedUrl(server.output());
    if (url) return url;
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      throw new Error(`server exited before listening:\n${server.output()}`);
    if (Date.now() - started > ms)
      throw new Error(`server not listening within ${ms} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The database pid the server printed (`数据库: … pid N`). */
export function databasePid(server: SpawnedServer): number {
  return Number(/^数据库:.*pid (\d+)/m.exec(server.output())?.[1] ?? 0);
}
