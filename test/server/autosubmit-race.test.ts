// Two runners racing one deadline (issue 9: "once, to the last unit"). Leases short enough that the
// runners take the deadline from each other between steps (the clock moves half a second a call):
// whatever the interleaving, both finish, every unit ends locked, and each unit is auto-submitted
// exactly once — one history entry, one audit entry — with one deadline.passed event per parent.
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../shared/src';
import { AuditEntry } from '../../server/src/audit/model';
import { Lease } from '../../server/src/jobs/lease';
import { OutboxEvent } from '../../server/src/outbox/model';
import { JobState, runDueDeadlines, type DeadlineRun } from '../../server/src/reports/autosubmit';
import { Report } from '../../server/src/reports/model';
import { Region } from '../../server/src/regions/model';
import { School } from '../../server/src/schools/model';
import { useTestDatabase } from '../helpers/db';
import { miniRegions } from '../helpers/fixtures';

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
