// Benchmark-scale synthetic data:
//   tsx server/src/cli/generate.ts --schools-per-county N --teachers-per-school M [--provinces 35,36|all]
//     [--seed S] [--school-admins] [--batch-size B] [--concurrency C] [--dry-run]
// Writes to MONGODB_URI (database DB_NAME, default eduprogress_scale, when the URI names none), or to
// a throw-away database server provisioned like the tests do. --dry-run only generates, to measure
// the generator's speed and memory without a database.
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { hashPassword } from '../accounts/passwords';
import { repoRoot } from '../config';
import { syncAllIndexes } from '../db/indexes';
import { databaseUri, provisionDatabase, type ProvisionedDatabase } from '../db/provision';
import { SCHOOL_ADMIN_PASSWORD } from '../demo/world';
import {
  expectedScaleCounts,
  generateScaleDocuments,
  writeScale,
  type ScaleCounts,
  type ScaleOptions,
} from '../demo/scale';

const messages = {
  usage:
    '用法：tsx server/src/cli/generate.ts --schools-per-county N --teachers-per-school M ' +
    '[--provinces 35,36|all] [--seed 1] [--school-admins] [--batch-size 1000] [--concurrency 2] [--dry-run]',
  badInteger: (flag: string, value: string) => `参数 --${flag} 应为非负整数，当前为「${value}」`,
  plan: (c: ScaleCounts, dryRun: boolean) =>
    `计划生成：学校 ${c.schools}，教师 ${c.teachers}，学校管理员 ${c.users}${dryRun ? '（仅生成，不写库）' : ''}`,
  notEmpty: (n: number) =>
    `目标数据库已有 ${n} 所学校；规模数据只写入空库，请用 DB_NAME 指定一个新的数据库名`,
  database: (name: string) => `写入数据库：${name}`,
  progress: (done: number, total: number, seconds: number) =>
    `  已完成 ${done} / ${total}（${total ? Math.round((done / total) * 100) : 100}%），${seconds.toFixed(1)} 秒`,
  result: (c: ScaleCounts, seconds: number, rate: number, rssMb: number, dryRun: boolean) =>
    `${dryRun ? '已生成' : '已写入'} ${c.schools + c.teachers + c.users} 个文档（学校 ${c.schools}，教师 ${c.teachers}，` +
    `学校管理员 ${c.users}），用时 ${seconds.toFixed(2)} 秒，${Math.round(rate)} 文档/秒，峰值内存 RSS ${rssMb.toFixed(1)} MB`,
  failed: '生成失败：',
};

function integerFlag(values: Record<string, unknown>, flag: string, fallback?: number): number {
  const raw = values[flag];
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(messages.usage);
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(messages.badInteger(flag, String(raw)));
  return n;
}

/** Peak resident memory: the kernel's high-water mark plus our own 100 ms samples. */
function trackPeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      // maxRSS is in kilobytes.
      return Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    },
  };
}

const total = (c: ScaleCounts) => c.schools + c.teachers + c.users;

async function dryRun(opts: ScaleOptions, expected: ScaleCounts): Promise<ScaleCounts> {
  const counts: ScaleCounts = { schools: 0, teachers: 0, users: 0 };
  const started = performance.now();
  let lastReport = started;
  for (const batch of generateScaleDocuments(opts)) {
    counts[batch.collection] += batch.docs.length;
    // Let the RSS sampler run, as it would between database writes.
    await new Promise((resolve) => setImmediate(resolve));
    const now = performance.now();
    if (now - lastReport > 5000) {
      lastReport = now;
      console.log(messages.progress(total(counts), total(expected), (now - started) / 1000));
    }
  }
  return counts;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'schools-per-county': { type: 'string' },
      'teachers-per-school': { type: 'string' },
      provinces: { type: 'string', default: 'all' },
      seed: { type: 'string' },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      'school-admins': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(messages.usage);
    return;
  }
  const schoolAdmins = values['school-admins'] ?? false;
  const isDryRun = values['dry-run'] ?? false;
  const provinces =
    values.provinces === 'all' ? 'all' : (values.provinces ?? 'all').split(',').filter(Boolean);
  const opts: ScaleOptions = {
    provinces,
    schoolsPerCounty: integerFlag(values, 'schools-per-county'),
    teachersPerSchool: integerFlag(values, 'teachers-per-school'),
    seed: integerFlag(values, 'seed', 1),
    batchSize: integerFlag(values, 'batch-size', 1000) || 1000,
    schoolAdmins,
    // Hashed once and shared: bcrypt per user would dominate the run.
    passwordHash: schoolAdmins ? await hashPassword(SCHOOL_ADMIN_PASSWORD) : undefined,
  };
  const expected = expectedScaleCounts(opts);
  console.log(messages.plan(expected, isDryRun));

  const peak = trackPeakRss();
  let counts: ScaleCounts;
  let elapsedMs: number;
  let rssBytes = 0;
  let provisioned: ProvisionedDatabase | undefined;
  try {
    if (isDryRun) {
      const started = performance.now();
      counts = await dryRun(opts, expected);
      elapsedMs = performance.now() - started;
    } else {
      provisioned = await provisionDatabase({
        purpose: 'test',
        dataDir: path.join(repoRoot, 'data'),
        cacheDir: process.env.CACHE_DIR || path.join(repoRoot, '.cache'),
        log: (line) => console.log(line),
      });
      const namedDb = new URL(provisioned.uri).pathname.replace(/^\//, '');
      const dbName = namedDb || process.env.DB_NAME || 'eduprogress_scale';
      const uri = namedDb ? provisioned.uri : databaseUri(provisioned.uri, dbName);
      await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false });
      console.log(messages.database(dbName));
      // Real indexes make the write figures honest (unique checks cost time).
      await syncAllIndexes();
      const existing = await mongoose.connection.collection('schools').estimatedDocumentCount();
      if (existing > 0) throw new Error(messages.notEmpty(existing));
      let lastReport = performance.now();
      // Timed by writeScale itself: provisioning and index creation are not part of the figure.
      const concurrency = integerFlag(values, 'concurrency', 2) || 1;
      const result = await writeScale({ ...opts, concurrency }, (p) => {
        const now = performance.now();
        if (now - lastReport > 5000) {
          lastReport = now;
          console.log(messages.progress(total(p.written), total(p.expected), p.elapsedMs / 1000));
        }
      });
      counts = result.counts;
      elapsedMs = result.elapsedMs;
    }
  } finally {
    rssBytes = peak.stop();
    await mongoose.disconnect().catch(() => {});
    await provisioned?.stop();
  }
  const seconds = elapsedMs / 1000;
  const rssMb = rssBytes / (1024 * 1024);
  console.log(messages.result(counts, seconds, total(counts) / Math.max(seconds, 1e-9), rssMb, isDryRun));
}

main().catch((err) => {
  console.error(messages.failed, err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
