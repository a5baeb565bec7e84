// Teacher training at a province's scale (issue 5): 福建省's 84 counties, ~450,000 teachers, a
// 150,000-row platform export imported, then the by-region statistics, the by-teacher pages and the
// streamed export of all 150,000 rows. BENCH_SCALE (default 1) scales the schools per county.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../server/src/config';
import { User } from '../server/src/accounts/model';
import { hashPassword } from '../server/src/accounts/passwords';
import { generateScaleDocuments } from '../server/src/demo/scale';
import { Region } from '../server/src/regions/model';
import { School } from '../server/src/schools/model';
import { Teacher, type TeacherDoc } from '../server/src/teachers/model';
import { rebuildTeacherDirectory } from '../server/src/teachers/service';
import { bearerFor, fmt, percentile, startBenchServer } from './harness';

const TEACHERS_PER_SCHOOL = 36;
const FULL_SCALE_SCHOOLS_PER_COUNTY = 150; // 84 × 150 × 36 = 453,600 teachers
const HOUR_CAP = 10;

/** A teacher as the bench keeps it between generation and the directory build: one string. */
type Packed = string;
const pack = (t: TeacherDoc) =>
  [
    t.mobile,
    String(t._id),
    t.name,
    t.regionPath.join(','),
    String(t.schoolId),
    t.stage,
    t.subject,
    t.verification,
    t.title,
    t.createdAt.getTime(),
  ].join('\t');
function unpack(p: Packed): TeacherDoc {
  const [mobile, id, name, path, schoolId, stage, subject, verification, title, createdAt] = p.split('\t');
  return {
    _id: id,
    mobile,
    name,
    regionPath: path.split(','),
    schoolId,
    stage,
    subject,
    verification,
    title,
    createdAt: new Date(Number(createdAt)),
  } as unknown as TeacherDoc;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const clock = () => new Date();

/** `npm start` in a child process on the bench's database; its peak RSS read from /proc (VmHWM). */
async function startServerProcess(uri: string, dbName: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      MONGODB_URI: uri,
      DB_NAME: dbName,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DATA: '0',
      LOG_LEVEL: 'silent',
      ADMIN_INITIAL_PASSWORD: 'Admin12345',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/health/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server process exited (${code}): ${out}`)));
  });
  const status = (field: string) => {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return {
    url,
    rssMb: () => status('VmRSS'),
    peakMb: () => status('VmHWM'),
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Peak RSS sampled every 20 ms while `fn` runs (the server runs in this process). */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number; baseMb: number }> {
  const baseMb = process.memoryUsage().rss / 2 ** 20;
  let peak = baseMb;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
  }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
    return { result, peakMb: peak, baseMb };
  } finally {
    clearInterval(timer);
  }
}

export async function benchTraining(): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const schoolsPerCounty = Math.max(1, Math.round(FULL_SCALE_SCHOOLS_PER_COUNTY * scale));
  const bench = await startBenchServer('bench_training');
  const url = `${bench.server.url}/api/v1`;
  const backend = bench.server.database.description;
  try {
    // ---- data: schools and teachers of 福建省, written straight into the collections
    let started = performance.now();
    const schoolNames = new Map<string, string>();
    let teachers: Packed[] = [];
    const writes: Promise<unknown>[] = [];
    for (const batch of generateScaleDocuments({
      provinces: ['35'],
      schoolsPerCounty,
      teachersPerSchool: TEACHERS_PER_SCHOOL,
      seed: 2024,
      batchSize: 5000,
    })) {
      if (batch.collection === 'schools') {
        for (const s of batch.docs) schoolNames.set(String(s._id), s.name);
        writes.push(School.collection.insertMany(batch.docs as any, { ordered: false }));
      } else if (batch.collection === 'teachers') {
        for (const t of batch.docs) teachers.push(pack(t));
        writes.push(Teacher.collection.insertMany(batch.docs as any, { ordered: false }));
      }
      if (writes.length >= 2) await writes.shift();
    }
    await Promise.all(writes);
    const generateSeconds = (performance.now() - started) / 1000;
    console.log(
      `data: ${schoolNames.size} schools, ${teachers.length} teachers in 84 counties written in ${generateSeconds.toFixed(1)} s (BENCH_SCALE=${scale})`,
    );

    started = performance.now();
    await rebuildTeacherDirectory(clock, teachers.map(unpack), schoolNames);
    console.log(
      `teacher directory from the generated teachers: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // ---- the platform export: every third teacher took part
    const random = rng(7);
    const lines = ['账号,姓名,所在学校,获得学时,实际学习时长'];
    for (let i = 0; i < teachers.length; i += 3) {
      const [mobile, , name, , schoolId] = teachers[i].split('\t');
      const r = random();
      // ~55% reach the cap (some above it), ~1% never start, the rest somewhere between.
      const hours =
        r < 0.01 ? 0 : r < 0.56 ? HOUR_CAP + (random() < 0.2 ? 2 : 0) : Math.round(random() * 95) / 10;
      const seconds = Math.round(hours * 3000 + random() * 1800);
      const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
      const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
      const ss = String(seconds % 60).padStart(2, '0');
      lines.push(`${mobile},${name},${schoolNames.get(schoolId)},${hours},${hh}:${mm}:${ss}`);
    }
    const csv = Buffer.from(lines.join('\n'), 'utf8');
    // The next day's export: everyone studied a little more (every row changes).
    const nextDay = Buffer.from(
      lines
        .map((line, i) => {
          if (i === 0) return line;
          const f = line.split(',');
          const hours = Number(f[3]);
          const [h, m, s] = f[4].split(':').map(Number);
          const seconds = h * 3600 + m * 60 + s + 900;
          f[3] = String(hours < HOUR_CAP ? Math.min(HOUR_CAP, hours + 0.5) : hours);
          f[4] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60]
            .map((n) => String(n).padStart(2, '0'))
            .join(':');
          return f.join(',');
        })
        .join('\n'),
      'utf8',
    );
    const rows = lines.length - 1;
    const teacherCount = teachers.length;
    lines.length = 0;
    teachers = [];

    // ---- an admin, a training, full-time teacher counts
    await User.create({
      loginName: 'bench-fj',
      name: '福建专项',
      passwordHash: await hashPassword('Bench12345'),
      bindings: [{ kind: 'region', role: 'special', regionCode: '350000', regionPath: ['000000'] }],
    });
    const auth = await bearerFor(url, 'bench-fj', 'Bench12345');
    const api = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${url}${path}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
      const body = await res.text();
      if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${body}`);
      return JSON.parse(body);
    };
    const training = await api('/trainings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: '2023年“暑期教师研修”专题',
        startAt: '2023-07-01',
        endAt: '2099-08-31',
        hourCap: HOUR_CAP,
      }),
    });
    const cities = ['350100', '350200', '350300', '350400', '350500', '350600', '350700', '350800', '350900'];
    for (const code of ['350000', ...cities]) {
      await api(`/regions/${code}/full-time-teachers`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        // Every teacher of the province is full-time; the cities get an even share.
        body: JSON.stringify({ count: Math.round(teacherCount / (code === '350000' ? 1 : 9)) }),
      });
    }

    // ---- import
    const importOnce = async (file = csv) => {
      const t0 = performance.now();
      const summary = await api(`/trainings/${training.id}/records/import`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv' },
        body: file,
      });
      return { summary, seconds: (performance.now() - t0) / 1000 };
    };
    const { result: first, peakMb: importPeak } = await withPeakRss(importOnce);
    console.log(
      `import of ${rows} CSV rows (${(csv.length / 2 ** 20).toFixed(1)} MB): ${first.seconds.toFixed(1)} s = ${Math.round(rows / first.seconds)} rows/s ` +
        `(created ${first.summary.created}, failed ${first.summary.failed}, capped ${first.summary.capped}; ` +
        `ms: ${JSON.stringify(first.summary.timings)}; peak RSS ${importPeak.toFixed(0)} MB)`,
    );
    const again = await importOnce();
    console.log(
      `re-import of the same file: ${again.seconds.toFixed(1)} s (unchanged ${again.summary.unchanged}, created ${again.summary.created}, ` +
        `updated ${again.summary.updated}; ms: ${JSON.stringify(again.summary.timings)})`,
    );

    const changed = await importOnce(nextDay);
    console.log(
      `re-import with every row changed (the next day's export): ${changed.seconds.toFixed(1)} s = ` +
        `${Math.round(rows / changed.seconds)} rows/s (updated ${changed.summary.updated}; ms: ${JSON.stringify(changed.summary.timings)})`,
    );

    // ---- by-region statistics
    const counties = (
      await Region.find({ level: 'county', path: '350000' }, { _id: 1 }).sort({ _id: 1 }).lean()
    )
      .filter((_, i) => i % 8 === 0)
      .map((r) => r._id)
      .slice(0, 10);
    const statsPaths: string[] = [];
    for (let i = 0; i < 100; i++) {
      const region = i % 10 === 0 ? '350000' : i % 2 ? cities[i % 9] : counties[i % 10];
      const filter =
        i % 3 === 0
          ? ''
          : i % 3 === 1
            ? '&stage=%E5%B0%8F%E5%AD%A6'
            : '&subject=%E8%AF%AD%E6%96%87&includeUnverified=false';
      statsPaths.push(`/trainings/${training.id}/stats?region=${region}${filter}`);
    }
    const statsTimes: number[] = [];
    for (const path of statsPaths) {
      const t0 = performance.now();
      await api(path);
      statsTimes.push(performance.now() - t0);
    }
    const province = await api(`/trainings/${training.id}/stats`);
    console.log(
      `by-region stats (${statsTimes.length} requests: province, cities, counties; with and without filters): ` +
        `p50 ${fmt(percentile(statsTimes, 50))}, p95 ${fmt(percentile(statsTimes, 95))} — 福建省 ${province.total.participants} participants, ` +
        `completion ${province.total.completionRate}%`,
    );

    // ---- by-teacher pages (the importing instance holds the new roster decoded; a fresh instance is
    // measured below)
    for (const [label, query] of [
      ['page 1', 'page=1&pageSize=10&stage=%E5%B0%8F%E5%AD%A6'],
      ['page 1,000', 'page=1000&pageSize=10&stage=%E5%B0%8F%E5%AD%A6'],
      ['page 1,000 in a city', 'region=350100&page=1000&pageSize=10'],
      ['name search', 'q=%E5%BC%A0&page=1&pageSize=10'],
    ]) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        total = (await api(`/trainings/${training.id}/teachers?${query}`)).total;
        times.push(performance.now() - t0);
      }
      console.log(
        `by-teacher ${label} (${query}): first ${fmt(times[0])}, p50 ${fmt(percentile(times, 50))}, p95 ${fmt(percentile(times, 95))} of 20; total ${total}`,
      );
    }

    // ---- a school admin's verification page and one verification: `{schoolId}` and `_id` queries on
    // the 450,000 teachers (indexed on MongoDB; see the notes on FerretDB/SQLite in training/model.ts)
    const someSchool = await School.findOne({ regionCode: counties[0] }).lean();
    await User.create({
      loginName: 'bench-school',
      name: '学校管理员',
      passwordHash: await hashPassword('Bench12345'),
      bindings: [
        {
          kind: 'school',
          role: 'admin',
          schoolId: someSchool!._id,
          regionCode: someSchool!.regionCode,
          regionPath: someSchool!.regionPath,
        },
      ],
    });
    const schoolAuth = await bearerFor(url, 'bench-school', 'Bench12345');
    let t1 = performance.now();
    const pendingList = await fetch(`${url}/schools/${someSchool!._id}/teachers?status=pending`, {
      headers: schoolAuth,
    }).then((r) => r.json() as Promise<{ total: number; items: { id: string }[] }>);
    const listMs = performance.now() - t1;
    // Each approval writes the teacher, its directory patch, its training records, rollups and roster
    // patches: all `_id` writes, timed one by one (a background job holding SQLite's write lock shows).
    const approvals: number[] = [];
    for (const item of pendingList.items.slice(0, 5)) {
      t1 = performance.now();
      const res = await fetch(`${url}/teachers/${item.id}/verify`, {
        method: 'POST',
        headers: { ...schoolAuth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
      if (res.status !== 200) throw new Error(`approval failed: ${res.status}`);
      approvals.push(performance.now() - t1);
    }
    console.log(
      `school verification page (${pendingList.total} pending): ${fmt(listMs)}; approvals (teacher, directory, ` +
        `training records, rollups, roster patches), one by one: ${approvals.map(fmt).join(', ')}`,
    );

    // ---- a second server instance, fresh: the first by-teacher page decodes the roster there, and the
    // export's memory is that process's own (this one also holds the generator's data)
    const fresh = await startServerProcess(bench.database.uri, 'bench_training');
    try {
      const freshApi = (path: string) => fetch(`${fresh.url}/api/v1${path}`, { headers: auth });
      await (await freshApi(`/trainings/${training.id}`)).arrayBuffer(); // regions and session, not the roster
      const idleMb = fresh.rssMb();
      let t0 = performance.now();
      const res = await freshApi(`/trainings/${training.id}/teachers/export?region=350000`);
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      console.log(
        `export of ${province.total.participants} teacher rows as XLSX: ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
          `${(bytes / 2 ** 20).toFixed(1)} MB, status ${res.status}; server process peak RSS ${fresh.peakMb().toFixed(0)} MB ` +
          `(${idleMb.toFixed(0)} MB idle before it)`,
      );
      t0 = performance.now();
      await (await freshApi(`/trainings/${training.id}/teachers?page=1&pageSize=10`)).arrayBuffer();
      console.log(
        `by-teacher page 1 on that instance, which decodes the roster first: ${fmt(performance.now() - t0)}; ` +
          `RSS then ${fresh.rssMb().toFixed(0)} MB`,
      );
    } finally {
      await fresh.stop();
    }

    // ---- the nightly reconcile
    const t0 = performance.now();
    const recount = await api(`/trainings/${training.id}/recount`, { method: 'POST' });
    console.log(`recount from ${recount.records} records: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`backend: ${backend}`);
  } finally {
    await bench.stop();
  }
}
