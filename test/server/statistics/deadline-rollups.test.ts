// Issue 9, "a national deadline in minutes": a deadline's bulk close keeps the read models current with
// deltas for the units it reports (deadline-close.ts), not with a national recount afterwards — and the
// figures are exactly what a fresh recount gives: progress and statistics, after the county and the city
// deadline, with drafts, a submitted report, a never-opened school, a 撤销 school's draft (reported, not
// counted) and a county's own draft.
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { runDueDeadlines } from '../../../server/src/reports/autosubmit';
import { ProgressRollup, recountProgress, type RollupDoc } from '../../../server/src/reports/progress';
import { StatisticsRecount, StatisticsRollup } from '../../../server/src/statistics/model';
import { checkStatisticsDrift } from '../../../server/src/statistics/rollups';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { statRegions, statSchools } from '../../helpers/statistics';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

describe('a deadline closed in bulk: rollups equal a fresh recount, without one', function () {
  this.timeout(300_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const ids: Record<string, string> = {};

  before(async () => {
    server = await startTestServer('deadline-rollups', { options: { clock } });
    const where = { primary: '350102', point: '350102', pointV1: '350103', middle: '350100' } as const;
    for (const key of Object.keys(statSchools) as (keyof typeof statSchools)[]) {
      const s = statSchools[key];
      const doc = await school(`截止增量${key}`, where[key], {
        type: s.type,
        urbanRural: s.urbanRural,
        ...(s.projectSchool ? { projectSchool: s.projectSchool as 'declared' | 'confirmed' } : {}),
      });
      ids[key] = String(doc._id);
      await schoolAdmin(key, doc);
      t[key] = await server.login(key, PASSWORD);
    }
    // A school never opened: its report is created at the deadline, last period's data carried forward.
    await school('截止增量未填报', '350103');
    // A school set 撤销 (seed 000 part 2 §2.3) with a draft: the deadline reports it, the statistics skip it.
    const closed = await school('截止增量撤销', '350102', { status: '撤销' });
    ids.closed = String(closed._id);
    await schoolAdmin('closedSchool', closed);
    t.closed = await server.login('closedSchool', PASSWORD);
    await regionUser('gulou', '350102', 'admin');
    t.gulou = await server.login('gulou', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  const save = async (path: string, token: string, data: unknown) => {
    const res = await server.api(path, { method: 'PUT', token, body: { data } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };

  /** Counts without their zeros (a recount writes zero rows a delta never touched). */
  const nonZero = (c: Record<string, number> | undefined) =>
    Object.fromEntries(Object.entries(c ?? {}).filter(([, v]) => v !== 0));
  /** Every progress rollup of the period with anything in it, as the counts a page shows. */
  const progress = async () => {
    const out: Record<string, unknown> = {};
    for (const d of await ProgressRollup.find({ period: P }).lean<RollupDoc[]>()) {
      const children = Object.fromEntries(
        Object.entries(d.children ?? {})
          .map(([code, c]) => [code, nonZero(c as never)] as const)
          .filter(([, c]) => Object.keys(c).length),
      );
      const facts = {
        totals: nonZero(d.totals as never),
        direct: nonZero(d.direct as never),
        children,
        childReports: d.childReports ?? {},
        ownReport: d.ownReport ?? null,
      };
      const empty =
        !Object.keys(facts.totals).length && !Object.keys(facts.childReports).length && !facts.ownReport;
      if (!empty) out[d._id] = facts;
    }
    return out;
  };

  /** After a deadline: nothing was recounted, and a recount finds nothing to change. */
  const equalToRecount = async () => {
    // The bulk close wrote deltas: no statistics rollup carries a recount's stamp, no recount was recorded.
    expect(await StatisticsRollup.countDocuments({ period: P, recountedAt: { $exists: true } })).to.equal(0);
    expect(await StatisticsRecount.countDocuments({})).to.equal(0);
    const stored = await progress();
    expect(Object.keys(stored).length).to.be.above(0);
    await recountProgress(clock, P, '000000');
    const recounted = await progress();
    const differ = [...new Set([...Object.keys(stored), ...Object.keys(recounted)])].filter(
      (id) => JSON.stringify(stored[id]) !== JSON.stringify(recounted[id]),
    );
    expect(
      differ.map((id) => `${id}: ${JSON.stringify(stored[id])} vs ${JSON.stringify(recounted[id])}`),
      'progress rollups that differed from a full recount',
    ).to.deep.equal([]);
    const check = await checkStatisticsDrift(clock, P, '350000');
    expect(check.reports, 'reports counted').to.be.above(0);
    expect(check.drifted, 'statistics rollups that differed from a full recount').to.deep.equal([]);
    // Leave no stamps for the next deadline's assertions.
    await StatisticsRollup.collection.updateMany({ period: P }, { $unset: { recountedAt: 1 } });
    await StatisticsRecount.deleteMany({});
  };

  it('county deadline: drafts, a new report and a county draft counted by deltas, equal to a recount', async () => {
    // Two drafts with data, one school reported, one draft left empty of changes; the county's own draft.
    await save(`/schools/${ids.primary}/reports/${P}`, t.primary, statSchools.primary.data);
    await save(`/schools/${ids.point}/reports/${P}`, t.point, statSchools.point.data);
    await save(`/schools/${ids.pointV1}/reports/${P}`, t.pointV1, statSchools.pointV1.data);
    await save(`/schools/${ids.closed}/reports/${P}`, t.closed, statSchools.primary.data);
    const submit = await server.api(`/schools/${ids.pointV1}/reports/${P}/submit`, {
      method: 'POST',
      token: t.pointV1,
    });
    expect(submit.status, JSON.stringify(submit.body)).to.equal(200);
    await save(`/regions/350102/reports/${P}`, t.gulou, statRegions.countyA.data);
    // The progress rollups hold the units from a recount (as every period's first look starts them).
    await recountProgress(clock, P, '000000');
    await StatisticsRecount.deleteMany({});
    await StatisticsRollup.collection.updateMany({ period: P }, { $unset: { recountedAt: 1 } });

    clock.set('2027-01-06T00:05:00+08:00');
    const runs = await runDueDeadlines({ clock, calendar: DEFAULT_CALENDAR }, { owner: 'test' });
    expect(runs.map((r) => `${r.period}:${r.level}:${r.outcome}`)).to.include(`${P}:county:ran`);
    await equalToRecount();
  });

  it('city deadline: the city-managed school and the counties, equal to a recount', async () => {
    clock.set('2027-01-11T00:05:00+08:00');
    const runs = await runDueDeadlines({ clock, calendar: DEFAULT_CALENDAR }, { owner: 'test' });
    expect(runs.map((r) => `${r.period}:${r.level}:${r.outcome}`)).to.include(`${P}:city:ran`);
    await equalToRecount();
  });
});
