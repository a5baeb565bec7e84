// Issue 9's figures for jobs sized to the work: the whole chain of a period's deadlines — county, city,
// province (the provinces report to the nation; the nation itself has no deadline) — each auto-submitting
// every unit still unreported at that level, over the national region tree (all 2,978 county-level
// regions, 333 cities, 31 provinces) and the schools generated in BENCH_PROVINCES (default 35, or `all`)
// at BENCH_SCHOOLS_PER_COUNTY (default 168, the national average). Two runners race for every deadline's
// lease (two server instances, the second 200 ms later). Then the proof of "once, to the last unit" and
// the province's progress recount, full vs changed-only (the drift repair).
// The national figure: `BENCH_PROVINCES=all BENCH_DEADLINES=county,city,province BENCH_RECOUNTS=0` (every
// province, 168 schools in each of the 2,978 county-level regions ≈ 500,000 schools; the recount figures
// skipped, as they scan the nation twice more). Prints per deadline its wall time, CPU seconds, units
// auto-submitted and the time per phase (readSchools, readReports, decide, claims, report writes,
// audit, rollups, statistics, settle, events; the expired-returns check after it), the cost per unit, peak RSS of
// the bench process and of FerretDB, the backend; then the checks (auto-submitted twice, left
// unreported, duplicate audit entries, each lease ran once). Every read here is a cursor in batches of
// 1,000 or an `_id` read: no command grows with the country (the driver's socket timeout stays the
// server's own).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { DEFAULT_CALENDAR } from '../shared/src';
import { AuditEntry } from '../server/src/audit/model';
import { Lease } from '../server/src/jobs/lease';
import { createLogger } from '../server/src/logger';
import { OutboxEvent } from '../server/src/outbox/model';
import { writeScale, scaleCounties } from '../server/src/demo/scale';
import { Region } from '../server/src/regions/model';
import { runDueDeadlines, type RunFigures } from '../server/src/reports/autosubmit';
import { Report } from '../server/src/reports/model';
import { markRollupChanged, ProgressRollup, recountProgress } from '../server/src/reports/progress';
import { repairPeriod } from '../server/src/reports/progress-repair';
import { School } from '../server/src/schools/model';
import { fmt, startBenchServer } from './harness';

const PERIOD = '2026Q4';
const NATION_COUNTIES = 2_978;
/** Peak resident memory of a process in MB (VmHWM; this process's own maxRSS when it is us). */
function peakRssMb(pid?: number): number | null {
  if (!pid) return Math.round(process.resourceUsage().maxRSS / 1024);
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
/** CPU seconds a process has used (utime + stime from /proc; this process's own when no pid). */
function cpuSeconds(pid?: number): number {
  if (!pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks of 1/100 s
  } catch {
    return 0;
  }
}
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export async function benchAutosubmit(): Promise<void> {
  const provinces =
    process.env.BENCH_PROVINCES === 'all'
      ? 'all'
      : (process.env.BENCH_PROVINCES ?? '35').split(',').map((p) => p.trim());
  const perCounty = Number(process.env.BENCH_SCHOOLS_PER_COUNTY ?? 168);
  // BENCH_RECOUNTS=0: no national progress recount before the deadlines, no recount figures after.
  const recounts = process.env.BENCH_RECOUNTS !== '0';
  let now = new Date('2027-01-05T12:00:00+08:00');
  const clock = () => new Date(now);
  const bench = await startBenchServer('bench_autosubmit', {}, { scheduler: false, clock });
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  // The runners' own account of each deadline (load, steps, read models), as JSON lines.
  const logger = createLogger('info');
  try {
    const counties = scaleCounties(provinces).length;
    const written = await writeScale({
      provinces,
      schoolsPerCounty: perCounty,
      teachersPerSchool: 0,
      seed: 9,
    });
    console.log(
      `${written.counts.schools} schools in ${counties} county-level regions of ${provinces === 'all' ? 'every province' : provinces.join(', ')} ` +
        `(written in ${fmt(written.elapsedMs)}) — on ${bench.server.database.description}; load average ${load()}`,
    );

    // The period as schools leave it at the county deadline: 55% drafts, 35% submitted, 10% never opened.
    let i = 0;
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      if (batch.length) await Report.collection.insertMany(batch as any[], { ordered: false });
      batch = [];
    };
    const at = new Date('2027-01-03T10:00:00+08:00');
    let opened = 0;
    for await (const s of School.find({}, { regionCode: 1, regionPath: 1 }).lean().batchSize(1000).cursor()) {
      const roll = i++ % 20;
      if (roll < 2) continue;
      const submitted = roll >= 13;
      opened++;
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
    // As written (a count is one more scan of every school on FerretDB).
    const units = written.counts.schools;
    const regionUnits = await Region.countDocuments({ level: { $in: ['province', 'city', 'county'] } });
    let t = performance.now();
    if (recounts) await recountProgress(clock, PERIOD, '000000');
    console.log(
      `${opened} school reports opened of ${units} schools` +
        (recounts ? `; national progress counted in ${fmt(performance.now() - t)}` : ''),
    );

    // BENCH_DEADLINES=county,city,province (default all three) or `none` for the recount figures only.
    const wanted = (process.env.BENCH_DEADLINES ?? 'county,city,province').split(',');
    let chain = 0;
    let countyMs = 0;
    /** Per level: how many runners ran its lease (must be 1), and the deadline's date (its reason names it). */
    const ranBy = new Map<string, number>();
    const levelOfDate = new Map<string, string>();
    for (const [level, iso] of (
      [
        ['county', '2027-01-06T00:00:30+08:00'],
        ['city', '2027-01-11T00:00:30+08:00'],
        ['province', '2027-01-16T00:00:30+08:00'],
      ] as const
    ).filter(([level]) => wanted.includes(level))) {
      now = new Date(iso);
      t = performance.now();
      const cpu0 = cpuSeconds() + cpuSeconds(bench.database.pids[0]);
      const figures: RunFigures[] = [{ deadlines: [] }, { deadlines: [] }];
      // Two instances at once: the deadline is handled by one of them.
      const [one, two] = await Promise.all([
        runDueDeadlines(deps, { owner: 'instance-1', scanReports: false, logger, figures: figures[0] }),
        new Promise((r) => setTimeout(r, 200)).then(() =>
          runDueDeadlines(deps, { owner: 'instance-2', scanReports: false, logger, figures: figures[1] }),
        ),
      ]);
      const ms = performance.now() - t;
      // CPU used by the bench (both runners) and the database: the figure the machine's load does not change.
      const cpu = cpuSeconds() + cpuSeconds(bench.database.pids[0]) - cpu0;
      chain += ms;
      if (level === 'county') countyMs = ms;
      const outcomes = [...one, ...two].filter((r) => r.level === level).map((r) => r.outcome);
      ranBy.set(level, outcomes.filter((o) => o === 'ran').length);
      levelOfDate.set(iso.slice(0, 10), level);
      // What the runner that held the lease measured (its own units; the other held off).
      const ran = figures.flatMap((f) => f.deadlines).filter((d) => d.level === level);
      const autoSchools = ran.reduce((n, d) => n + d.autoSchools, 0);
      const autoRegions = ran.reduce((n, d) => n + d.autoRegions, 0);
      const phases = new Map<string, number>();
      for (const d of ran)
        for (const [k, v] of Object.entries(d.phases)) phases.set(k, (phases.get(k) ?? 0) + v);
      const returns = figures.map((f) => f.expiredReturns).filter((r) => !!r);
      console.log(
        `${level} deadline of ${PERIOD}: ${(ms / 1000).toFixed(1)} s wall, CPU ${cpu.toFixed(0)} s ` +
          `(bench + database), outcomes ${outcomes.join(' + ')}; auto-submitted at it: ${autoSchools} schools, ` +
          `${autoRegions} regions (${ran.reduce((n, d) => n + d.regions, 0)} regions closed in ` +
          `${ran.reduce((n, d) => n + d.steps, 0)} steps); load average ${load()}; ` +
          `peak RSS: bench ${peakRssMb()} MB, database ${peakRssMb(bench.database.pids[0])} MB ` +
          `(${bench.server.database.description})`,
      );
      // Where the time went (seconds per phase, summed over the steps), and the expired-returns check
      // each runner makes after its deadlines.
      console.log(
        `  phases (s): ${[...phases].map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}; ` +
          `expired-returns check ${returns.map((r) => `${(r.ms / 1000).toFixed(2)} (${r.hints} hints, ${r.reported} reported)`).join(' + ')}`,
      );
    }
    console.log(`the chain: ${(chain / 1000).toFixed(1)} s`);
    if (countyMs) {
      // Every school and county-level region of the world was closed at the county deadline (locked,
      // reported first where it was not): the measured cost per unit.
      const perUnit = countyMs / (units + NATION_COUNTIES);
      console.log(
        `county deadline measured: ${(countyMs / 1000).toFixed(1)} s for ${units} schools and ` +
          `${NATION_COUNTIES} county-level regions closed = ${perUnit.toFixed(2)} ms per unit`,
      );
      // Linear in units, labelled as what it is: the fixed scans per deadline grow with the nation too.
      if (provinces !== 'all')
        console.log(
          `→ extrapolated, not measured: the nation's ${NATION_COUNTIES} × ${perCounty} schools ≈ ` +
            `${((perUnit * NATION_COUNTIES * (perCounty + 1)) / 60_000).toFixed(1)} min at this load`,
        );
    }

    // Once, to the last unit (cursors: at the national scale these are 500,000 reports).
    let schoolReportCount = 0;
    let locked = 0;
    let twice = 0;
    let unreported = 0;
    let autoUnits = 0;
    const autoAt = new Map<string, number>();
    const schoolsWith = new Set<string>();
    const regionsWith = new Set<string>();
    for await (const r of Report.find(
      { period: PERIOD },
      { unitKind: 1, state: 1, schoolId: 1, regionCode: 1, autoSubmitted: 1, history: 1 },
    )
      .lean()
      .batchSize(1000)
      .cursor()) {
      for (const h of r.history)
        if (h.auto && h.to === 'submitted') {
          const lvl = levelOfDate.get(/\d{4}-\d{2}-\d{2}/.exec(h.reason ?? '')?.[0] ?? '');
          if (lvl) autoAt.set(lvl, (autoAt.get(lvl) ?? 0) + 1);
        }
      if (r.unitKind === 'school') {
        schoolReportCount++;
        schoolsWith.add(String(r.schoolId));
        if (r.state === 'locked') locked++;
      } else regionsWith.add(r.regionCode);
      if (r.history.filter((h) => h.auto && h.to === 'submitted').length > 1) twice++;
      if (!['locked', 'submitted'].includes(r.state)) unreported++;
      if (r.autoSubmitted) autoUnits++;
    }
    const schoolsWithout = units - schoolsWith.size;
    const regionsWithout = regionUnits - regionsWith.size;
    const auditKeys = new Set<string>();
    let auditTwice = 0;
    let autoAudits = 0;
    for await (const a of AuditEntry.find({ targetType: 'report' }, { action: 1, targetId: 1 })
      .lean()
      .batchSize(1000)
      .cursor()) {
      const key = `${a.action}|${a.targetId}`;
      if (auditKeys.has(key)) auditTwice++;
      auditKeys.add(key);
      if (a.action === 'report.autosubmit') autoAudits++;
    }
    const events = await OutboxEvent.find({ type: 'deadline.passed' }, { _id: 1 }).lean();
    const leases = await Lease.find({ _id: { $regex: `^autosubmit:${PERIOD}:` } }).lean();
    const national = await ProgressRollup.findById(`${PERIOD}:000000`).lean();
    console.log(
      `to the last unit: ${schoolReportCount} school reports for ${units} schools (${schoolsWithout} without), ` +
        `${regionsWith.size} region reports for ${regionUnits} regions (${regionsWithout} without); ` +
        `${unreported} left unreported; schools locked ${locked}`,
    );
    console.log(
      `once: ${twice} reports auto-submitted twice; ${autoUnits} units auto-submitted, ${autoAudits} ` +
        `report.autosubmit audit entries, ${auditTwice} duplicate audit entries; ${events.length} deadline.passed ` +
        `events; leases ${leases.map((l) => `${l._id.split(':')[2]}=${l.done ? 'done' : 'open'}(gen ${l.generation})`).join(', ')}; ` +
        `national progress ${JSON.stringify(national?.totals)}`,
    );
    const ranTwice = [...ranBy].filter(([, n]) => n !== 1).map(([l]) => l);
    console.log(
      `checks: ${twice} auto-submitted twice, ${unreported} left unreported, ${schoolsWithout} schools without ` +
        `a report, ${auditTwice} duplicate audit entries, ${autoUnits - autoAudits} units auto-submitted ` +
        `without their audit entry, lease ran once: ${ranTwice.length ? `NO (${ranTwice.join(', ')})` : 'yes'} ` +
        `(${[...ranBy].map(([l, n]) => `${l} ×${n}`).join(', ')}); units auto-submitted per deadline (from ` +
        `the reports' history): ${[...autoAt].map(([l, n]) => `${l} ${n}`).join(', ')}`,
    );

    if (!recounts) return;
    // Progress: the full recount of the first province vs the drift repair after a few counties changed.
    const root = provinces === 'all' ? '350000' : provinces[0].padEnd(6, '0');
    t = performance.now();
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
