// Soak (issue 9, "the database wedges"): the national progress recount runs back to back (bulk writes
// of 500 upserts, the load under which FerretDB used to stop answering) while clients send a steady
// mix of reads and writes over HTTP, each with a client-side time limit. Prints a line a minute and a
// summary: requests, p95, failed and hung requests (hung = no answer within the client's limit).
//   SOAK_MINUTES (default 40), SOAK_CLIENTS (6), SOAK_CLIENT_TIMEOUT_MS (60000),
//   SOAK_SCHOOLS_PER_COUNTY (20, in province 35)
import { User } from '../server/src/accounts/model';
import { hashPassword } from '../server/src/accounts/passwords';
import { systemClock } from '../server/src/clock';
import { Rng } from '../server/src/demo/rng';
import { writeScale } from '../server/src/demo/scale';
import { demoSchoolReportData } from '../server/src/demo/world';
import { Region } from '../server/src/regions/model';
import { recountProgress } from '../server/src/reports/progress';
import { School } from '../server/src/schools/model';
import { NATIONAL_CODE, periodContaining } from '../shared/src';
import { fmt, percentile, startBenchServer } from './harness';

function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

interface Outcome {
  kind: string;
  ms: number;
  status: number | 'hung' | 'error';
}

export async function benchSoak(): Promise<void> {
  const minutes = envInt('SOAK_MINUTES', 40);
  const clients = envInt('SOAK_CLIENTS', 6);
  const clientTimeoutMs = envInt('SOAK_CLIENT_TIMEOUT_MS', 60_000);
  const perCounty = envInt('SOAK_SCHOOLS_PER_COUNTY', 20);
  const bench = await startBenchServer('bench_soak');
  const base = `${bench.server.url}/api/v1`;
  try {
    const written = await writeScale({
      provinces: ['35'],
      schoolsPerCounty: perCounty,
      teachersPerSchool: 0,
      seed: 9,
    });
    const regions = await Region.countDocuments({});
    const counties = (await Region.find({ countyLevel: true, path: '350000' }, { _id: 1 }).lean()).map((r) =>
      String(r._id),
    );
    const schools = await School.find({ regionPath: '350000' }, { _id: 1, regionCode: 1, regionPath: 1 })
      .limit(40)
      .lean();
    const hash = await hashPassword('Bench12345');
    await User.create({
      loginName: 'soak_fj',
      name: '福建',
      passwordHash: hash,
      mustChangePassword: false,
      bindings: [{ kind: 'region', role: 'admin', regionCode: '350000', regionPath: ['000000'] }],
    });
    await User.insertMany(
      schools.map((s, i) => ({
        loginName: `soak_s${i}`,
        name: `学校${i}`,
        passwordHash: hash,
        mustChangePassword: false,
        bindings: [
          {
            kind: 'school',
            role: 'admin',
            schoolId: s._id,
            regionCode: s.regionCode,
            regionPath: s.regionPath,
          },
        ],
      })),
    );
    const login = async (account: string): Promise<string> => {
      const res = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ account, password: 'Bench12345' }),
      });
      if (res.status !== 200) throw new Error(`login ${account}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const province = await login('soak_fj');
    const schoolTokens = await Promise.all(schools.map((_, i) => login(`soak_s${i}`)));
    const period = (
      (await (
        await fetch(`${base}/periods/current`, { headers: { Authorization: `Bearer ${province}` } })
      ).json()) as { period: string }
    ).period;
    const quarter = periodContaining(new Date(), 'quarterly').name;
    console.log(
      `soak: ${minutes} min, ${clients} clients (limit ${clientTimeoutMs} ms each request), national recount of ${regions} regions back to back; ` +
        `${written.counts.schools} schools in province 35 — on ${bench.server.database.description}`,
    );

    const outcomes: Outcome[] = [];
    // Every distinct failure, counted, and printed the first time it is seen.
    const failures = new Map<string, number>();
    const note = (what: string) => {
      if (!failures.has(what)) console.log(`  first seen: ${what}`);
      failures.set(what, (failures.get(what) ?? 0) + 1);
    };
    const request = async (
      kind: string,
      path: string,
      token: string,
      init: { method?: string; body?: unknown } = {},
    ) => {
      const started = performance.now();
      let status: Outcome['status'];
      try {
        const res = await fetch(`${base}${path}`, {
          method: init.method ?? 'GET',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: AbortSignal.timeout(clientTimeoutMs),
        });
        const text = await res.text();
        status = res.status;
        if (status >= 400) note(`${kind}: ${status} ${text.slice(0, 160)}`);
      } catch (err) {
        status = (err as Error).name === 'TimeoutError' ? 'hung' : 'error';
        note(`${kind}: ${status} ${(err as Error).message}`);
      }
      outcomes.push({ kind, ms: performance.now() - started, status });
    };

    const endAt = Date.now() + minutes * 60_000;
    const rng = new Rng(42);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rng.next() * xs.length)];
    const client = async (c: number) => {
      let n = 0;
      while (Date.now() < endAt) {
        const r = rng.next();
        if (r < 0.3) await request('read progress 35', `/regions/350000/progress?period=${period}`, province);
        else if (r < 0.5)
          await request(
            'read progress county',
            `/regions/${pick(counties)}/progress?period=${period}`,
            province,
          );
        else if (r < 0.6) await request('read school list', `/schools?region=${pick(counties)}`, province);
        else if (r < 0.7) await request('health', '/health', province);
        else {
          const i = (c * 7 + n++) % schools.length;
          await request('write draft', `/schools/${schools[i]._id}/reports/${quarter}`, schoolTokens[i], {
            method: 'PUT',
            body: { data: demoSchoolReportData(new Rng(n)) },
          });
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const recounts: number[] = [];
    let recountErrors = 0;
    const recountLoop = async () => {
      while (Date.now() < endAt) {
        const started = performance.now();
        try {
          await recountProgress(systemClock, period, NATIONAL_CODE);
          recounts.push(performance.now() - started);
        } catch (err) {
          recountErrors++;
          console.log(`  recount failed: ${(err as Error).message}`);
        }
      }
    };

    const summary = (list: Outcome[]) => {
      const hung = list.filter((o) => o.status === 'hung').length;
      const failed = list.filter(
        (o) => o.status === 'error' || (typeof o.status === 'number' && o.status >= 500),
      ).length;
      const other = list.filter(
        (o) => typeof o.status === 'number' && o.status >= 400 && o.status < 500,
      ).length;
      const ms = list.map((o) => o.ms);
      return `${list.length} requests, p50 ${fmt(percentile(ms, 50))}, p95 ${fmt(percentile(ms, 95))}, max ${fmt(Math.max(0, ...ms))}, failed ${failed}, hung ${hung}${other ? `, 4xx ${other}` : ''}`;
    };
    const started = Date.now();
    let seen = 0;
    const ticker = setInterval(() => {
      const slice = outcomes.slice(seen);
      seen = outcomes.length;
      console.log(
        `  [${((Date.now() - started) / 60_000).toFixed(1)} min] last minute: ${summary(slice)}; recounts ${recounts.length} (last ${fmt(recounts.at(-1) ?? 0)}), recount errors ${recountErrors}`,
      );
    }, 60_000);
    await Promise.all([recountLoop(), ...Array.from({ length: clients }, (_, c) => client(c))]);
    clearInterval(ticker);

    console.log(`soak result (${minutes} min): ${summary(outcomes)}`);
    const kinds = [...new Set(outcomes.map((o) => o.kind))];
    for (const kind of kinds) console.log(`  ${kind}: ${summary(outcomes.filter((o) => o.kind === kind))}`);
    for (const [what, n] of failures) console.log(`  ${n} × ${what}`);
    console.log(
      `  national recount (${regions} regions): ${recounts.length} runs, p50 ${fmt(percentile(recounts, 50))}, p95 ${fmt(percentile(recounts, 95))}, max ${fmt(Math.max(0, ...recounts))}, errors ${recountErrors}`,
    );
  } finally {
    await bench.stop();
  }
}
