// Progress rollups: racing first writers, and the drift repair that recounts only what changed or what
// is inconsistent, for every workable period (reports/progress-repair.ts).
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { Region } from '../../../server/src/regions/model';
import { Report } from '../../../server/src/reports/model';
import {
  applySchoolDelta,
  ProgressRollup,
  recountProgress,
  type RollupDoc,
} from '../../../server/src/reports/progress';
import { repairProgress } from '../../../server/src/reports/progress-repair';
import { School } from '../../../server/src/schools/model';
import { useTestDatabase } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

describe('progress rollups', function () {
  this.timeout(120_000);
  useTestDatabase('progress_drift');

  it('first reports of many schools of a new region at once: no duplicate-key failure, none lost', async () => {
    const school = { regionCode: '350203', regionPath: ['000000', '350000', '350200', '350203'] };
    const none = { reported: false, auto: false, confirmed: false };
    const yes = { reported: true, auto: false, confirmed: false };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        applySchoolDelta('1999Q4', school, none, yes, new Date('2027-01-03T10:00:00+08:00')),
      ),
    );
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    ).to.deep.equal([]);
    const doc = await ProgressRollup.findById('1999Q4:350203').lean();
    expect(doc?.totals.submitted).to.be.greaterThan(0);
  });

  describe('the drift repair', () => {
    const clock = manualClock('2027-01-03T10:00:00+08:00'); // workable: 2026Q4 and 2027Q1
    const deps = { clock, calendar: DEFAULT_CALENDAR };
    const rollup = (period: string, code: string) =>
      ProgressRollup.findById(`${period}:${code}`).lean<RollupDoc>();
    let schoolIds: string[] = [];

    before(async () => {
      await Region.insertMany(miniRegions);
      const path = miniRegionPath;
      const schools = await School.insertMany([
        { name: '甲小学', type: '小学', regionCode: '350102', regionPath: path('350102') },
        { name: '乙小学', type: '小学', regionCode: '350102', regionPath: path('350102') },
        { name: '丙小学', type: '小学', regionCode: '350103', regionPath: path('350103') },
      ]);
      schoolIds = schools.map((s) => String(s._id));
      for (const period of ['2026Q4', '2027Q1']) await recountProgress(clock, period, '000000');
    });

    it('recounts only the region that changed, and sums its ancestors again', async () => {
      clock.set('2027-01-03T10:05:00+08:00');
      const [a] = await School.find({ name: '甲小学' }).lean();
      // 甲小学 reported, but its $inc was applied twice (a retried write): 鼓楼区 and above are wrong.
      await Report.create({
        _id: `2026Q4:school:${a._id}`,
        period: '2026Q4',
        unitKind: 'school',
        schoolId: a._id,
        regionCode: '350102',
        regionPath: a.regionPath,
        state: 'submitted',
      });
      const none = { reported: false, auto: false, confirmed: false };
      const yes = { reported: true, auto: false, confirmed: false };
      await applySchoolDelta('2026Q4', a, none, yes, clock());
      await applySchoolDelta('2026Q4', a, none, yes, clock());
      expect((await rollup('2026Q4', '350000'))?.totals.submitted).to.equal(2);
      const untouched = (await rollup('2026Q4', '350103'))!.recountedAt;

      clock.set('2027-01-03T10:10:00+08:00');
      const [q4] = await repairProgress(deps);
      expect(q4).to.deep.include({ period: '2026Q4', changed: 1, drifted: 0 });
      for (const code of ['350102', '350100', '350000', '000000'])
        expect((await rollup('2026Q4', code))?.totals, code).to.deep.include({
          units: code === '350102' ? 2 : 3,
          submitted: 1,
        });
      expect((await rollup('2026Q4', '350100'))?.children['350102']).to.deep.include({ submitted: 1 });
      // 台江区 did not change: not recounted, not written.
      expect((await rollup('2026Q4', '350103'))!.recountedAt).to.deep.equal(untouched);
      // A second run finds nothing to do.
      clock.set('2027-01-03T10:20:00+08:00');
      expect((await repairProgress(deps))[0]).to.deep.include({ changed: 0, drifted: 0, written: 0 });
    });

    it('finds and repairs drift no change recorded (a lost $inc on an ancestor)', async () => {
      await ProgressRollup.collection.updateOne(
        { _id: '2026Q4:350000' as any },
        { $inc: { 'totals.submitted': -1, 'children.350100.submitted': -1 } },
      );
      const [q4] = await repairProgress(deps);
      expect(q4).to.deep.include({ changed: 0 });
      expect(q4.drifted).to.be.greaterThan(0);
      expect((await rollup('2026Q4', '350000'))?.totals.submitted).to.equal(1);
      expect((await rollup('2026Q4', '000000'))?.totals.submitted).to.equal(1);
    });

    it('repairs the period schools are already filling too, not only the one being reported', async () => {
      const c = schoolIds[2];
      const school = (await School.findById(c).lean())!;
      await Report.create({
        _id: `2027Q1:school:${c}`,
        period: '2027Q1',
        unitKind: 'school',
        schoolId: school._id,
        regionCode: '350103',
        regionPath: school.regionPath,
        state: 'submitted',
      });
      // The process died before the rollup write; the reconcile marked the region changed.
      await ProgressRollup.collection.updateOne(
        { _id: '2027Q1:350103' as any },
        { $set: { changedAt: clock() } },
      );
      clock.set('2027-01-03T10:30:00+08:00');
      const results = await repairProgress(deps);
      expect(results.map((r) => r.period)).to.deep.equal(['2026Q4', '2027Q1']);
      expect((await rollup('2027Q1', '350103'))?.totals.submitted).to.equal(1);
      expect((await rollup('2027Q1', '000000'))?.totals.submitted).to.equal(1);
      // The same as a full recount.
      const repaired = await ProgressRollup.find({ period: '2027Q1' }).sort({ _id: 1 }).lean<RollupDoc[]>();
      await recountProgress(clock, '2027Q1', '000000');
      const full = await ProgressRollup.find({ period: '2027Q1' }).sort({ _id: 1 }).lean<RollupDoc[]>();
      expect(repaired.map((d) => [d._id, d.totals, d.children])).to.deep.equal(
        full.map((d) => [d._id, d.totals, d.children]),
      );
    });
  });
});
