import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { AuditEntry } from '../../../server/src/audit/model';
import { autoSubmitDeadline, autoSubmitExpiredReturns } from '../../../server/src/reports/autosubmit';
import { Report, type ReportDoc } from '../../../server/src/reports/model';
import { schoolUnit, transition } from '../../../server/src/reports/service';
import { Region } from '../../../server/src/regions/model';
import { School } from '../../../server/src/schools/model';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { useTestDatabase } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

// The note an automatic report leaves in the history and the audit trail names what the unit missed:
// a return's time limit (seed 001 §19, 限时修改) or the deadline — also when a run catching up after
// both closes a returned report at the deadline (the demo's loaded history, a server down for days).

describe('why a report was reported automatically (history note and audit reason)', function () {
  this.timeout(120_000);
  useTestDatabase('auto_reasons');
  const clock = manualClock('2027-01-02T10:00:00+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  let n = 0;

  async function school(state: 'submitted' | 'draft', regionCode = '350102') {
    const [s] = await School.insertMany([
      { name: `理由小学${++n}`, type: '小学', regionCode, regionPath: miniRegionPath(regionCode) },
    ]);
    await Report.insertMany([schoolReportDoc('2026Q4', s, { state, data: goodSchoolReport, version: 1 })]);
    return { unit: await schoolUnit(String(s._id)), id: `2026Q4:school:${s._id}` };
  }
  const returnIt = (unit: Awaited<ReturnType<typeof schoolUnit>>, limit: string) =>
    transition(deps, unit, '2026Q4', ['submitted'], 'returned', {
      action: '退回',
      reason: '请核实',
      set: { returnDeadline: new Date(limit), autoSubmitted: false },
    });
  async function autoNote(id: string) {
    const r = await Report.findById(id).lean<ReportDoc>();
    const auto = r!.history.filter((h) => h.auto && h.to === 'submitted');
    expect(auto, id).to.have.length(1);
    const audits = await AuditEntry.find({ action: 'report.autosubmit', targetId: id }).lean();
    expect(audits, id).to.have.length(1);
    return { history: auto[0].reason, audit: (audits[0] as { reason?: string }).reason };
  }

  before(async () => {
    await Region.insertMany(miniRegions);
  });

  it('an expired return names its limit', async () => {
    const { unit, id } = await school('submitted');
    await returnIt(unit, '2027-01-04T18:00:00+08:00');
    clock.set('2027-01-04T18:05:00+08:00');
    expect(await autoSubmitExpiredReturns(deps)).to.equal(1);
    const why = '退回修改期限 2027年1月4日 18:00 已到，按现有数据自动上报';
    expect(await autoNote(id)).to.deep.equal({ history: why, audit: why });
  });

  it('a deadline run catching up after a later return limit names the limit; a draft names the deadline', async () => {
    clock.set('2027-01-02T10:00:00+08:00');
    const returned = await school('submitted');
    const draft = await school('draft');
    await returnIt(returned.unit, '2027-01-06T00:00:00+08:00'); // after the county deadline below
    clock.set('2027-01-10T09:00:00+08:00'); // both passed: the run catches up
    await autoSubmitDeadline(deps, '2026Q4', 'county', '2027-01-04T00:00:00+08:00');
    const limit = '退回修改期限 2027年1月5日 24:00 已到，按现有数据自动上报';
    expect(await autoNote(returned.id)).to.deep.equal({ history: limit, audit: limit });
    const deadline = '截止时间 2027年1月3日 24:00 已到，按现有数据自动上报';
    expect(await autoNote(draft.id)).to.deep.equal({ history: deadline, audit: deadline });
    expect(await Report.findById(returned.id).lean()).to.deep.include({
      state: 'locked',
      autoSubmitted: true,
    });
  });
});
