// All or nothing survives a crash: a real server process killed with SIGKILL in the middle of a
// 10,000-row school import, then started again on the same database.
import { regionRoleBinding } from '../../helpers/fixtures';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { AuditEntry } from '../../../server/src/audit/model';
import { databaseUri } from '../../../server/src/db/provision';
import { startedUrl } from '../../helpers/spawn-server';
import { School, SchoolImport } from '../../../server/src/schools/model';
import { testServer, uniqueDbName } from '../../helpers/db';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ROWS = 10_000;
const ROOT = process.cwd();

interface Child {
  process: ChildProcess;
  url: string;
}

/** `npm start`'s entry point in its own process, on the given database. */
async function startChild(uri: string, dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      MONGODB_URI: uri,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DATA: '0',
      ADMIN_INITIAL_PASSWORD: 'Admin12345',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      WEB_BUILD: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const started = startedUrl(output);
      if (started) {
        clearTimeout(timer);
        resolve(started);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return { process: child, url };
}

async function importFile(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('学校');
  sheet.addRow(['学校名称', '学校类型', '所属地区代码']);
  for (let i = 0; i < ROWS; i++)
    sheet.addRow([`鼓楼区断电测试学校${String(i).padStart(5, '0')}`, '小学', '350102']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('a school import killed mid-write (SIGKILL) is settled when the server starts again', function () {
  this.timeout(600_000);
  let uri: string;
  let dataDir: string;
  let child: Child | undefined;

  before(async () => {
    uri = databaseUri(testServer().uri, uniqueDbName('import_crash'));
    dataDir = mkdtempSync(join(tmpdir(), 'eduprogress-crash-'));
    await mongoose.connect(uri, { autoIndex: false });
  });
  after(async () => {
    child?.process.kill('SIGKILL');
    await mongoose.connection.dropDatabase().catch(() => {});
    await mongoose.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function login(url: string): Promise<string> {
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account: 'crash_fz', password: 'Pass12345' }),
    });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  const upload = (url: string, token: string, file: Buffer) =>
    fetch(`${url}/api/v1/schools/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': XLSX },
      body: new Uint8Array(file),
    });

  it('rolls back the half-written import; the same file then imports whole and is listed at once', async () => {
    child = await startChild(uri, dataDir);
    await User.create({
      loginName: 'crash_fz',
      name: '福州市管理员',
      passwordHash: await hashPassword('Pass12345'),
      mustChangePassword: false,
      bindings: [regionRoleBinding('admin', '350100', ['000000', '350000'])],
    });
    const file = await importFile();
    const token = await login(child.url);
    const pending = upload(child.url, token, file).catch(() => null); // the answer never comes

    // Killed once schools are being written, well before the last.
    const deadline = Date.now() + 300_000;
    let written = 0;
    while (Date.now() < deadline) {
      const job = await SchoolImport.findOne({ state: 'writing' }).lean();
      written = job ? await School.countDocuments({ regionCode: '350102' }) : 0;
      if (written > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.process.kill('SIGKILL');
    await new Promise((r) => child!.process.once('exit', r));
    await pending;
    const left = await School.countDocuments({ regionCode: '350102' });
    expect(written, 'schools written when killed').to.be.greaterThan(0);
    expect(left, 'a half-written import before the restart').to.be.greaterThan(0).and.lessThan(ROWS);
    expect(await SchoolImport.countDocuments({ state: 'writing' })).to.equal(1);

    // Restart on the same database: the import is rolled back before the first request.
    child = await startChild(uri, dataDir);
    const job = await SchoolImport.findOne({}).lean();
    expect(job!.state).to.equal('rolledBack');
    expect(await School.countDocuments({ regionCode: '350102' })).to.equal(0);
    expect(await User.countDocuments({ 'bindings.kind': 'school' })).to.equal(0);
    const audit = await AuditEntry.findOne({ targetId: job!._id }).lean();
    expect(audit).to.deep.include({ action: 'school.importRolledBack', actorName: '福州市管理员' });

    // The same file is not refused as duplicates, and its schools are in the list at once.
    const token2 = await login(child.url);
    const again = await upload(child.url, token2, file);
    const body = (await again.json()) as { created: number };
    expect(again.status, JSON.stringify(body).slice(0, 300)).to.equal(201);
    expect(body.created).to.equal(ROWS);
    const list = await fetch(`${child.url}/api/v1/schools?region=350102&page=1&pageSize=20`, {
      headers: { Authorization: `Bearer ${token2}` },
    });
    const page = (await list.json()) as { total: number };
    expect(page.total).to.equal(ROWS);
    child.process.kill('SIGTERM');
    await new Promise((r) => child!.process.once('exit', r));
    child = undefined;
  });
});
