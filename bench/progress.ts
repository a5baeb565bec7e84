// Issue 4's figures: progress of a province with ~20,000 schools (p95), how soon a submission shows in
// the province totals, and a full recount of the province's rollups.
import { User } from '../server/src/accounts/model';
import { hashPassword } from '../server/src/accounts/passwords';
import { School } from '../server/src/schools/model';
import { recountProgress } from '../server/src/reports/progress';
import { systemClock } from '../server/src/clock';
import { periodContaining } from '../shared/src';
import { benchApi, fmt, percentile, startBenchServer, writeFujianOf20000 } from './harness';

export async function benchProgress(): Promise<void> {
  const bench = await startBenchServer('bench_progress');
  const api = benchApi(bench);
  try {
    const { counties, written } = await writeFujianOf20000();
    const schools = await School.countDocuments({ regionPath: '350000' });
    console.log(
      `province 350000: ${schools} schools in ${counties} county-level regions (written in ${fmt(written.elapsedMs)})`,
    );

    const hash = await hashPassword('Bench12345');
    await User.create({
      loginName: 'fj',
      name: '福建',
      passwordHash: hash,
      mustChangePassword: false,
      bindings: [{ kind: 'region', role: 'admin', regionCode: '350000', regionPath: ['000000'] }],
    });
    const school = (await School.findOne({ regionPath: '350000' }).lean())!;
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
    const sch = await login('sch');

    const period = ((await (await api('/periods/current', fj)).json()) as { period: string }).period;
    let t = performance.now();
    await recountProgress(systemClock, period, '350000');
    console.log(
      `full recount of the province's rollups (${period}): ${fmt(performance.now() - t)} — on ${bench.server.database.description}`,
    );

    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      t = performance.now();
      const res = await api(`/regions/350000/progress?period=${period}`, fj);
      await res.arrayBuffer();
      samples.push(performance.now() - t);
    }
    console.log(
      `GET /regions/350000/progress (${schools} schools, 60 requests): p50 ${fmt(percentile(samples, 50))}, p95 ${fmt(percentile(samples, 95))} — on ${bench.server.database.description}`,
    );

    // A submission of the period under way (always workable) and the moment the province totals show it.
    const q = periodContaining(new Date(), 'quarterly').name;
    const before = (
      (await (await api(`/regions/350000/progress?period=${q}`, fj)).json()) as {
        totals: { submitted: number };
      }
    ).totals.submitted;
    const { demoSchoolReportData } = await import('../server/src/demo/world');
    const { Rng } = await import('../server/src/demo/rng');
    await api(`/schools/${school._id}/reports/${q}`, sch, {
      method: 'PUT',
      body: { data: demoSchoolReportData(new Rng(1)) },
    });
    t = performance.now();
    const submit = await api(`/schools/${school._id}/reports/${q}/submit`, sch, { method: 'POST' });
    if (submit.status !== 200) throw new Error(`submit failed: ${submit.status} ${await submit.text()}`);
    for (;;) {
      const after = (
        (await (await api(`/regions/350000/progress?period=${q}`, fj)).json()) as {
          totals: { submitted: number };
        }
      ).totals.submitted;
      if (after === before + 1) break;
      if (performance.now() - t > 10_000) throw new Error('submission not visible within 10 s');
    }
    console.log(
      `a school submission visible in the province totals after ${fmt(performance.now() - t)} (submit request included)`,
    );
  } finally {
    await bench.stop();
  }
}
