// Issue 9 "one server per data folder": a second start on the same DATA_DIR refuses with a clear
// message; kill -9 of the server leaves no FerretDB running on the folder (its watchdog ends it, and
// the next start ends one that survived anyway). Real processes throughout.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { LOCK_FILE, type LockContent } from '../../../server/src/db/data-lock';
import { isAlive } from '../../../server/src/db/processes';
import { databasePid, listening, spawnServer, type SpawnedServer } from '../../helpers/spawn-server';

async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return !isAlive(pid);
}

async function readLock(dataDir: string): Promise<LockContent> {
  return JSON.parse(await fs.readFile(path.join(dataDir, LOCK_FILE), 'utf8')) as LockContent;
}

describe('one server per data folder', function () {
  this.timeout(300_000);
  let dataDir: string;
  const started: SpawnedServer[] = [];
  const leftovers: number[] = [];

  before(async function () {
    if (process.env.MONGODB_URI) this.skip(); // the embedded database is what this is about
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'edu-lock-'));
  });

  after(async () => {
    for (const s of started)
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = {}) => {
    const s = spawnServer(dataDir, env);
    started.push(s);
    return s;
  };

  it('a second start on the same DATA_DIR refuses, naming the running server, and changes nothing', async () => {
    const first = start();
    const url = await listening(first);
    const lock = await readLock(dataDir);
    expect(lock.pid).to.equal(first.child.pid);
    expect(lock.databasePids).to.include(databasePid(first));

    const second = start();
    const code = await second.exited;
    expect(code).to.equal(1);
    expect(second.output()).to.contain(
      `数据目录 ${dataDir} 已被另一个进展通服务器使用（pid ${first.child.pid}`,
    );
    expect(second.output()).to.not.match(/^数据库:/m); // it started no database of its own
    expect((await readLock(dataDir)).pid).to.equal(first.child.pid);
    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).to.equal(200);

    first.child.kill('SIGTERM');
    expect(await first.exited).to.equal(0);
    expect(await gone(databasePid(first), 5000)).to.equal(true);
    // A clean stop frees the folder.
    expect(await fs.stat(path.join(dataDir, LOCK_FILE)).catch(() => null)).to.equal(null);
  });

  it('kill -9 of the server: its FerretDB ends with it, and the next start takes over the stale lock', async () => {
    const victim = start();
    await listening(victim);
    const dbPid = databasePid(victim);
    expect(isAlive(dbPid)).to.equal(true);

    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(await gone(dbPid, 10_000), `FerretDB ${dbPid} still running on the folder`).to.equal(true);
    expect((await readLock(dataDir)).pid).to.equal(victim.child.pid); // stale: its pid is dead

    const next = start();
    const url = await listening(next);
    expect((await readLock(dataDir)).pid).to.equal(next.child.pid);
    expect((await fetch(`${url}/api/v1/health`)).status).to.equal(200);
    next.child.kill('SIGTERM');
    expect(await next.exited).to.equal(0);
  });

  it('a FerretDB that outlived its server and watchdog is ended by the next start on the folder', async () => {
    const victim = start();
    await listening(victim);
    const [dbPid, watchdogPid] = (await readLock(dataDir)).databasePids ?? [];
    expect(dbPid).to.equal(databasePid(victim));
    leftovers.push(dbPid);
    // Both die abruptly, the watchdog first: nothing is left to end FerretDB.
    process.kill(watchdogPid, 'SIGKILL');
    victim.child.kill('SIGKILL');
    await victim.exited;
    await new Promise((r) => setTimeout(r, 300));
    expect(isAlive(dbPid), 'the orphan runs on').to.equal(true);

    const next = start();
    const url = await listening(next);
    expect(await gone(dbPid, 5000), `orphan FerretDB ${dbPid} still running`).to.equal(true);
    expect((await fetch(`${url}/api/v1/health`)).status).to.equal(200);
    next.child.kill('SIGTERM');
    expect(await next.exited).to.equal(0);
  });
});
