// `_id` look-ups and writes at 500 and at 50,000 documents on FerretDB/SQLite, with our patches and,
// when an unpatched binary is in the cache (`<CACHE_DIR>/ferretdb/<version>/ferretdb`, built by older
// checkouts), without them. Median of 15 operations on late documents.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { repoRoot } from '../server/src/config';
import {
  ensureFerretDbBinary,
  FERRETDB_VERSIONS,
  startFerretDb,
  type FerretDbBinary,
} from '../server/src/db/ferretdb';
import { fmt, percentile } from './harness';

const SIZES = [500, 50_000];

async function measure(binary: FerretDbBinary, label: string): Promise<void> {
  const ferret = await startFerretDb({ binary });
  const client = new MongoClient(ferret.uri, { timeoutMS: 120_000 });
  try {
    const db = client.db('bench_id');
    for (const size of SIZES) {
      const coll = db.collection<{ _id: string; n: number; regionCode: string; name: string }>(`c${size}`);
      for (let i = 0; i < size; i += 5000) {
        const docs = [];
        for (let j = i; j < Math.min(size, i + 5000); j++)
          docs.push({ _id: `k${String(j).padStart(6, '0')}`, n: 0, regionCode: '110101', name: `学校${j}` });
        await coll.insertMany(docs);
      }
      const times = { findOne: [] as number[], updateOne: [] as number[] };
      for (let round = 0; round < 15; round++) {
        const _id = `k${String(size - 1 - round).padStart(6, '0')}`;
        let t = performance.now();
        await coll.findOne({ _id });
        times.findOne.push(performance.now() - t);
        t = performance.now();
        await coll.updateOne({ _id }, { $inc: { n: 1 } });
        times.updateOne.push(performance.now() - t);
      }
      console.log(
        `  ${label}, ${size} documents: findOne({_id}) median ${fmt(percentile(times.findOne, 50))}, updateOne({_id}) median ${fmt(percentile(times.updateOne, 50))}`,
      );
    }
  } finally {
    await client.close();
    await ferret.stop();
  }
}

export async function benchIdWrites(): Promise<void> {
  const cacheDir = process.env.CACHE_DIR || path.join(repoRoot, '.cache');
  const patched = await ensureFerretDbBinary(cacheDir);
  await measure(patched, `FerretDB ${patched.version} (SQLite), patched`);
  const plain = FERRETDB_VERSIONS.map((version) => ({
    version,
    path: path.join(cacheDir, 'ferretdb', version, 'ferretdb'),
  })).find((b) => existsSync(b.path));
  if (plain) await measure(plain, `FerretDB ${plain.version} (SQLite), unpatched`);
  else console.log('  (no unpatched binary in the cache: only the patched figures)');
}
