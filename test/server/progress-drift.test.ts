import { expect } from 'chai';
import { applySchoolDelta, ProgressRollup } from '../../server/src/reports/progress';
import { useTestDatabase } from '../helpers/db';

describe('progress rollups', function () {
  this.timeout(120_000);
  useTestDatabase('progress_drift');

  it('first reports of many schools of a new region at once: no duplicate-key failure, none lost', async () => {
    const school = { regionCode: '350203', regionPath: ['000000', '350000', '350200', '350203'] };
    const none = { reported: false, auto: false, confirmed: false };
    const yes = { reported: true, auto: false, confirmed: false };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => applySchoolDelta('2026Q4', school, none, yes, new Date('2027-01-03T10:00:00+08:00'))),
    );
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    ).to.deep.equal([]);
    const doc = await ProgressRollup.findById('2026Q4:350203').lean();
    expect(doc?.totals.submitted).to.be.greaterThan(0);
  });
});
