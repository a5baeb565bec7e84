// A report change interrupted by a crash is finished when the server is back — before anyone acts on the
// report again — with its audit entry and its follow-ups; it never lands later over the user's next edit.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { AuditEntry } from '../../../server/src/audit/model';
import { claimChange, ReportClaim } from '../../../server/src/reports/claims';
import { Report } from '../../../server/src/reports/model';
import { reconcileReports } from '../../../server/src/reports/reconcile';
import { schoolUnit, transition } from '../../../server/src/reports/service';
import { School } from '../../../server/src/schools/model';
import { goodSchoolReport } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('report changes interrupted by a crash', function () {
  this.timeout(60_000);
  let server: TestServer;
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  /** What startServer runs before it listens: every claim left by the previous process is finished. */
  const restart = () => reconcileReports(deps, { before: clock() });

  before(async () => {
    server = await startTestServer('report_crash', { options: { clock } });
    await regionUser('crashCounty', '350102', 'admin');
  });
  after(async () => {
    await server?.close();
  });

  async function draftOf(name: string, login: string) {
    const s = await school(name, '350102');
    await schoolAdmin(login, s);
    const token = await server.login(login, PASSWORD);
    const path = `/schools/${s._id}/reports/2026Q4`;
    expect(
      (await server.api(path, { method: 'PUT', token, body: { data: goodSchoolReport } })).status,
    ).to.equal(200);
    return { s, token, path, id: `2026Q4:school:${s._id}` };
  }

  it('a submission claimed but not applied is done at restart; the next edit sees it, nothing lands later', async () => {
    const { s, token, path, id } = await draftOf('断电小学', 'crashSchool1');
    const before = (await Report.findById(id).lean())!;
    const actor = { userId: new Types.ObjectId(), name: 'crashSchool1' };
    // The process died right after claiming the submission's version.
    await claimChange(
      clock,
      before,
      {
        $set: { state: 'submitted', submittedAt: clock(), autoSubmitted: false },
        $push: { history: { at: clock(), from: 'draft', to: 'submitted' } },
      },
      {
        audit: {
          id: new Types.ObjectId(),
          actor,
          input: { action: 'report.submit', targetType: 'report', targetId: id, regionPath: s.regionPath },
        },
        markInitialized: true,
      },
    );
    clock.set('2027-01-03T10:00:05+08:00'); // back within seconds
    await restart();

    const seen = await server.api(path, { token });
    expect(seen.body.state).to.equal('submitted');
    expect(await AuditEntry.countDocuments({ action: 'report.submit', targetId: id })).to.equal(1);
    expect((await School.findById(s._id).lean())?.initialized).to.equal(true);
    expect(await ReportClaim.countDocuments({ reportId: id })).to.equal(0);

    // The user's next edit is answered by the state they see, and nothing rolls over it afterwards.
    clock.set('2027-01-03T10:05:00+08:00');
    const edit = await server.api(path, { method: 'PUT', token, body: { data: goodSchoolReport } });
    expect(edit.status).to.equal(409);
    expect(edit.body.error.code).to.equal('REPORT_LOCKED');
    const report = (await Report.findById(id).lean())!;
    expect(report.history.filter((h) => h.to === 'submitted')).to.have.length(1);
  });

  it('an edit made after the restart is never overwritten by an earlier interrupted change', async () => {
    const { token, path, id } = await draftOf('断电中学', 'crashSchool2');
    const before = (await Report.findById(id).lean())!;
    await claimChange(clock, before, { $set: { data: { ...goodSchoolReport, 学生数: 1 } } });
    clock.set('2027-01-03T10:06:00+08:00');
    await restart();
    const edited = { ...goodSchoolReport };
    const put = await server.api(path, { method: 'PUT', token, body: { data: edited } });
    expect(put.status).to.equal(200);
    clock.set('2027-01-03T10:30:00+08:00');
    await reconcileReports(deps); // the minute job, long after
    expect((await Report.findById(id).lean())?.data).to.deep.equal(edited);
  });

  it('a submission applied but cut off before its follow-ups gets its audit entry once', async () => {
    const { s, path, id } = await draftOf('半途小学', 'crashSchool3');
    const actor = { userId: new Types.ObjectId(), name: 'crashSchool3' };
    // Claimed, applied and counted; the process died before the audit entry and the initialized flag.
    await transition(deps, await schoolUnit(String(s._id)), '2026Q4', ['draft'], 'submitted', {
      action: '上报',
      set: { submittedAt: clock(), autoSubmitted: false },
      audit: { actor, action: 'report.submit' },
      followUps: { markInitialized: true },
    });
    expect(await AuditEntry.countDocuments({ action: 'report.submit', targetId: id })).to.equal(0);
    clock.set('2027-01-03T11:00:00+08:00');
    await restart();
    await restart();
    expect(await AuditEntry.countDocuments({ action: 'report.submit', targetId: id })).to.equal(1);
    expect((await School.findById(s._id).lean())?.initialized).to.equal(true);
    const county = await server.api('/regions/350102/progress?period=2026Q4', {
      token: await server.login('crashCounty', PASSWORD),
    });
    const reported = await Report.countDocuments({
      unitKind: 'school',
      regionCode: '350102',
      state: 'submitted',
    });
    expect(reported).to.be.greaterThan(0);
    expect(county.body.totals.submitted).to.equal(reported);
    expect(
      (await server.api(path, { token: await server.login('crashSchool3', PASSWORD) })).body.state,
    ).to.equal('submitted');
  });
});
