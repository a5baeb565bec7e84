// `npm run seed`: seeds (or repairs) the regions on the configured database. Idempotent.
import mongoose from 'mongoose';
import { loadConfig } from '../config';
import { lockDataDir } from '../db/data-lock';
import { databaseUri, provisionDatabase } from '../db/provision';
import { syncAllIndexes } from '../db/indexes';
import { seedRegions } from '../regions/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  // The data folder's database is started here too: not while a server (or another seed) uses it.
  const lock = await lockDataDir(config.dataDir);
  const db = await provisionDatabase({
    purpose: 'start',
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    log: (line) => console.log(line),
  }).catch(async (err) => {
    await lock.release();
    throw err;
  });
  try {
    await lock.recordDatabase(db.pids);
    const named = new URL(db.uri).pathname.replace(/^\//, '');
    await mongoose.connect(named ? db.uri : databaseUri(db.uri, config.dbName));
    await syncAllIndexes();
    const res = await seedRegions();
    console.log(`地区：共 ${res.total} 个，新增 ${res.inserted} 个，更新 ${res.updated} 个`);
  } finally {
    await mongoose.disconnect();
    await db.stop();
    await lock.release();
  }
}

main().catch((err) => {
  console.error('初始化地区失败：', err instanceof Error ? err.message : err);
  process.exit(1);
});
