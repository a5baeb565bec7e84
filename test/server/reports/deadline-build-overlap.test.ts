import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { onDomainEvent, type DeadlineClosed } from '../../../server/src/events';
import { Lease } from '../../../server/src/jobs/lease';
import { autoSubmitDeadline } from '../../../server/src/reports/autosubmit';
import { Report } from '../../../server/src/reports/model';
import { Region } from '../../../server/src/regions/model';
import { School } from '../../../server/src/schools/model';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { useTestDatabase } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

// A deadline run adds the units it reports to the rollups step by step (a step writes its reports,
// then their deltas). A rollup build of the same period running alongside (the first start after
// deadlines passed unseen: jobs/rollup-builds.ts builds the period while the catch-up closes it) may
// read units between the two and count them twice — the demo's 福州市 showed 161 counted schools of
// 151. So a run that overlapped a build asks for a recount when it closes.

describe('a deadline run that overlapped a rollup build asks for a recount', function () {
  this.timeout(120_000);
  useTestDatabase('deadline_build_overlap');
  const clock = manualClock('2027-01-10T09:00:00+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  const closed: DeadlineClosed[] = [];
  let off: () => void;
  let n = 0;

  before(async () => {
    await Region.insertMany(miniRegions);
    off = onDomainEvent('deadline.closed', (e) => {
      closed.push(e);
    });
  });
  after(() => off());

  async function draftSchool(period: string) {
    const [s] = await School.insertMany([
      { name: `重叠小学${++n}`, type: '小学', regionCode: '350102', regionPath: miniRegionPath('350102') },
    ]);
    await Report.insertMany([
      schoolReportDoc(period, s, { state: 'draft', data: goodSchoolReport, version: 1 }),
    ]);
  }

  it('no build since the run began: the deltas stand, no recount', async () => {
    await draftSchool('2026Q4');
    // A build that finished before the run: released at an earlier time.
    await Lease.create({
      _id: 'rollup-build:statistics:2026Q4:000000',
      owner: 'other',
      until: new Date('2027-01-10T08:00:00+08:00'),
      done: false,
      generation: 0,
    });
    closed.length = 0;
    await autoSubmitDeadline(deps, '2026Q4', 'county', '2027-01-04T00:00:00+08:00');
    expect(closed).to.have.length(1);
    expect(closed[0]).to.include({
      period: '2026Q4',
      level: 'county',
      recount: false,
      recountProgress: false,
    });
  });

  it('a statistics build holding its lease during the run: the close asks for a recount', async () => {
    await draftSchool('2026Q3');
    await Lease.create({
      _id: 'rollup-build:statistics:2026Q3:350000',
      owner: 'other',
      until: new Date('2027-01-10T09:20:00+08:00'), // renewed: still building
      done: false,
      generation: 0,
    });
    closed.length = 0;
    await autoSubmitDeadline(deps, '2026Q3', 'county', '2026-10-06T00:00:00+08:00');
    expect(closed).to.have.length(1);
    expect(closed[0]).to.include({ period: '2026Q3', level: 'county', recount: true });
  });

  it('a progress build holding its lease during the run: the close asks the progress for a recount', async () => {
    await draftSchool('2026Q2');
    await Lease.create({
      _id: 'rollup-build:progress:2026Q2:000000',
      owner: 'other',
      until: new Date('2027-01-10T09:20:00+08:00'),
      done: false,
      generation: 0,
    });
    closed.length = 0;
    await autoSubmitDeadline(deps, '2026Q2', 'county', '2026-07-06T00:00:00+08:00');
    expect(closed).to.have.length(1);
    expect(closed[0]).to.include({ period: '2026Q2', recount: false, recountProgress: true });
  });
});
