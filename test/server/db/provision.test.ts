import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../../server/src/config';
import { provisionDatabase, describeServer } from '../../../server/src/db/provision';
import { isAlive } from '../../../server/src/db/processes';
import { testServer } from '../../helpers/db';
import { databasePid, listening, spawnServer } from '../../helpers/spawn-server';

const cacheDir = process.env.CACHE_DIR || path.join(repoRoot, '.cache');

describe('database provisioning', function () {
  this.timeout(120_000);

  it('MONGODB_URI wins: nothing is started and the given server is described', async () => {
    const lines: string[] = [];
    const emptyCache = await fs.mkdtemp(path.join(os.tmpdir(), 'edu-empty-cache-'));
    const db = await provisionDatabase({
      purpose: 'test',
      dataDir: os.tmpdir(),
      // A cache folder with nothing in it: had the order been wrong, a build would be attempted here.
      cacheDir: emptyCache,
      env: { MONGODB_URI: testServer().uri, PATH: '' },
      log: (l) => lines.push(l),
    });
    expect(db.kind).to.equal('external');
    expect(db.pids).to.deep.equal([]);
    expect(db.uri).to.equal(testServer().uri);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^数据库: 外部 (FerretDB|MongoDB)/);
    await db.stop();
    expect(await fs.readdir(emptyCache)).to.deep.equal([]); // nothing was built or downloaded
    await fs.rm(emptyCache, { recursive: true, force: true });
  });

  it('fails with a clear message when no backend is possible', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'edu-nobackend-'));
    let error: Error | undefined;
    try {
      await provisionDatabase({
        purpose: 'test',
        dataDir: empty,
        cacheDir: empty,
        // No MONGODB_URI, no mongod download, and no Go toolchain on PATH.
        env: { PATH: '/nonexistent', EDU_MONGOD_DOWNLOAD: '0' },
        log: () => {},
      });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/无法提供数据库/);
    expect(error?.message).to.match(/MONGODB_URI/);
    await fs.rm(empty, { recursive: true, force: true });
  });

  it('starts a local server on a free port and stops every process it started, by pid', async function () {
    if (process.env.MONGODB_URI) this.skip(); // the external database under test is not ours to start
    const lines: string[] = [];
    const started = Date.now();
    const a = await provisionDatabase({
      purpose: 'test',
      dataDir: os.tmpdir(),
      cacheDir,
      log: (l) => lines.push(l),
    });
    const b = await provisionDatabase({
      purpose: 'test',
      dataDir: os.tmpdir(),
      cacheDir,
      log: (l) => lines.push(l),
    });
    const elapsed = Date.now() - started;
    try {
      expect(a.kind).to.be.oneOf(['mongod', 'ferretdb']);
      // mongod, or FerretDB and its watchdog
      expect(a.pids.length).to.be.within(1, 2);
      expect(b.pids.length).to.be.within(1, 2);
      expect(a.uri).to.not.equal(b.uri); // two at once never collide on a port
      for (const pid of [...a.pids, ...b.pids]) expect(isAlive(pid)).to.equal(true);
      const described = await describeServer(a.uri);
      expect(described.name).to.be.oneOf(['FerretDB', 'MongoDB']);
      expect(lines.filter((l) => l.startsWith('数据库:'))).to.have.length(2);
      // The binary is cached by now (the global fixture built it): two starts well under 2 × 3 s.
      expect(elapsed).to.be.below(6000);
    } finally {
      await a.stop();
      await b.stop();
    }
    for (const pid of [...a.pids, ...b.pids]) expect(isAlive(pid), `pid ${pid} still alive`).to.equal(false);
  });

  it('npm start stops its database on SIGTERM: no process is left behind', async function () {
    if (process.env.MONGODB_URI) this.skip();
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'edu-start-'));
    const server = spawnServer(dataDir);
    const url = await listening(server);
    const dbPid = databasePid(server);
    expect(dbPid).to.be.greaterThan(0);
    expect(isAlive(dbPid)).to.equal(true);
    const health = (await fetch(`${url}/api/v1/health`).then((r) => r.json())) as any;
    expect(health.database.name).to.be.oneOf(['FerretDB', 'MongoDB']);

    server.child.kill('SIGTERM');
    expect(await server.exited).to.equal(0);
    expect(isAlive(dbPid), `database pid ${dbPid} left behind`).to.equal(false);
    await fs.rm(dataDir, { recursive: true, force: true });
  });
});
