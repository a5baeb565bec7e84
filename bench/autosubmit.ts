// Issue 9's figures for jobs sized to the work: a deadline auto-submitted (county, city, province) over a
// province (or several: BENCH_PROVINCES=35,36) of generated schools, once with two instances racing, to
// the last unit; and the province's progress recount, full vs changed-only (the drift repair).
// BENCH_SCHOOLS_PER_COUNTY (default 168, the national average) sets the size. Prints an extrapolation to
// the nation (2,978 county-level regions) from the measured per-unit rates, labelled as such.
import { DEFAULT_CALENDAR } from '../shared/src';
import { writeScale, scaleCounties } from '../server/src/demo/scale';
import { Region } from '../server/src/regions/model';
import { runDueDeadlines } from '../server/src/reports/autosubmit';
import { Report } from '../server/src/reports/model';
import { markRollupChanged, recountProgress } from '../server/src/reports/progress';
import { repairPeriod } from '../server/src/reports/progress-repair';
import { School } from '../server/src/schools/model';
import { fmt, startBenchServer } from './harness';

const NATION_COUNTIES = 2_978;
const PERIOD = '2026Q4';

export async function benchAutosubmit(): Promise<void> {
  const provinces = (process.env.BENCH_PROVINCES ?? '35').split(',').map((p) => p.trim());
  const perCounty = Number(process.env.BENCH_SCHOOLS_PER_COUNTY ?? 168);
  let now = new Date('2027-01-06T00:00:30+08:00');
  const clock = () => new Date(now);
  const bench = await startBenchServer('bench_autosubmit', {}, { scheduler: false, clock });
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  try {
    const counties = scaleCounties(provinces).length;
    const written = await writeScale({
      provinces,
      schoolsPerCounty: perCounty,
      teachersPerSchool: 0,
      seed: 9,
    });
    const roots = provinces.map((p) => p.padEnd(6, '0'));
    console.log(
      `${written.counts.schools} schools in ${counties} county-level regions of ${roots.join(', ')} ` +
        `(written in ${fmt(written.elapsedMs)}) — on ${bench.server.database.description}`,
    );

    // The period as schools leave it at the county deadline: 55% drafts, 35% submitted, 10% never opened.
    let i = 0;
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      if (batch.length) await Report.collection.insertMany(batch as any[], { ordered: false });
      batch = [];
    };
    const at = new Date('2027-01-03T10:00:00+08:00');
    for await (const s of School.find({}, { regionCode: 1, regionPath: 1 }).lean().cursor()) {
      const roll = i++ % 20;
      if (roll < 2) continue;
      const submitted = roll >= 13;
      batch.push({
        _id: `${PERIOD}:school:${s._id}`,
        period: PERIOD,
        unitKind: 'school',
        schoolId: s._id,
        regionCode: s.regionCode,
        regionPath: s.regionPath,
        state: submitted ? 'submitted' : 'draft',
        autoSubmitted: false,
        confirmedNoChange: false,
        formVersion: 1,
        data: {},
        issues: [],
        history: submitted ? [{ at, from: 'draft', to: 'submitted' }] : [],
        ...(submitted ? { submittedAt: at } : {}),
        version: submitted ? 1 : 0,
        createdAt: at,
        updatedAt: at,
      });
      if (batch.length >= 1000) await flush();
    }
    await flush();
    const units = await School.countDocuments({});
    const regionUnits = await Region.countDocuments({
      level: { $in: ['province', 'city', 'county'] },
      path: { $in: roots },
    });
    await recountProgress(clock, PERIOD, '000000');

    const rates: Record<string, number> = {};
    // BENCH_DEADLINES=county,city,province (default all three) or `none` for the recount figures only.
    const wanted = (process.env.BENCH_DEADLINES ?? 'county,city,province').split(',');
    for (const [level, iso] of (
      [
        ['county', '2027-01-06T00:00:30+08:00'],
        ['city', '2027-01-11T00:00:30+08:00'],
        ['province', '2027-01-16T00:00:30+08:00'],
      ] as const
    ).filter(([level]) => wanted.includes(level))) {
      now = new Date(iso);
      const t = performance.now();
      // Two instances at once: the deadline is handled by one of them.
      const [one, two] = await Promise.all([
        runDueDeadlines(deps, { owner: 'instance-1' }),
        new Promise((r) => setTimeout(r, 200)).then(() => runDueDeadlines(deps, { owner: 'instance-2' })),
      ]);
      const ms = performance.now() - t;
      const outcomes = [...one, ...two].filter((r) => r.level === level).map((r) => r.outcome);
      rates[level] = ms;
      console.log(
        `${level} deadline of ${PERIOD}: ${fmt(ms)} (${(ms / 1000).toFixed(1)} s); outcomes ${outcomes.join(' + ')}`,
      );
    }
    const open = await Report.countDocuments({ period: PERIOD, state: { $nin: ['locked', 'submitted'] } });
    const schoolReports = await Report.countDocuments({ period: PERIOD, unitKind: 'school' });
    const lockedSchools = await Report.countDocuments({
      period: PERIOD,
      unitKind: 'school',
      state: 'locked',
    });
    const regionReports = await Report.countDocuments({ period: PERIOD, unitKind: 'region' });
    console.log(
      `to the last unit: ${schoolReports} school reports for ${units} schools, ${lockedSchools} locked; ` +
        `${regionReports} region reports for ${regionUnits} regions; ${open} left unreported`,
    );
    const total = (rates.county ?? 0) + (rates.city ?? 0) + (rates.province ?? 0);
    const perSchoolMs = (rates.county ?? 0) / units;
    if (rates.county)
      console.log(
        `per school at the county deadline: ${perSchoolMs.toFixed(2)} ms → extrapolated, not measured: ` +
          `the nation's county deadline (${NATION_COUNTIES} × ${perCounty} schools) ≈ ` +
          `${((perSchoolMs * NATION_COUNTIES * perCounty) / 60_000).toFixed(1)} min, all three ≈ ` +
          `${(((total / units) * NATION_COUNTIES * perCounty) / 60_000).toFixed(1)} min (linear in schools; ` +
          `the one read of the period's reports per deadline grows with the nation's reports too)`,
      );

    // Progress: the full recount of the province vs the drift repair after a few counties changed.
    const root = roots[0];
    let t = performance.now();
    const full = await recountProgress(clock, PERIOD, root);
    console.log(
      `full recount of ${root} (${PERIOD}): ${fmt(performance.now() - t)}, ${full.written} rollups written of ${full.regions}`,
    );
    t = performance.now();
    const idle = await repairPeriod(clock, PERIOD);
    console.log(`drift repair with nothing changed: ${fmt(performance.now() - t)} (${JSON.stringify(idle)})`);
    const changed = (await Region.find({ countyLevel: true, path: root }, { _id: 1 }).limit(5).lean()).map(
      (r) => r._id,
    );
    now = new Date(now.getTime() + 60_000);
    for (const code of changed) await markRollupChanged(PERIOD, code, clock());
    now = new Date(now.getTime() + 60_000);
    t = performance.now();
    const repaired = await repairPeriod(clock, PERIOD);
    console.log(
      `drift repair after ${changed.length} counties changed: ${fmt(performance.now() - t)} (${JSON.stringify(repaired)})`,
    );
  } finally {
    await bench.stop();
  }
}
