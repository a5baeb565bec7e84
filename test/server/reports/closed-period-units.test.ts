// A closed period keeps its units (issue 9): a school created or imported after a period's deadline is
// not one of that period's units — not in its progress totals (kept by $inc, recounted, repaired), and
// not reported automatically there — while it counts at once in the period under way.
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { runDueDeadlines } from '../../../server/src/reports/autosubmit';
import { Report } from '../../../server/src/reports/model';
import { repairPeriod } from '../../../server/src/reports/progress-repair';
import { manualClock, PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('closed periods keep their unit totals', function () {
  this.timeout(180_000);
  // 2026Q3 is being reported: its windows are open until October.
  const clock = manualClock('2026-09-20T10:00:00+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  let server: TestServer;
  let token: string;
  const ids: Record<string, string> = {};

  const totals = async (period: string) => {
    const res = await server.api(`/regions/350102/progress?period=${period}`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.totals as { units: number; submitted: number; autoSubmitted: number };
  };
  const create = async (name: string) => {
    const res = await server.api('/schools', { token, body: { name, type: '小学', regionCode: '350102' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.school.id as string;
  };

  before(async () => {
    server = await startTestServer('closed_units', { options: { clock } });
    await regionUser('gl_units', '350102', 'admin');
    token = await server.login('gl_units', PASSWORD);
    ids.old = await create('九月小学');
    expect((await totals('2026Q3')).units).to.equal(1);
  });
  after(() => server?.close());

  it('a school created after the deadline counts in the period under way only', async () => {
    clock.set('2026-11-29T10:00:00+08:00'); // every 2026Q3 deadline has passed
    token = await server.login('gl_units', PASSWORD);
    expect((await totals('2026Q4')).units).to.equal(1);
    ids.late = await create('十一月小学');
    expect((await totals('2026Q3')).units).to.equal(1);
    expect((await totals('2026Q4')).units).to.equal(2);
  });

  it('the recount and the drift repair count the units of the deadline too', async () => {
    const res = await server.api('/regions/350102/progress/recount?period=2026Q3', {
      method: 'POST',
      token,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await totals('2026Q3')).units).to.equal(1);
    await repairPeriod(clock, '2026Q3', DEFAULT_CALENDAR);
    expect((await totals('2026Q3')).units).to.equal(1);
  });

  it('the deadline reports the school that existed, not the one created after it', async () => {
    // The deadlines of 2026Q3 passed while no scheduler ran: caught up now.
    const runs = await runDueDeadlines(deps, { owner: 'one' });
    expect(runs.filter((r) => r.period === '2026Q3').map((r) => r.outcome)).to.include('ran');
    expect(await Report.findById(`2026Q3:school:${ids.old}`).lean()).to.deep.include({
      state: 'locked',
      autoSubmitted: true,
    });
    expect(await Report.findById(`2026Q3:school:${ids.late}`).lean()).to.equal(null);
    expect(await totals('2026Q3')).to.deep.include({ units: 1, submitted: 1, autoSubmitted: 1 });
  });
});
