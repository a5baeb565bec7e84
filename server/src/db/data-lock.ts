// One server per data folder: `DATA_DIR/server.lock` holds the pid of the server using the folder
// (and of the database server it started). A second start refuses while that pid lives; a lock left
// by a dead pid is taken over, and a database server it recorded that is still running on the
// folder (its watchdog should have ended it) is killed first, so two never write the same files.
import fs from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './processes';

const messages = {
  busy: (dir: string, pid: number, since: string) =>
    `数据目录 ${dir} 已被另一个进展通服务器使用（pid ${pid}，启动于 ${since}）。` +
    `同一数据目录只能运行一个服务器：请先停止它，或用 DATA_DIR 指定另一个目录。`,
  racing: (dir: string) => `数据目录 ${dir} 的锁文件正被另一个启动中的服务器接管，请稍后重试`,
};

export class DataDirBusyError extends Error {}

export interface LockContent {
  /** The server process. */
  pid: number;
  startedAt: string;
  /** Database server processes it started on this folder (FerretDB, its watchdog). */
  databasePids?: number[];
}

export interface DataDirLock {
  file: string;
  /** Records the database processes started on the folder (killed by the next start if left behind). */
  recordDatabase(pids: number[]): Promise<void>;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

export const LOCK_FILE = 'server.lock';

async function readLock(file: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as LockContent;
    return typeof parsed.pid === 'number' ? parsed : { pid: 0, startedAt: '' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { pid: 0, startedAt: '' }; // unreadable or half-written: nobody's lock
  }
}

/** True when `pid` runs a program whose command line names `needle` (Linux /proc; elsewhere: alive). */
function runs(pid: number, needle: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
  } catch {
    return true;
  }
}

async function killLeftBehind(pids: number[], dataDir: string): Promise<void> {
  // Only processes still running on this folder: a pid may have been reused by something else.
  const ours = pids.filter((pid) => runs(pid, dataDir));
  for (const pid of ours) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (let i = 0; i < 200 && ours.some(isAlive); i++) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Takes `dataDir/server.lock` for this process. Throws DataDirBusyError (zh-CN message naming the
 * pid) when a live process holds it; takes over a lock whose pid is dead, after killing the database
 * processes it recorded that still run on the folder.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await fs.mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(content), { flag: 'wx' });
      return handle(file, content);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await readLock(file);
    if (!held) continue; // released meanwhile
    if (held.pid && held.pid !== process.pid && isAlive(held.pid))
      throw new DataDirBusyError(messages.busy(dataDir, held.pid, held.startedAt));
    // Stale: its server is dead. Move it aside (one of two racing starts wins the rename), make sure
    // it is still the lock we judged, then end what it left running.
    const aside = `${file}.stale-${process.pid}`;
    try {
      await fs.rename(file, aside);
    } catch {
      continue;
    }
    const moved = await readLock(aside);
    if (moved?.pid !== held.pid || moved.startedAt !== held.startedAt) {
      // A fresh lock of another start was moved: put it back and let that start have the folder.
      await fs.rename(aside, file).catch(() => {});
      continue;
    }
    await fs.rm(aside, { force: true });
    await killLeftBehind(held.databasePids ?? [], dataDir);
  }
  throw new DataDirBusyError(messages.racing(dataDir));
}

function handle(file: string, content: LockContent): DataDirLock {
  // An exit that skips release (a forced shutdown) still frees the folder; kill -9 leaves a stale lock.
  const onExit = () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as LockContent).pid === process.pid)
        rmSync(file, { force: true });
    } catch {
      /* gone or not ours */
    }
  };
  process.once('exit', onExit);
  return {
    file,
    async recordDatabase(pids) {
      content.databasePids = pids;
      const tmp = `${file}.tmp-${process.pid}`;
      await fs.writeFile(tmp, JSON.stringify(content));
      await fs.rename(tmp, file);
    },
    async release() {
      process.off('exit', onExit);
      const held = await readLock(file);
      if (held?.pid === process.pid) await fs.rm(file, { force: true });
    },
  };
}
