import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { OutboxEvent } from '../../../server/src/outbox/model';
import { Lease } from '../../../server/src/jobs/lease';
import { JobState, runDueDeadlines } from '../../../server/src/reports/autosubmit';
import { claimChange } from '../../../server/src/reports/claims';
import { Report } from '../../../server/src/reports/model';
import { reconcileReports } from '../../../server/src/reports/reconcile';
import { Region } from '../../../server/src/regions/model';
import { School } from '../../../server/src/schools/model';
import { goodSchoolReport } from '../../helpers/reports';
import { useTestDatabase } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

// A small world: Fujian › Fuzhou › 鼓楼区, 台江区 (the job handles every region it finds).

describe('auto-submission at deadlines', function () {
  this.timeout(120_000);
  useTestDatabase('autosubmit');
  const clock = manualClock('2027-01-06T00:00:30+08:00'); // just past the county deadline for 2026Q4
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  const ids: Record<string, string> = {};

  before(async () => {
    await Region.insertMany(miniRegions);
    const path = miniRegionPath;
    const [a, b, c, d] = await School.insertMany([
      { name: '草稿小学', type: '小学', regionCode: '350102', regionPath: path('350102') },
      { name: '未填小学', type: '小学', regionCode: '350102', regionPath: path('350102') },
      { name: '已报小学', type: '小学', regionCode: '350103', regionPath: path('350103') },
      { name: '市直中学', type: '高中', regionCode: '350100', regionPath: path('350100') },
    ]);
    Object.assign(ids, { a: String(a._id), b: String(b._id), c: String(c._id), d: String(d._id) });
    const base = { period: '2026Q4', unitKind: 'school', data: goodSchoolReport, history: [] };
    await Report.insertMany([
      {
        ...base,
        _id: `2026Q4:school:${a._id}`,
        schoolId: a._id,
        regionCode: '350102',
        regionPath: a.regionPath,
        state: 'draft',
      },
      {
        ...base,
        _id: `2026Q4:school:${c._id}`,
        schoolId: c._id,
        regionCode: '350103',
        regionPath: c.regionPath,
        state: 'submitted',
        history: [{ at: new Date('2027-01-02T00:00:00+08:00'), from: 'draft', to: 'submitted' }],
      },
    ]);
    // The scheduler first ran on this database before the windows opened.
    await JobState.create({ _id: 'autosubmit', since: new Date('2027-01-01T00:00:00+08:00') });
  });

  const historyOf = async (id: string) => (await Report.findById(id).lean())?.history ?? [];

  it('two instances at once: each deadline is handled exactly once', async () => {
    const [one, two] = await Promise.all([
      runDueDeadlines(deps, { owner: 'instance-1' }),
      runDueDeadlines(deps, { owner: 'instance-2' }),
    ]);
    expect(one.map((r) => `${r.period}:${r.level}`)).to.deep.equal(['2026Q4:county']);
    expect([one[0].outcome, two[0].outcome].filter((o) => o === 'ran')).to.have.length(1);

    const a = await Report.findById(`2026Q4:school:${ids.a}`).lean();
    expect(a).to.deep.include({ state: 'locked', autoSubmitted: true });
    expect(a!.history.map((h) => [h.from, h.to, !!h.auto])).to.deep.equal([
      ['draft', 'submitted', true],
      ['submitted', 'locked', false],
    ]);
    // The history note reads the deadline as users do, not as an ISO instant.
    expect(a!.history[0].reason).to.equal('截止时间 2027年1月5日 24:00 已到，按现有数据自动上报');
    // A school that never opened its report is reported from what it had (nothing): created, then auto-submitted.
    const b = await Report.findById(`2026Q4:school:${ids.b}`).lean();
    expect(b).to.deep.include({ state: 'locked', autoSubmitted: true });
    // A school that reported in time keeps autoSubmitted false and is just locked.
    const c = await Report.findById(`2026Q4:school:${ids.c}`).lean();
    expect(c).to.deep.include({ state: 'locked', autoSubmitted: false });
    for (const county of ['350102', '350103']) {
      const r = await Report.findById(`2026Q4:region:${county}`).lean();
      expect(r, county).to.deep.include({ state: 'submitted', autoSubmitted: true });
      expect(r!.history).to.have.length(1);
    }
    // The city's own direct school is not due yet (city deadline is 10 Jan).
    expect(await Report.findById(`2026Q4:school:${ids.d}`).lean()).to.equal(null);

    const events = await OutboxEvent.find({ type: 'deadline.passed' }).lean();
    expect(events.map((e) => e._id)).to.deep.equal(['deadline.passed:2026Q4:county:350100']);
    expect(events[0].payload).to.deep.include({
      autoSubmittedRegions: ['鼓楼区', '台江区'],
      autoSubmittedSchools: 2,
    });
  });

  it('after a restart nothing runs twice', async () => {
    const before = await historyOf(`2026Q4:school:${ids.a}`);
    const again = await runDueDeadlines(deps, { owner: 'instance-3' });
    expect(again.map((r) => r.outcome)).to.deep.equal(['done-before']);
    expect(await historyOf(`2026Q4:school:${ids.a}`)).to.have.length(before.length);
    expect(await OutboxEvent.countDocuments({ type: 'deadline.passed' })).to.equal(1);
  });

  it('a run that died half-way is resumed after its lease expires, without duplicates', async () => {
    // The city deadline: a first instance took the lease and died before finishing anything.
    clock.set('2027-01-11T00:01:00+08:00');
    await Lease.create({
      _id: 'autosubmit:2026Q4:city',
      owner: 'dead',
      until: new Date('2027-01-11T00:02:00+08:00'),
      done: false,
    });
    const blocked = await runDueDeadlines(deps, { owner: 'instance-4' });
    expect(blocked.find((r) => r.level === 'city')?.outcome).to.equal('held-elsewhere');
    expect(await Report.findById(`2026Q4:school:${ids.d}`).lean()).to.equal(null);

    clock.set('2027-01-11T00:10:00+08:00'); // the dead owner's lease has expired
    const resumed = await runDueDeadlines(deps, { owner: 'instance-4' });
    expect(resumed.find((r) => r.level === 'city')?.outcome).to.equal('ran');
    const d = await Report.findById(`2026Q4:school:${ids.d}`).lean();
    expect(d).to.deep.include({ state: 'locked', autoSubmitted: true });
    expect(d!.history.filter((h) => h.to === 'submitted')).to.have.length(1);
    const city = await Report.findById('2026Q4:region:350100').lean();
    expect(city).to.deep.include({ state: 'submitted', autoSubmitted: true });
    // The counties were locked by their city's (automatic) submission.
    expect((await Report.findById('2026Q4:region:350102').lean())?.state).to.equal('locked');
  });

  it('deadlines missed while down are caught up in order at the next start', async () => {
    clock.set('2027-04-07T08:00:00+08:00');
    const runs = await runDueDeadlines(deps, { owner: 'instance-5' });
    expect(runs.map((r) => `${r.period}:${r.level}:${r.outcome}`)).to.deep.equal([
      '2026Q4:county:done-before',
      '2026Q4:city:done-before',
      '2026Q4:province:ran',
      '2027Q1:county:ran',
    ]);
    expect((await Report.findById('2026Q4:region:350000').lean())?.state).to.equal('submitted');
    expect((await Report.findById(`2027Q1:school:${ids.a}`).lean())?.state).to.equal('locked');
    // 2027Q1 data was never filled: the auto-submitted report carries 2026Q4's data forward.
    expect((await Report.findById(`2027Q1:school:${ids.a}`).lean())?.data).to.deep.equal(goodSchoolReport);
  });
});

describe('auto-submission of deadlines that passed before the first run', function () {
  this.timeout(120_000);
  useTestDatabase('autosubmit_first');
  // The server first starts on this database after the 2026Q4 county and city deadlines.
  const clock = manualClock('2027-01-20T09:00:00+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };

  it('reports every unit whose deadline has passed: drafts, an older period, expired returns', async () => {
    await Region.insertMany(miniRegions);
    const path = miniRegionPath;
    const [a, b, c] = await School.insertMany([
      { name: '早报小学', type: '小学', regionCode: '350102', regionPath: path('350102') },
      { name: '旧期小学', type: '小学', regionCode: '350103', regionPath: path('350103') },
      { name: '退回小学', type: '小学', regionCode: '350103', regionPath: path('350103') },
    ]);
    const base = { unitKind: 'school', data: goodSchoolReport, history: [], version: 0 };
    await Report.insertMany([
      {
        ...base,
        _id: `2026Q4:school:${a._id}`,
        period: '2026Q4',
        schoolId: a._id,
        regionCode: '350102',
        regionPath: a.regionPath,
        state: 'draft',
      },
      // A draft of a period two back: its deadlines passed long before this database first ran.
      {
        ...base,
        _id: `2026Q3:school:${b._id}`,
        period: '2026Q3',
        schoolId: b._id,
        regionCode: '350103',
        regionPath: b.regionPath,
        state: 'draft',
      },
      // Returned with a time limit that ran out while no server was up.
      {
        ...base,
        _id: `2027Q1:school:${c._id}`,
        period: '2027Q1',
        schoolId: c._id,
        regionCode: '350103',
        regionPath: c.regionPath,
        state: 'returned',
        returnDeadline: new Date('2027-01-15T00:00:00+08:00'),
      },
    ]);
    expect(await JobState.countDocuments()).to.equal(0);

    const runs = await runDueDeadlines(deps, { owner: 'first' });
    expect(runs.map((r) => `${r.period}:${r.level}:${r.outcome}`)).to.include.members([
      '2026Q3:county:ran',
      '2026Q4:county:ran',
      '2026Q4:city:ran',
    ]);
    expect(await Report.findById(`2026Q4:school:${a._id}`).lean()).to.deep.include({
      state: 'locked',
      autoSubmitted: true,
    });
    expect(await Report.findById(`2026Q3:school:${b._id}`).lean()).to.deep.include({
      state: 'locked',
      autoSubmitted: true,
    });
    expect(await Report.findById(`2027Q1:school:${c._id}`).lean()).to.deep.include({
      state: 'submitted',
      autoSubmitted: true,
    });
    expect(await Report.countDocuments({ state: { $in: ['draft', 'returned'] } })).to.equal(0);
  });
});

describe('auto-submission of a unit changing at the deadline', function () {
  this.timeout(120_000);
  useTestDatabase('autosubmit_busy');
  const clock = manualClock('2027-01-06T00:00:30+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };

  it('is not skipped: the deadline stays open until that unit is closed too', async () => {
    await Region.insertMany(miniRegions);
    const path = miniRegionPath('350102');
    const [a, b] = await School.insertMany([
      { name: '安静小学', type: '小学', regionCode: '350102', regionPath: path },
      { name: '忙碌小学', type: '小学', regionCode: '350102', regionPath: path },
    ]);
    const base = {
      period: '2026Q4',
      unitKind: 'school',
      regionCode: '350102',
      regionPath: path,
      history: [],
    };
    await Report.insertMany([
      { ...base, _id: `2026Q4:school:${a._id}`, schoolId: a._id, state: 'draft', data: {}, version: 0 },
      { ...base, _id: `2026Q4:school:${b._id}`, schoolId: b._id, state: 'draft', data: {}, version: 0 },
    ]);
    // An edit of 忙碌小学 is in flight: its version is claimed, not yet applied.
    const busy = (await Report.findById(`2026Q4:school:${b._id}`).lean())!;
    await claimChange(clock, busy, { $set: { data: goodSchoolReport } });

    const first = await runDueDeadlines(deps, { owner: 'one' });
    expect(first.find((r) => r.level === 'county')?.outcome).to.equal('failed');
    expect((await Report.findById(`2026Q4:school:${a._id}`).lean())?.state).to.equal('locked');
    expect((await Report.findById(`2026Q4:school:${b._id}`).lean())?.state).to.equal('draft');

    // The edit's claimant never finishes; the reconcile does, and the next run closes the unit.
    clock.set('2027-01-06T00:02:00+08:00');
    await reconcileReports(deps);
    const second = await runDueDeadlines(deps, { owner: 'one' });
    expect(second.find((r) => r.level === 'county')?.outcome).to.equal('ran');
    const closed = (await Report.findById(`2026Q4:school:${b._id}`).lean())!;
    expect(closed).to.deep.include({ state: 'locked', autoSubmitted: true });
    expect(closed.data).to.deep.equal(goodSchoolReport);
    expect(closed.history.filter((h) => h.to === 'submitted')).to.have.length(1);
  });
});
