import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { AuditEntry } from '../../../server/src/audit/model';
import { autoSubmitExpiredReturns, type RunFigures } from '../../../server/src/reports/autosubmit';
import { Report } from '../../../server/src/reports/model';
import { ReturnHint } from '../../../server/src/reports/return-hints';
import { schoolUnit, transition } from '../../../server/src/reports/service';
import { Region } from '../../../server/src/regions/model';
import { School } from '../../../server/src/schools/model';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { useTestDatabase } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

// Expired returns are found through the hints a return notes (return-hints.ts), not by scanning every
// report: reported once, with their audit entry, and only while the report still waits on that limit.

describe('expired returns found through return hints', function () {
  this.timeout(120_000);
  useTestDatabase('return_hints');
  const clock = manualClock('2027-01-04T10:00:00+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  const at = (iso: string) => new Date(iso);
  let n = 0;

  /** A school with a submitted 2026Q4 report; returns its unit and report id. */
  async function submittedSchool() {
    const [s] = await School.insertMany([
      { name: `退回小学${++n}`, type: '小学', regionCode: '350102', regionPath: miniRegionPath('350102') },
    ]);
    const id = `2026Q4:school:${s._id}`;
    await Report.insertMany([
      schoolReportDoc('2026Q4', s, { state: 'submitted', data: goodSchoolReport, version: 1 }),
    ]);
    return { unit: await schoolUnit(String(s._id)), id };
  }
  const returnIt = (unit: Awaited<ReturnType<typeof schoolUnit>>, limit: string) =>
    transition(deps, unit, '2026Q4', ['submitted', 'returned'], 'returned', {
      action: '退回',
      reason: '请核实',
      set: { returnDeadline: at(limit), autoSubmitted: false },
    });
  const autoAudits = (id: string) => AuditEntry.countDocuments({ action: 'report.autosubmit', targetId: id });

  before(async () => {
    await Region.insertMany(miniRegions);
  });

  it('a return whose limit passes is reported once, with its audit entry, and its hint removed', async () => {
    const { unit, id } = await submittedSchool();
    await returnIt(unit, '2027-01-05T00:00:00+08:00');
    expect(await ReturnHint.findById(id).lean()).to.deep.include({
      returnDeadline: at('2027-01-05T00:00:00+08:00'),
    });
    expect(await autoSubmitExpiredReturns(deps)).to.equal(0); // not yet
    clock.set('2027-01-05T00:01:00+08:00');
    const figures: RunFigures = { deadlines: [] };
    expect(await autoSubmitExpiredReturns(deps, undefined, figures)).to.equal(1);
    expect(figures.expiredReturns).to.deep.include({ reported: 1, hints: 1 });
    expect(await Report.findById(id).lean()).to.deep.include({ state: 'submitted', autoSubmitted: true });
    expect(await autoAudits(id)).to.equal(1);
    expect(await ReturnHint.countDocuments({ _id: id })).to.equal(0);
    expect(await autoSubmitExpiredReturns(deps)).to.equal(0); // once
    expect(await autoAudits(id)).to.equal(1);
  });

  it('a report returned again waits for the new limit; one resubmitted in time is left alone', async () => {
    clock.set('2027-01-04T10:00:00+08:00');
    const again = await submittedSchool();
    const resubmitted = await submittedSchool();
    await returnIt(again.unit, '2027-01-05T00:00:00+08:00');
    await returnIt(again.unit, '2027-01-07T00:00:00+08:00');
    await returnIt(resubmitted.unit, '2027-01-05T00:00:00+08:00');
    await transition(deps, resubmitted.unit, '2026Q4', ['returned'], 'submitted', { action: '上报' });

    clock.set('2027-01-05T12:00:00+08:00');
    expect(await autoSubmitExpiredReturns(deps)).to.equal(0);
    expect(await Report.findById(again.id).lean()).to.deep.include({ state: 'returned' });
    expect(await ReturnHint.countDocuments({ _id: resubmitted.id })).to.equal(0); // no longer waiting
    expect(await ReturnHint.countDocuments({ _id: again.id })).to.equal(1);

    clock.set('2027-01-07T00:01:00+08:00');
    expect(await autoSubmitExpiredReturns(deps)).to.equal(1);
    expect(await Report.findById(again.id).lean()).to.deep.include({
      state: 'submitted',
      autoSubmitted: true,
    });
    expect(await Report.findById(resubmitted.id).lean()).to.deep.include({ state: 'submitted' });
    expect(await autoAudits(resubmitted.id)).to.equal(0);
    expect(await ReturnHint.countDocuments()).to.equal(0);
  });
});
