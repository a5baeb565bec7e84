// Issue 13's figures: a statistics category page for a province of ~20,000 schools (p95), how soon a
// submission shows in the province's figures, and a full recount of the province (and of the nation,
// with only that province holding data) with time and peak RSS — on the backend named in each line.
import { User } from '../server/src/accounts/model';
import { hashPassword } from '../server/src/accounts/passwords';
import { systemClock } from '../server/src/clock';
import { Rng } from '../server/src/demo/rng';
import { demoSchoolReportData } from '../server/src/demo/world';
import { Report, type ReportDoc } from '../server/src/reports/model';
import { School } from '../server/src/schools/model';
import { applyReportChange, rebuildStatistics } from '../server/src/statistics/rollups';
import { CLOSED_SCHOOL_STATUSES, periodContaining, SCHOOL_FORM_CURRENT_VERSION } from '../shared/src';
import { benchApi, fmt, percentile, startBenchServer, writeFujianOf20000 } from './harness';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Runs `task` while sampling the process RSS every 20 ms; returns its time and the peak seen. */
async function measured<T>(
  task: () => Promise<T>,
): Promise<{ result: T; ms: number; peakRss: number; startRss: number }> {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const t = performance.now();
  try {
    const result = await task();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { result, ms: performance.now() - t, peakRss, startRss };
  } finally {
    clearInterval(timer);
  }
}

/** Version-2 school data: the demo's version-1 fields plus the fields the statistics pages added. */
function reportData(rng: Rng): Record<string, unknown> {
  const base = demoSchoolReportData(rng) as Record<string, any>;
  return {
    ...base,
    metroConnected: rng.chance(0.7),
    ledSchools: rng.chance(0.2) ? rng.int(1, 5) : 0,
    onlineSchool: rng.chance(0.3),
    schoolSpace: rng.chance(0.6),
    lessonsShared: rng.int(0, 20),
    teachersSharing: Math.min(base.teachers, rng.int(0, 10)),
  };
}

export async function benchStatistics(): Promise<void> {
  const bench = await startBenchServer('bench_statistics');
  const backend = bench.server.database.description;
  const api = benchApi(bench);
  try {
    const { counties, written } = await writeFujianOf20000();
    const hash = await hashPassword('Bench12345');
    await User.create({
      loginName: 'fj',
      name: '福建',
      passwordHash: hash,
      mustChangePassword: false,
      bindings: [{ kind: 'region', role: 'inspector', regionCode: '350000', regionPath: ['000000'] }],
    });
    const login = async (account: string) =>
      (
        (await (
          await fetch(`${bench.server.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ account, password: 'Bench12345' }),
          })
        ).json()) as { accessToken: string }
      ).accessToken;
    const fj = await login('fj');
    const period = ((await (await api('/periods/current', fj)).json()) as { period: string }).period;

    // Every school has a submitted report of the period being reported.
    let t = performance.now();
    const rng = new Rng(13);
    const now = new Date();
    let batch: any[] = [];
    let reports = 0;
    let firstSchool: any;
    for await (const s of School.find({ regionPath: '350000' }, { regionCode: 1, regionPath: 1, status: 1 })
      .lean()
      .cursor()) {
      // The school that submits later must be one that counts (the generator closes ~6% of schools).
      if (!CLOSED_SCHOOL_STATUSES.includes(s.status)) firstSchool ??= s;
      batch.push({
        _id: `${period}:school:${s._id}`,
        period,
        unitKind: 'school',
        schoolId: s._id,
        regionCode: s.regionCode,
        regionPath: s.regionPath,
        state: 'submitted',
        autoSubmitted: false,
        confirmedNoChange: false,
        formVersion: SCHOOL_FORM_CURRENT_VERSION,
        data: reportData(rng),
        issues: [],
        history: [],
        version: 1,
        submittedAt: now,
        createdAt: now,
        updatedAt: now,
      });
      if (batch.length === 1000) {
        await Report.collection.insertMany(batch, { ordered: false });
        reports += batch.length;
        batch = [];
      }
    }
    if (batch.length) await Report.collection.insertMany(batch, { ordered: false });
    reports += batch.length;
    console.log(
      `province 350000: ${written.counts.schools} schools in ${counties} county-level regions, ${reports} submitted reports of ${period} (written in ${fmt(written.elapsedMs + performance.now() - t)})`,
    );

    const province = await measured(() => rebuildStatistics(systemClock, period, '350000'));
    console.log(
      `full recount of the province's statistics (${period}, ${province.result.regions} regions, ${province.result.reports} reports): ${fmt(province.ms)}, peak RSS ${mb(province.peakRss)} (${mb(province.startRss)} before) — on ${backend}`,
    );

    for (const category of ['schoolNet', 'teachingPoint']) {
      const samples: number[] = [];
      for (let i = 0; i < 60; i++) {
        t = performance.now();
        const res = await api(`/regions/350000/statistics?period=${period}&category=${category}`, fj);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`statistics: ${res.status}`);
        samples.push(performance.now() - t);
      }
      console.log(
        `GET /regions/350000/statistics?category=${category} (${written.counts.schools} schools, 60 requests): p50 ${fmt(percentile(samples, 50))}, p95 ${fmt(percentile(samples, 95))} — on ${backend}`,
      );
    }
    const filtered: number[] = [];
    for (let i = 0; i < 60; i++) {
      t = performance.now();
      const res = await api(
        `/regions/350000/statistics?period=${period}&category=schoolNet&schoolType=${encodeURIComponent('小学')}&urbanRural=${encodeURIComponent('乡村')}`,
        fj,
      );
      await res.arrayBuffer();
      filtered.push(performance.now() - t);
    }
    console.log(
      `  the same page filtered by 学校类型 and 城乡类型: p50 ${fmt(percentile(filtered, 50))}, p95 ${fmt(percentile(filtered, 95))}`,
    );

    // A submission of the period under way (always workable) and the moment the province shows it.
    const school = firstSchool;
    await User.create({
      loginName: 'sch',
      name: '学校',
      passwordHash: hash,
      mustChangePassword: false,
      bindings: [
        {
          kind: 'school',
          role: 'admin',
          schoolId: school._id,
          regionCode: school.regionCode,
          regionPath: school.regionPath,
        },
      ],
    });
    const sch = await login('sch');
    const q = periodContaining(new Date(), 'quarterly').name;
    const read = async (period: string) => {
      const res = await api(`/regions/350000/statistics?period=${period}&category=schoolNet`, fj);
      const body = (await res.json()) as { total: { units: number }; counting: boolean };
      if (res.status !== 200) throw new Error(`statistics answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    };
    /** A first look: the first answer's time and whether it was still counting, then the time until counted. */
    const firstLook = async (period: string, what: string) => {
      t = performance.now();
      const first = await read(period);
      const answered = performance.now() - t;
      let counted = first;
      while (counted.counting) {
        if (performance.now() - t > 600_000) throw new Error(`${period} still counting after 10 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        counted = await read(period);
      }
      console.log(
        `  first look at ${period} (${what}): answered in ${fmt(answered)}${first.counting ? ' marked counting' : ''}; counted (background build under a lease) after ${fmt(performance.now() - t)}`,
      );
      return counted.total.units;
    };
    // The rollup-builds job built the workable periods at start; an old period is built on first look.
    const before = await firstLook(q, 'a workable period, built by the rollup-builds job');
    await firstLook('2025Q2', 'a past period never counted');
    const unitsNow = async () => (await read(q)).total.units;
    const put = await api(`/schools/${school._id}/reports/${q}`, sch, {
      method: 'PUT',
      body: { data: reportData(new Rng(1)) },
    });
    if (put.status !== 200) throw new Error(`save failed: ${put.status} ${await put.text()}`);
    t = performance.now();
    const submit = await api(`/schools/${school._id}/reports/${q}/submit`, sch, { method: 'POST' });
    if (submit.status !== 200) throw new Error(`submit failed: ${submit.status} ${await submit.text()}`);
    const submitMs = performance.now() - t;
    for (;;) {
      if ((await unitsNow()) === before + 1) break;
      if (performance.now() - t > 10_000) throw new Error('submission not visible within 10 s');
    }
    console.log(
      `a school submission visible in the province's statistics after ${fmt(performance.now() - t)} (submit request ${fmt(submitMs)} included) — on ${backend}`,
    );

    // The statistics' own share of a submission: the change applied once more alone, then undone.
    const report = (await Report.findById(`${q}:school:${school._id}`).lean<ReportDoc>())!;
    const change = (before: ReportDoc, after: ReportDoc) =>
      applyReportChange({
        period: q,
        unitKind: 'school',
        schoolId: String(school._id),
        regionCode: school.regionCode,
        state: after.state,
        previousState: before.state,
        before,
        after,
        at: new Date(),
      });
    const draft = { ...report, state: 'draft' as const };
    t = performance.now();
    await change(draft, report);
    const applyMs = performance.now() - t;
    t = performance.now();
    await change(report, draft);
    console.log(
      `  of which the statistics update (rollups of 4 levels × categories, and the units line): ${fmt(applyMs)} to add, ${fmt(performance.now() - t)} to take away`,
    );

    const nation = await measured(() => rebuildStatistics(systemClock, period, '000000'));
    console.log(
      `full recount of the nation's statistics (${period}, ${nation.result.regions} regions; only 350000 holds data): ${fmt(nation.ms)}, peak RSS ${mb(nation.peakRss)} — on ${backend}`,
    );
  } finally {
    await bench.stop();
  }
}
