import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { LOCK_FILE, type LockContent } from '../../server/src/db/data-lock';
import { isAlive } from '../../server/src/db/processes';
import { startTestServer, type TestServer } from '../helpers/server';
import { listening, spawnServer, type SpawnedServer } from '../helpers/spawn-server';

describe('graceful shutdown', function () {
  this.timeout(60_000);
  let server: TestServer;
  let releaseSlow: () => void = () => {};

  before(async () => {
    server = await startTestServer('shutdown', {
      options: {
        extraRoutes: [
          {
            method: 'get',
            path: '/test/slow',
            auth: 'public',
            summary: 'test probe: answers when released',
            handler: async (ctx) => {
              await new Promise<void>((resolve) => (releaseSlow = resolve));
              // The database is still usable while the request is in flight.
              const ping = await mongoose.connection.db!.command({ ping: 1 });
              ctx.body = { done: true, ping: ping.ok };
            },
          },
        ],
      },
    });
  });

  it('lets an in-flight request finish, refuses new connections, then closes the database', async () => {
    const inFlight = fetch(`${server.url}/api/v1/test/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await new Promise((r) => setTimeout(r, 200)); // the request has reached the handler
    const closing = server.close();
    await new Promise((r) => setTimeout(r, 100));

    let refused = false;
    try {
      await fetch(`${server.url}/api/v1/health`);
    } catch {
      refused = true;
    }
    expect(refused, 'new connections must be refused while shutting down').to.equal(true);
    expect(mongoose.connection.readyState).to.equal(1); // still connected for the request in flight

    releaseSlow();
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ done: true, ping: 1 });
    await closing;
    expect(mongoose.connection.readyState).to.equal(0);
  });
});

describe('SIGTERM mid-job with a database that no longer answers', function () {
  this.timeout(180_000);
  let dataDir: string;
  let server: SpawnedServer | undefined;
  let frozenPid = 0;

  before(async function () {
    if (process.env.MONGODB_URI) this.skip(); // the embedded database is frozen here
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'edu-sigterm-'));
  });
  after(async () => {
    if (frozenPid && isAlive(frozenPid)) process.kill(frozenPid, 'SIGKILL');
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('ends the process within SHUTDOWN_GRACE_MS, its database processes and lock with it', async () => {
    const graceMs = 3000;
    server = spawnServer(dataDir, { SHUTDOWN_GRACE_MS: String(graceMs) });
    const url = await listening(server);
    const api = async (p: string, init: { body?: unknown; token?: string } = {}) => {
      const res = await fetch(`${url}/api/v1${p}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
    };
    // The first-start administrator changes the initial password, then starts the national recount.
    let login = await api('/auth/login', { body: { account: 'admin', password: 'Admin12345' } });
    expect(login.status).to.equal(200);
    await api('/auth/password', {
      token: login.body.accessToken,
      body: { oldPassword: 'Admin12345', newPassword: 'Shutdown-2026' },
    });
    login = await api('/auth/login', { body: { account: 'admin', password: 'Shutdown-2026' } });
    expect(login.status).to.equal(200);
    const lock = JSON.parse(await fs.readFile(path.join(dataDir, LOCK_FILE), 'utf8')) as LockContent;
    const pids = lock.databasePids ?? [];
    expect(pids).to.have.length(2); // FerretDB and its watchdog

    const job = api('/regions/000000/progress/recount', { token: login.body.accessToken }).catch(() => null);
    await new Promise((r) => setTimeout(r, 300)); // the recount is under way…
    frozenPid = pids[0];
    process.kill(frozenPid, 'SIGSTOP'); // …and its database stops answering: it can never finish

    const sent = performance.now();
    server.child.kill('SIGTERM');
    await server.exited;
    const tookMs = performance.now() - sent;
    expect(tookMs, `exit ${tookMs.toFixed(0)} ms after SIGTERM`).to.be.below(graceMs + 500);
    for (const pid of pids) expect(isAlive(pid), `database process ${pid} left behind`).to.equal(false);
    expect(await fs.stat(path.join(dataDir, LOCK_FILE)).catch(() => null)).to.equal(null);
    await job;
  });
});
