// Two runners racing one deadline (issue 9: "once, to the last unit"). Leases short enough that the
// runners take the deadline from each other between steps (the clock moves half a second a call):
// whatever the interleaving, both finish, every unit ends locked, and each unit is auto-submitted
// exactly once — one history entry, one audit entry — with one deadline.passed event per parent.
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { AuditEntry } from '../../../server/src/audit/model';
import { Lease } from '../../../server/src/jobs/lease';
import { OutboxEvent } from '../../../server/src/outbox/model';
import { JobState, runDueDeadlines, type DeadlineRun } from '../../../server/src/reports/autosubmit';
import { Report } from '../../../server/src/reports/model';
import { Region, type RegionDoc } from '../../../server/src/regions/model';
import { ReportClaim } from '../../../server/src/reports/claims';
import { closeRegions, type KnownReport } from '../../../server/src/reports/deadline-close';
import { School } from '../../../server/src/schools/model';
import { useTestDatabase } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

describe('auto-submission: two runners racing a deadline', function () {
  this.timeout(300_000);
  useTestDatabase('autosubmit_race');
  // Just past the county deadline of 2026Q4; every reading of the clock moves it on by 500 ms.
  let t = new Date('2027-01-06T00:00:30+08:00').getTime();
  const clock = () => new Date((t += 500));
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  const COUNTIES = 12;
  const PER_COUNTY = 6;

  before(async () => {
    // 福州市 with twelve counties (鼓楼区, 台江区 and ten more made up for the test).
    const extra = Array.from({ length: COUNTIES - 2 }, (_, i) => ({
      _id: `3501${String(i + 11).padStart(2, '0')}`,
      name: `测试县${i + 1}`,
      level: 'county',
      parentCode: '350100',
      path: ['000000', '350000', '350100'],
      countyLevel: true,
    }));
    await Region.insertMany([...miniRegions, ...extra]);
    const counties = [...miniRegions, ...extra].filter((r) => r.level === 'county');
    const schools = await School.insertMany(
      counties.flatMap((c) =>
        Array.from({ length: PER_COUNTY }, (_, i) => ({
          name: `${c.name}第${i + 1}小学`,
          type: '小学',
          regionCode: c._id,
          regionPath: [...c.path, c._id],
        })),
      ),
    );
    // Two thirds drafts, one third never opened; none reported in time.
    await Report.insertMany(
      schools
        .filter((_, i) => i % 3 !== 0)
        .map((s) => ({
          _id: `2026Q4:school:${s._id}`,
          period: '2026Q4',
          unitKind: 'school',
          schoolId: s._id,
          regionCode: s.regionCode,
          regionPath: s.regionPath,
          state: 'draft',
          data: {},
          history: [],
          version: 0,
        })),
    );
    await JobState.create({ _id: 'autosubmit', since: new Date('2027-01-01T00:00:00+08:00') });
  });

  it('both finish; every unit is auto-submitted exactly once', async () => {
    const race = (owner: string) =>
      runDueDeadlines(deps, { owner, ttlMs: 3_000, stepUnits: 8, scanReports: false });
    const runs: DeadlineRun[] = [];
    const done = async () => !!(await Lease.findById('autosubmit:2026Q4:county').lean())?.done;
    // Each runner tries again at once while the deadline is not done (the scheduler would a minute later):
    // a lease that expired during the other's step is taken over, and the other stops at its next step.
    const runner = async (owner: string) => {
      for (let n = 0; n < 60 && !(await done()); n++) runs.push(...(await race(owner)));
    };
    await Promise.all([runner('one'), runner('two')]);
    const lease = await Lease.findById('autosubmit:2026Q4:county').lean();
    const outcomes = runs.map((r) => r.outcome);
    // The race happened: the lease changed hands, and a runner lost it in the middle.
    expect(lease?.generation, outcomes.join()).to.be.greaterThan(0);
    expect(outcomes).to.include('aborted');
    expect(lease?.done).to.equal(true);
    expect(runs.filter((r) => r.outcome === 'ran').length).to.be.greaterThan(0);

    const schools = await School.find({}, { _id: 1 }).lean();
    const reports = await Report.find({ period: '2026Q4', unitKind: 'school' }).lean();
    expect(reports).to.have.length(COUNTIES * PER_COUNTY);
    for (const r of reports) {
      expect(r.state, r._id).to.equal('locked');
      expect(r.autoSubmitted, r._id).to.equal(true);
      expect(
        r.history.filter((h) => h.to === 'submitted' && h.auto).map((h) => h.from),
        r._id,
      ).to.deep.equal(['draft']);
      expect(r.version, r._id).to.equal(1);
    }
    expect(new Set(reports.map((r) => String(r.schoolId)))).to.have.length(schools.length);
    const counties = await Report.find({ period: '2026Q4', unitKind: 'region' }).lean();
    expect(counties).to.have.length(COUNTIES);
    for (const r of counties) {
      expect(r.state, r._id).to.equal('submitted');
      expect(r.history, r._id).to.have.length(1);
    }

    // One audit entry per unit reported automatically, none twice.
    const audits = await AuditEntry.find({ action: 'report.autosubmit' }, { targetId: 1 }).lean();
    expect(audits).to.have.length(COUNTIES * PER_COUNTY + COUNTIES);
    expect(new Set(audits.map((a) => a.targetId))).to.have.length(audits.length);
    const events = await OutboxEvent.find({ type: 'deadline.passed' }).lean();
    expect(events.map((e) => e._id)).to.deep.equal(['deadline.passed:2026Q4:county:350100']);
  });
});

describe('auto-submission: a unit that changed after the run read the reports', function () {
  this.timeout(120_000);
  useTestDatabase('autosubmit_stale');
  const clock = manualClock('2027-01-06T00:00:30+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };

  it('is not overwritten: its version no longer matches, and it is closed as it now stands', async () => {
    await Region.insertMany(miniRegions);
    const county = (await Region.findById('350102').lean<RegionDoc>())!;
    const [school] = await School.insertMany([
      { name: '后报小学', type: '小学', regionCode: '350102', regionPath: miniRegionPath('350102') },
    ]);
    const id = `2026Q4:school:${school._id}`;
    const submittedAt = new Date('2027-01-06T00:00:10+08:00');
    // Submitted (version 1, claim settled) after the run read it as a draft at version 0.
    await Report.create({
      _id: id,
      period: '2026Q4',
      unitKind: 'school',
      schoolId: school._id,
      regionCode: '350102',
      regionPath: school.regionPath,
      state: 'submitted',
      data: {},
      history: [{ at: submittedAt, from: 'draft', to: 'submitted' }],
      submittedAt,
      version: 1,
    });
    const known = new Map<string, KnownReport>([[id, { state: 'draft', version: 0 }]]);
    await closeRegions(
      deps,
      '2026Q4',
      'county',
      '截止时间已到',
      [county],
      new Map([['350102', [school]]]),
      new Map(),
      known,
    );
    const r = (await Report.findById(id).lean())!;
    expect(r).to.deep.include({ state: 'locked', version: 2 });
    expect(r.autoSubmitted).to.not.equal(true);
    expect(r.history.map((h) => [h.from, h.to, !!h.auto])).to.deep.equal([
      ['draft', 'submitted', false],
      ['submitted', 'locked', false],
    ]);
    expect(await AuditEntry.countDocuments({ action: 'report.autosubmit', targetId: id })).to.equal(0);
    expect(await ReportClaim.countDocuments({})).to.equal(0);
  });
});
