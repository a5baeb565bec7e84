// A report view lists the actions its caller may take (ReportView.actions), decided where the actions
// are decided (server/src/reports/service.ts reportActions runs each action's own checks): for every
// report state × caller × the upper level's own report (open or reported), each listed action is
// accepted (200) and each unlisted one refused (403 or 409) — the app draws its buttons from the list.
import { expect } from 'chai';
import { REPORT_VIEW_ACTIONS, type ReportState, type ReportViewAction } from '../../../shared/src';
import { Report } from '../../../server/src/reports/model';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-04 10:00 Shanghai: inside the county window for 2026Q4 (schools report with the counties).
const clock = manualClock('2027-01-04T10:00:00+08:00');
const PERIOD = '2026Q4';
const SCHOOL_STATES = ['none', 'draft', 'submitted', 'locked', 'returned', 'withdrawalRequested'] as const;
type StateName = (typeof SCHOOL_STATES)[number];
const CALLERS = ['school', 'countyAdmin', 'countyAuditor', 'countyInspector', 'otherCounty', 'city'] as const;
type Caller = (typeof CALLERS)[number];

/** What each caller should be offered: the rule the table checks the server against, written once here. */
function expected(state: StateName, caller: Caller, upperReported: boolean): ReportViewAction[] {
  const out: ReportViewAction[] = [];
  const editable = state === 'none' || state === 'draft' || state === 'returned';
  if (caller === 'school') {
    if (editable) out.push('edit', 'submit');
    if (state === 'submitted' || state === 'locked') out.push('requestWithdrawal');
  }
  if (caller === 'countyAdmin' || caller === 'countyAuditor') {
    if (state === 'withdrawalRequested') {
      if (!upperReported) out.push('approveWithdrawal');
      out.push('rejectWithdrawal');
    }
    if (!upperReported && ['submitted', 'locked', 'withdrawalRequested'].includes(state)) out.push('return');
  }
  return out;
}

describe('report views list exactly the actions the server accepts', function () {
  this.timeout(600_000);
  let server: TestServer;
  const t = {} as Record<Caller, string>;
  let schoolId = '';
  let unit: { _id: unknown; regionCode: string; regionPath: string[] };
  let version = 1;
  const path = () => `/schools/${schoolId}/reports/${PERIOD}`;

  before(async () => {
    server = await startTestServer('report_actions', { options: { clock } });
    const s = await school('鼓楼按钮小学', '350102');
    unit = s.toObject();
    schoolId = String(s._id);
    await schoolAdmin('actions_school', s);
    await regionUser('actions_admin', '350102', 'admin');
    await regionUser('actions_auditor', '350102', 'auditor');
    await regionUser('actions_inspector', '350102', 'inspector');
    await regionUser('actions_other', '350103', 'admin');
    await regionUser('actions_city', '350100', 'admin');
    const logins: Record<Caller, string> = {
      school: 'actions_school',
      countyAdmin: 'actions_admin',
      countyAuditor: 'actions_auditor',
      countyInspector: 'actions_inspector',
      otherCounty: 'actions_other',
      city: 'actions_city',
    };
    for (const c of CALLERS) t[c] = await server.login(logins[c], PASSWORD);
    // Last period was reported: an unsaved report starts from it and can be submitted as it stands.
    await Report.insertMany(schoolDoc('2026Q3', 'submitted'));
  });
  after(async () => {
    await server?.close();
  });

  const schoolDoc = (period: string, state: ReportState, extra: Record<string, unknown> = {}) =>
    schoolReportDoc(period, unit, { state, data: goodSchoolReport, version: (version += 1000), ...extra });

  /** Plants the school's report in `state` and the county's own report reported (locked) or not (draft). */
  async function plant(state: StateName, upperReported: boolean) {
    await Report.deleteMany({ _id: { $in: [`${PERIOD}:school:${schoolId}`, `${PERIOD}:region:350102`] } });
    if (state !== 'none') {
      const extra =
        state === 'returned'
          ? { returnDeadline: new Date('2027-01-10T00:00:00+08:00') }
          : state === 'withdrawalRequested'
            ? { stateBeforeWithdrawal: 'submitted' }
            : {};
      await Report.insertMany(schoolDoc(PERIOD, state, extra));
    }
    await Report.create({
      _id: `${PERIOD}:region:350102`,
      period: PERIOD,
      unitKind: 'region',
      regionCode: '350102',
      regionPath: ['000000', '350000', '350100'],
      state: upperReported ? 'locked' : 'draft',
      data: {},
      history: [],
      version: (version += 1000),
    });
  }

  function perform(action: ReportViewAction, token: string) {
    switch (action) {
      case 'edit':
        return server.api(path(), { method: 'PUT', token, body: { data: goodSchoolReport } });
      case 'submit':
        return server.api(`${path()}/submit`, { method: 'POST', token });
      case 'requestWithdrawal':
        return server.api(`${path()}/withdrawal`, { token, body: { reason: '学生人数填错' } });
      case 'approveWithdrawal':
        return server.api(`${path()}/withdrawal/decision`, { token, body: { approve: true } });
      case 'rejectWithdrawal':
        return server.api(`${path()}/withdrawal/decision`, {
          token,
          body: { approve: false, reason: '数据无误，无需撤报' },
        });
      case 'return':
        return server.api(`${path()}/return`, {
          token,
          body: { reason: '请核实在校生数', deadline: '2027-01-12T00:00:00+08:00' },
        });
    }
  }

  for (const upperReported of [false, true]) {
    for (const state of SCHOOL_STATES) {
      it(`${state}, county report ${upperReported ? 'reported' : 'open'}: each caller's list = what succeeds`, async () => {
        const readers = CALLERS.filter((c) => c !== 'otherCounty');
        expect(readers).to.have.length(5);
        // list-checked: five readers (asserted above)
        for (const caller of readers) {
          await plant(state, upperReported);
          const read = await server.api(path(), { token: t[caller] });
          expect(read.status, `${caller} reads: ${JSON.stringify(read.body)}`).to.equal(200);
          expect(read.body.actions, `${caller} in ${state}`).to.deep.equal(
            expected(state, caller, upperReported),
          );
          expect(REPORT_VIEW_ACTIONS).to.have.length(6);
          // list-checked: REPORT_VIEW_ACTIONS has six entries (asserted above)
          for (const action of REPORT_VIEW_ACTIONS) {
            await plant(state, upperReported);
            const res = await perform(action, t[caller]);
            const listed = (read.body.actions as string[]).includes(action);
            const what = `${caller} ${action} in ${state}: ${JSON.stringify(res.body)}`;
            if (listed) {
              expect(res.status, what).to.equal(200);
              // The answer lists what the caller may do next, from the new state.
              expect(res.body.actions, what).to.be.an('array');
            } else expect([403, 409], what).to.include(res.status);
          }
        }
      });
    }
  }

  it('an outsider cannot read the report (403), so is offered nothing', async () => {
    await plant('submitted', false);
    const res = await server.api(path(), { token: t.otherCounty });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('OUTSIDE_JURISDICTION');
  });

  it('不批准 needs a reason (400 REASON_REQUIRED, nothing changes); the reason is kept in the history', async () => {
    await plant('withdrawalRequested', false);
    const bare = await server.api(`${path()}/withdrawal/decision`, {
      token: t.countyAdmin,
      body: { approve: false },
    });
    expect(bare.status).to.equal(400);
    expect(bare.body.error).to.deep.include({ code: 'REASON_REQUIRED' });
    expect(bare.body.error.details).to.deep.include({ property: 'reason' });
    expect((await Report.findById(`${PERIOD}:school:${schoolId}`).lean())?.state).to.equal(
      'withdrawalRequested',
    );
    const res = await server.api(`${path()}/withdrawal/decision`, {
      token: t.countyAdmin,
      body: { approve: false, reason: '数据无误，无需撤报' },
    });
    expect(res.status).to.equal(200);
    const seen = await server.api(path(), { token: t.school });
    expect(seen.body.history.at(-1)).to.deep.include({
      from: 'withdrawalRequested',
      to: 'submitted',
      reason: '数据无误，无需撤报',
    });
  });
});
