// Issue 9 "the database wedges": when the database stops answering, every request still gets an
// answer in time (503 with a zh-CN message) and /health says "degraded". The database here really
// stops answering: its process (a FerretDB, or mongod, of this file's own) is frozen with SIGSTOP.
import fs from 'node:fs/promises';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { loadConfig } from '../../../server/src/config';
import { provisionDatabase, type ProvisionedDatabase } from '../../../server/src/db/provision';
import { createLogger } from '../../../server/src/logger';
import { startServer, type RunningServer } from '../../../server/src/server';
import { repoRoot } from '../../../server/src/config';
import { finishFirstLogin } from '../../helpers/fixtures';

async function timed(url: string, init: RequestInit = {}) {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as any;
  return { status: res.status, body, ms: performance.now() - started };
}

describe('time limits when the database stops answering', function () {
  this.timeout(120_000);
  let database: ProvisionedDatabase;
  let server: RunningServer;
  let token: string;
  let frozen = false;

  /** SIGSTOP (SIGCONT), then wait until every thread of the process has stopped (runs again). */
  const freeze = async (on: boolean) => {
    const pid = database.pids[0];
    process.kill(pid, on ? 'SIGSTOP' : 'SIGCONT');
    frozen = on;
    const allStopped = async () => {
      const tasks = await fs.readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
      const states = await Promise.all(
        tasks.map(async (t) => {
          const stat = await fs.readFile(`/proc/${pid}/task/${t}/stat`, 'utf8').catch(() => '');
          return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        }),
      );
      return states.length > 0 && states.every((st) => st === 'T' || st === 't');
    };
    for (let i = 0; i < 100 && (await allStopped()) !== on; i++) await new Promise((r) => setTimeout(r, 20));
  };

  before(async function () {
    if (process.env.MONGODB_URI) this.skip(); // an external database is not ours to freeze
    database = await provisionDatabase({
      purpose: 'test',
      dataDir: repoRoot,
      cacheDir: process.env.CACHE_DIR || `${repoRoot}/.cache`,
      log: () => {},
    });
    const config = loadConfig({
      DEMO_DATA: '0',
      ADMIN_INITIAL_PASSWORD: 'Admin12345',
      PORT: '0',
      HOST: '127.0.0.1',
      REQUEST_TIMEOUT_MS: '1500',
      HEALTH_TIMEOUT_MS: '500',
      DB_TIMEOUT_MS: '3000',
    });
    config.dbName = 'timeouts';
    server = await startServer(config, {
      database,
      logger: createLogger('silent'),
      print: () => {},
      scheduler: false,
      extraRoutes: [
        {
          method: 'get',
          path: '/test/db-read',
          auth: 'public',
          summary: 'test probe: one database read, no request time limit',
          timeoutMs: 0,
          handler: async (ctx) => {
            await mongoose.connection
              .db!.collection('regions')
              .insertOne({ _id: `probe-${Date.now()}` as any });
            ctx.body = { done: true };
          },
        },
      ],
    });
    // The national admin acts at once (its first login is not what this test is about).
    await finishFirstLogin('admin');
    const login = await timed(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account: 'admin', password: 'Admin12345' }),
    });
    expect(login.status).to.equal(200);
    token = login.body.accessToken;
  });

  after(async () => {
    if (!database) return;
    if (frozen) await freeze(false);
    await mongoose.connection.dropDatabase().catch(() => {});
    await server?.close();
    await database.stop();
  });

  it('/health reads storage: ok with its latency while the database answers', async () => {
    const res = await timed(`${server.url}/api/v1/health`);
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('ok');
    expect(res.body.database.ok).to.equal(true);
    expect(res.body.database.latencyMs).to.be.a('number');
  });

  it('a frozen database: /health answers 503 degraded within its limit', async () => {
    await freeze(true);
    const res = await timed(`${server.url}/api/v1/health`);
    expect(res.status).to.equal(503);
    expect(res.body.status).to.equal('degraded');
    expect(res.body.database.ok).to.equal(false);
    expect(res.ms).to.be.below(1500);
  });

  it('a frozen database: a request answers 503 REQUEST_TIMEOUT in zh-CN at REQUEST_TIMEOUT_MS', async () => {
    expect(frozen).to.equal(true);
    const res = await timed(`${server.url}/api/v1/regions/000000`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('REQUEST_TIMEOUT');
    expect(res.body.error.message).to.match(/服务器繁忙/);
    expect(res.ms).to.be.within(1400, 5000);
  });

  it('a frozen database: a database call fails at DB_TIMEOUT_MS and answers 503 DATABASE_UNAVAILABLE', async () => {
    expect(frozen).to.equal(true);
    const res = await timed(`${server.url}/api/v1/test/db-read`);
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('DATABASE_UNAVAILABLE');
    expect(res.body.error.message).to.match(/数据库暂时无法响应/);
    expect(res.ms).to.be.within(2900, 15_000);
  });

  it('the database back: requests and /health answer again', async () => {
    await freeze(false);
    let health = await timed(`${server.url}/api/v1/health`);
    for (let i = 0; i < 50 && health.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await timed(`${server.url}/api/v1/health`);
    }
    expect(health.body.status).to.equal('ok');
    // The driver may have dropped its connections meanwhile: it reconnects within seconds.
    const read = () =>
      timed(`${server.url}/api/v1/regions/000000`, { headers: { Authorization: `Bearer ${token}` } });
    let res = await read();
    for (let i = 0; i < 20 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 500));
      res = await read();
    }
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  });
});
