// FerretDB (a MongoDB-wire-compatible server in Go) built from the Go module proxy and run on its
// SQLite backend, for machines where no mongod binary can be had. See docs/DATABASE.md.
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { applyPatch, parsePatch } from 'diff';
import { adopt, canConnect, freePort, terminate } from './processes';

const run = promisify(execFile);

const MODULE = 'github.com/FerretDB/FerretDB';
/** The planned version first; v1.24.1 is not served by every proxy, so its patch release follows. */
export const FERRETDB_VERSIONS = ['v1.24.1', 'v1.24.2'];

/** Our fixes to FerretDB's source, applied in file-name order to the copied module before it is built. */
export const FERRETDB_PATCH_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ferretdb-patches');
/** Runs FerretDB and ends it when this process dies, kill -9 included (see watchdog.cjs). */
const WATCHDOG = path.join(path.dirname(fileURLToPath(import.meta.url)), 'watchdog.cjs');

const messages = {
  patchFailed: (patch: string, file: string) => `补丁 ${patch} 无法应用到 ${file}`,
  noGo: '找不到 Go 工具链（go），无法构建 FerretDB；请安装 Go ≥ 1.24，或设置 MONGODB_URI 指向已有的 MongoDB',
  buildFailed: (detail: string) => `构建 FerretDB 失败：${detail}`,
  startFailed: (detail: string) => `FerretDB 启动失败：${detail}`,
};

export class FerretDbUnavailableError extends Error {}

function goEnv(cacheDir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    // The module's own go.sum pins every dependency; the checksum database may be unreachable.
    GOSUMDB: env.GOSUMDB ?? 'off',
    GOFLAGS: '-mod=mod',
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
  };
}

async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  // mkdir is atomic: parallel test processes and two checkouts sharing a cache build only once.
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const stat = await fs.stat(lockDir).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > 15 * 60_000)
        await fs.rm(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new FerretDbUnavailableError(messages.buildFailed('等待构建锁超时'));
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

export interface FerretDbBinary {
  path: string;
  version: string;
}

interface SourcePatch {
  name: string;
  text: string;
}

function readPatches(dir = FERRETDB_PATCH_DIR): SourcePatch[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}

/**
 * The cache folder of one version built with the current patches: `v1.24.1-p<hash>`, the hash over
 * every patch's name and text. A binary built without them (or with older ones) sits in another folder
 * and is never picked up again.
 */
export function binaryFolderName(version: string, patches: SourcePatch[] = readPatches()): string {
  const hash = createHash('sha256');
  for (const p of patches) hash.update(`${p.name}\0${p.text}\0`);
  return `${version}-p${hash.digest('hex').slice(0, 10)}`;
}

/** Applies unified diffs (paths `a/…`, `b/…`) to the module copied into `dir`; throws when one does not fit. */
async function applySourcePatches(dir: string, patches: SourcePatch[]): Promise<void> {
  for (const p of patches) {
    for (const filePatch of parsePatch(p.text)) {
      const rel = (filePatch.newFileName ?? filePatch.oldFileName ?? '').replace(/^b\//, '');
      const file = path.join(dir, rel);
      const before = await fs.readFile(file, 'utf8');
      const after = applyPatch(before, filePatch);
      if (after === false) throw new FerretDbUnavailableError(messages.patchFailed(p.name, rel));
      await fs.writeFile(file, after);
    }
  }
}

/** Returns the cached binary, building it first when it is missing. */
export async function ensureFerretDbBinary(
  cacheDir: string,
  log: (line: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<FerretDbBinary> {
  const root = path.join(cacheDir, 'ferretdb');
  const patches = readPatches();
  for (const version of FERRETDB_VERSIONS) {
    const bin = path.join(root, binaryFolderName(version, patches), 'ferretdb');
    if (existsSync(bin)) return { path: bin, version };
  }
  await fs.mkdir(root, { recursive: true });
  return withLock(path.join(root, '.build-lock'), async () => {
    for (const version of FERRETDB_VERSIONS) {
      const bin = path.join(root, binaryFolderName(version, patches), 'ferretdb');
      if (existsSync(bin)) return { path: bin, version };
    }
    try {
      await run('go', ['version'], { env: goEnv(cacheDir, env) });
    } catch {
      throw new FerretDbUnavailableError(messages.noGo);
    }
    const failures: string[] = [];
    for (const version of FERRETDB_VERSIONS) {
      let dir: string;
      try {
        const { stdout } = await run('go', ['mod', 'download', '-json', `${MODULE}@${version}`], {
          env: goEnv(cacheDir, env),
          maxBuffer: 16 * 1024 * 1024,
        });
        const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
        if (!info.Dir) throw new Error(info.Error ?? 'no module directory');
        dir = info.Dir;
      } catch (err) {
        const e = err as { stdout?: string; message: string };
        let detail = e.message;
        try {
          detail = (JSON.parse(e.stdout ?? '') as { Error?: string }).Error ?? detail;
        } catch {
          /* not JSON */
        }
        failures.push(`${version}: ${detail.split('\n')[0]}`);
        continue;
      }
      log(`正在从 Go 模块代理构建 FerretDB ${version}（首次约需 2 分钟）…`);
      const work = await fs.mkdtemp(path.join(root, `src-${version}-`));
      try {
        await fs.cp(dir, work, { recursive: true });
        await run('chmod', ['-R', 'u+w', work]);
        // The module zip lacks build/version/version.txt, without which the binary panics at start.
        await fs.writeFile(path.join(work, 'build', 'version', 'version.txt'), `${version}\n`);
        await applySourcePatches(work, patches);
        const out = path.join(root, binaryFolderName(version, patches));
        await fs.mkdir(out, { recursive: true });
        const tmpBin = path.join(out, `ferretdb.tmp-${process.pid}`);
        await run('go', ['build', '-trimpath', '-o', tmpBin, './cmd/ferretdb'], {
          cwd: work,
          env: goEnv(cacheDir, env),
          maxBuffer: 64 * 1024 * 1024,
        });
        await fs.rename(tmpBin, path.join(out, 'ferretdb'));
        return { path: path.join(out, 'ferretdb'), version };
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        failures.push(`${version}: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}`);
      } finally {
        await fs.rm(work, { recursive: true, force: true });
      }
    }
    throw new FerretDbUnavailableError(messages.buildFailed(failures.join('；')));
  });
}

export interface RunningFerretDb {
  uri: string;
  port: number;
  /** FerretDB's own pid. */
  pid: number;
  /** The watchdog that runs it (exits with it). */
  watchdogPid: number;
  version: string;
  /** SIGTERM, SIGKILL after `graceMs` (default 5000); resolves when both processes are gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts FerretDB on a free loopback port with the SQLite backend in `dataDir`
 * (a fresh temporary directory when `dataDir` is omitted, removed again on stop).
 */
export async function startFerretDb(opts: {
  binary: FerretDbBinary;
  dataDir?: string;
  startTimeoutMs?: number;
}): Promise<RunningFerretDb> {
  const temporary = !opts.dataDir;
  const base = opts.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'eduprogress-ferretdb-')));
  const sqliteDir = path.join(base, 'sqlite');
  const stateDir = path.join(base, 'state');
  await fs.mkdir(sqliteDir, { recursive: true });
  await fs.mkdir(stateDir, { recursive: true });

  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        WATCHDOG,
        opts.binary.path,
        '--handler=sqlite',
        `--sqlite-url=file:${sqliteDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        '--telemetry=disable',
        '--debug-addr=-',
        `--state-dir=${stateDir}`,
        '--log-level=error',
      ],
      // stdin is the watchdog's lifeline: never written, closed by the kernel when we die.
      { stdio: ['pipe', 'pipe', 'pipe'], detached: false },
    );
    let ferretPid = 0;
    const pids: number[] = [];
    adopt(child, pids);
    let stderr = '';
    let stdout = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const m = /^pid (\d+)$/m.exec(stdout);
      if (m && !ferretPid) {
        ferretPid = Number(m[1]);
        pids.push(ferretPid);
      }
    });
    const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (ferretPid && (await canConnect(port))) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (ready && child.pid) {
      // Its pipes must not keep our event loop alive, but stay read: a Go program whose stderr pipe
      // is closed dies of SIGPIPE at its next log line.
      for (const stream of [child.stdin, child.stdout, child.stderr])
        (stream as unknown as { unref?: () => void } | null)?.unref?.();
      const watchdogPid = child.pid;
      return {
        uri: `mongodb://127.0.0.1:${port}/`,
        port,
        pid: ferretPid,
        watchdogPid,
        version: opts.binary.version,
        async stop(graceMs = 5000) {
          await terminate(child, graceMs, [ferretPid]);
          if (temporary) await fs.rm(base, { recursive: true, force: true });
        },
      };
    }
    lastError = stderr.trim().split('\n').slice(-3).join(' ') || `进程退出码 ${child.exitCode}`;
    await terminate(child, 1000, pids);
  }
  if (temporary) await fs.rm(base, { recursive: true, force: true });
  throw new FerretDbUnavailableError(messages.startFailed(lastError));
}
