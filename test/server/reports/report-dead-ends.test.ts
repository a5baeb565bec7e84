// The reporting rules have no dead ends: after a deadline every (state, action) pair is either allowed
// or refused with a message that is true; an approved withdrawal reopens with a time limit; a unit whose
// own report is reported cannot change what it reported (locks across levels); and the regions under
// the package's grouping rows (东城区, 济源) are governed by their real parent (北京市, 河南省).
import { expect } from 'chai';
import { Report, type ReportDoc } from '../../../server/src/reports/model';
import { autoSubmitExpiredReturns } from '../../../server/src/reports/autosubmit';
import { loadConfig } from '../../../server/src/config';
import { goodSchoolReport } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { RETURNABLE_STATES, type ReportState } from '../../../shared/src';

// 2027-01-08 10:00 Shanghai: 2026Q4's county deadline (6 Jan) has passed, the city window is open.
const clock = manualClock('2027-01-08T10:00:00+08:00');
const calendar = loadConfig({}).calendar;

type StateName =
  'none' | 'draft' | 'submitted' | 'locked' | 'returnedOpen' | 'returnedExpired' | 'withdrawalRequested';
type Action = 'save' | 'submit' | 'confirm' | 'withdraw' | 'approve' | 'reject' | 'return';
/** 200 with the resulting state, or the refusal's status, code and a pattern its message must match. */
type Outcome = { ok: ReportState } | { status: number; code: string; message: RegExp };

const ok = (state: ReportState): Outcome => ({ ok: state });
const no = (code: string, message: RegExp, status = 409): Outcome => ({ status, code, message });
const deadline = no('DEADLINE_PASSED', /^本级上报截止时间 2027年1月5日 24:00 已过，不能再填报或上报/);
const notReported = no('REPORT_STATE_CONFLICT', /^报表尚未上报$/);
const inState = (label: string, action: string) =>
  no('REPORT_STATE_CONFLICT', new RegExp(`^报表当前${label}，不能${action}$`));
const expired = no('RETURN_EXPIRED', /^限时修改的期限 2027年1月6日 24:00 已过，报表将按现有数据自动上报/);
const pending = no('REPORT_LOCKED', /^撤报申请正在等待上级审批/);
// A returned report is not returned again: that would overwrite the reason and limit (seed 001 §19).
const returnedAlready = no('REPORT_STATE_CONFLICT', /^报表已退回，等待重新上报$/);
const lockedEdit = (label: string) =>
  no('REPORT_LOCKED', new RegExp(`^报表${label}，不能修改；如需修改，请向上级提交撤报申请$`));
const lockedSubmit = (label: string) => no('REPORT_LOCKED', new RegExp(`^报表${label}，无需重复上报`));

const table: Record<StateName, Record<Action, Outcome>> = {
  none: {
    save: deadline,
    submit: deadline,
    confirm: deadline,
    withdraw: notReported,
    approve: notReported,
    reject: notReported,
    return: notReported,
  },
  draft: {
    save: deadline,
    submit: deadline,
    confirm: deadline,
    withdraw: inState('填报中', '申请撤报'),
    approve: inState('填报中', '审批撤报申请'),
    reject: inState('填报中', '审批撤报申请'),
    return: inState('填报中', '退回'),
  },
  submitted: {
    save: lockedEdit('已上报'),
    submit: lockedSubmit('已上报'),
    confirm: lockedSubmit('已上报'),
    withdraw: ok('withdrawalRequested'),
    approve: inState('已上报', '审批撤报申请'),
    reject: inState('已上报', '审批撤报申请'),
    return: ok('returned'),
  },
  locked: {
    save: lockedEdit('已锁定'),
    submit: lockedSubmit('已锁定'),
    confirm: lockedSubmit('已锁定'),
    withdraw: ok('withdrawalRequested'),
    approve: inState('已锁定', '审批撤报申请'),
    reject: inState('已锁定', '审批撤报申请'),
    return: ok('returned'),
  },
  returnedOpen: {
    save: ok('returned'),
    submit: ok('submitted'),
    confirm: ok('submitted'),
    withdraw: inState('已退回', '申请撤报'),
    approve: inState('已退回', '审批撤报申请'),
    reject: inState('已退回', '审批撤报申请'),
    return: returnedAlready,
  },
  returnedExpired: {
    save: expired,
    submit: expired,
    confirm: expired,
    withdraw: inState('已退回', '申请撤报'),
    approve: inState('已退回', '审批撤报申请'),
    reject: inState('已退回', '审批撤报申请'),
    return: returnedAlready,
  },
  withdrawalRequested: {
    save: pending,
    submit: pending,
    confirm: pending,
    withdraw: inState('撤报申请中', '申请撤报'),
    approve: ok('returned'),
    reject: ok('submitted'),
    return: ok('returned'),
  },
};

describe('the returnable states the app offers 退回 in', () => {
  it('are exactly the states the table returns', () => {
    const stateOf = (name: StateName) => (name.startsWith('returned') ? 'returned' : name);
    for (const [name, row] of Object.entries(table) as [StateName, Record<Action, Outcome>][]) {
      if (name === 'none') continue;
      expect(RETURNABLE_STATES.includes(stateOf(name) as ReportState), name).to.equal('ok' in row.return);
    }
  });
});

describe('reporting rules: no dead ends', function () {
  this.timeout(180_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  let gulouSchool: string;
  let taijiangSchool: string;

  before(async () => {
    server = await startTestServer('dead_ends', { options: { clock } });
    const a = await school('鼓楼实验小学', '350102');
    const b = await school('台江第三中心小学', '350103');
    gulouSchool = String(a._id);
    taijiangSchool = String(b._id);
    await schoolAdmin('gulouSchool', a);
    await schoolAdmin('taijiangSchool', b);
    await regionUser('gulouAdmin', '350102', 'admin');
    await regionUser('taijiangAdmin', '350103', 'admin');
    await regionUser('taijiangAuditor', '350103', 'auditor');
    await regionUser('fuzhouAdmin', '350100', 'admin');
    await regionUser('beijingAdmin', '110000', 'admin');
    await regionUser('dongchengAdmin', '110101', 'admin');
    await regionUser('henanAdmin', '410000', 'admin');
    for (const name of [
      'gulouSchool',
      'taijiangSchool',
      'gulouAdmin',
      'taijiangAdmin',
      'taijiangAuditor',
      'fuzhouAdmin',
      'beijingAdmin',
      'dongchengAdmin',
      'henanAdmin',
    ])
      t[name] = await server.login(name, PASSWORD);
    // Last period was reported, so "no change" has something to copy.
    await Report.create(reportDoc('2026Q3', gulouSchool, 'submitted'));
  });
  after(async () => {
    await server?.close();
  });

  // Each planted report starts at a fresh version: versions are claimed once (reports/claims.ts).
  let version = 1;
  function reportDoc(period: string, schoolId: string, state: ReportState, extra: Partial<ReportDoc> = {}) {
    return {
      _id: `${period}:school:${schoolId}`,
      period,
      unitKind: 'school' as const,
      schoolId,
      regionCode: '350102',
      regionPath: ['000000', '350000', '350100', '350102'],
      state,
      data: goodSchoolReport,
      history: [],
      version: (version += 1000),
      ...extra,
    };
  }

  async function putState(name: StateName) {
    const id = `2026Q4:school:${gulouSchool}`;
    await Report.deleteOne({ _id: id });
    if (name === 'none') return;
    const extra: Partial<ReportDoc> =
      name === 'returnedOpen'
        ? { returnDeadline: new Date('2027-01-10T00:00:00+08:00') }
        : name === 'returnedExpired'
          ? { returnDeadline: new Date('2027-01-07T00:00:00+08:00') }
          : name === 'withdrawalRequested'
            ? { stateBeforeWithdrawal: 'submitted' }
            : {};
    const state: ReportState = name.startsWith('returned') ? 'returned' : (name as ReportState);
    await Report.create(reportDoc('2026Q4', gulouSchool, state, extra));
  }

  function act(action: Action) {
    const path = `/schools/${gulouSchool}/reports/2026Q4`;
    const school = t.gulouSchool;
    const county = t.gulouAdmin;
    switch (action) {
      case 'save':
        return server.api(path, { method: 'PUT', token: school, body: { data: goodSchoolReport } });
      case 'submit':
        return server.api(`${path}/submit`, { method: 'POST', token: school });
      case 'confirm':
        return server.api(`${path}/confirm`, { method: 'POST', token: school });
      case 'withdraw':
        return server.api(`${path}/withdrawal`, { token: school, body: { reason: '学生人数填错' } });
      case 'approve':
        return server.api(`${path}/withdrawal/decision`, { token: county, body: { approve: true } });
      case 'reject':
        return server.api(`${path}/withdrawal/decision`, {
          token: county,
          body: { approve: false, reason: '数据无误' },
        });
      case 'return':
        return server.api(`${path}/return`, {
          token: county,
          body: { reason: '请核实在校生数', deadline: '2027-01-12T00:00:00+08:00' },
        });
    }
  }

  for (const [state, row] of Object.entries(table) as [StateName, Record<Action, Outcome>][]) {
    for (const [action, expected] of Object.entries(row) as [Action, Outcome][]) {
      it(`after the deadline, ${state} × ${action} → ${'ok' in expected ? expected.ok : expected.code}`, async () => {
        await putState(state);
        const res = await act(action);
        if ('ok' in expected) {
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          expect(res.body.state).to.equal(expected.ok);
          if (expected.ok === 'returned') expect(res.body.returnDeadline).to.be.a('string');
        } else {
          expect(res.status, JSON.stringify(res.body)).to.equal(expected.status);
          expect(res.body.error.code).to.equal(expected.code);
          expect(res.body.error.message).to.match(expected.message);
        }
      });
    }
  }

  it('an approved withdrawal after the deadline opens a time-limited window: edit, submit; else auto-submitted', async () => {
    await putState('submitted');
    const path = `/schools/${gulouSchool}/reports/2026Q4`;
    await server.api(`${path}/withdrawal`, { token: t.gulouSchool, body: { reason: '学生人数填错' } });
    const approve = await server.api(`${path}/withdrawal/decision`, {
      token: t.gulouAdmin,
      body: { approve: true, reason: '同意修改' },
    });
    expect(approve.body).to.deep.include({ state: 'returned', returnDeadline: '2027-01-11T10:00:00+08:00' });
    const edit = await server.api(path, {
      method: 'PUT',
      token: t.gulouSchool,
      body: { data: { ...goodSchoolReport, students: 500 } },
    });
    expect(edit.status).to.equal(200);
    expect(
      (await server.api(`${path}/submit`, { method: 'POST', token: t.gulouSchool })).body.state,
    ).to.equal('submitted');

    // A window the school lets pass ends in an automatic submission, not a stuck draft.
    await server.api(`${path}/withdrawal`, { token: t.gulouSchool, body: { reason: '再改一次' } });
    const limited = await server.api(`${path}/withdrawal/decision`, {
      token: t.gulouAdmin,
      body: { approve: true, deadline: '2027-01-09T00:00:00+08:00' },
    });
    expect(limited.body.returnDeadline).to.equal('2027-01-09T00:00:00+08:00');
    clock.set('2027-01-09T00:01:00+08:00');
    try {
      expect(await autoSubmitExpiredReturns({ clock, calendar })).to.equal(1);
      const after = await Report.findById(`2026Q4:school:${gulouSchool}`).lean();
      expect(after).to.deep.include({ state: 'submitted', autoSubmitted: true });
      expect(after?.data.students).to.equal(500);
    } finally {
      clock.set('2027-01-08T10:00:00+08:00');
    }
  });

  it('a refused second return keeps the first return’s reason and time limit', async () => {
    await putState('submitted');
    const path = `/schools/${gulouSchool}/reports/2026Q4`;
    const first = await server.api(`${path}/return`, {
      token: t.gulouAdmin,
      body: { reason: '请核实在校生数', deadline: '2027-01-12T18:00:00+08:00' },
    });
    expect(first.body.state).to.equal('returned');
    const second = await server.api(`${path}/return`, {
      token: t.gulouAdmin,
      body: { reason: '另一个理由', deadline: '2027-01-20T00:00:00+08:00' },
    });
    expect(second.status).to.equal(409);
    const after = await server.api(path, { token: t.gulouSchool });
    expect(after.body.returnDeadline).to.equal('2027-01-12T18:00:00+08:00');
    expect(after.body.history.map((h: { reason?: string }) => h.reason)).to.deep.equal(['请核实在校生数']);
  });

  describe('locks across levels (台江区 350103, field case)', () => {
    const schoolPath = () => `/schools/${taijiangSchool}/reports/2026Q4`;
    const countyPath = '/regions/350103/reports/2026Q4';

    before(async () => {
      await Report.create({
        ...reportDoc('2026Q4', taijiangSchool, 'locked'),
        regionCode: '350103',
        regionPath: ['000000', '350000', '350100', '350103'],
        data: { ...goodSchoolReport, students: 576 },
      });
      await Report.create({
        _id: '2026Q4:region:350103',
        period: '2026Q4',
        unitKind: 'region',
        regionCode: '350103',
        regionPath: ['000000', '350000', '350100'],
        state: 'locked',
        data: { platformUsed: true, platformSource: '省级提供', metroNetwork: false },
        history: [],
        version: 1,
      });
    });

    it('a county whose own report is locked can neither return a school nor approve its withdrawal', async () => {
      const ret = await server.api(`${schoolPath()}/return`, {
        token: t.taijiangAdmin,
        body: { reason: '请核实', deadline: '2027-01-12T00:00:00+08:00' },
      });
      expect(ret.status).to.equal(409);
      expect(ret.body.error.code).to.equal('UPPER_REPORTED');
      expect(ret.body.error.message).to.equal(
        '台江区本期报表已锁定，不能退回下级或批准撤报；请先由台江区向上级申请撤报，获批后再处理',
      );
      const ask = await server.api(`${schoolPath()}/withdrawal`, {
        token: t.taijiangSchool,
        body: { reason: '在校生数填错' },
      });
      expect(ask.body.state).to.equal('withdrawalRequested');
      const approve = await server.api(`${schoolPath()}/withdrawal/decision`, {
        token: t.taijiangAdmin,
        body: { approve: true },
      });
      expect(approve.status).to.equal(409);
      expect(approve.body.error.code).to.equal('UPPER_REPORTED');
      expect((await Report.findById(`2026Q4:school:${taijiangSchool}`).lean())?.state).to.equal(
        'withdrawalRequested',
      );
    });

    it('once the city returns the county report, the county may reopen the school; both report again', async () => {
      const cityReturns = await server.api(`${countyPath}/return`, {
        token: t.fuzhouAdmin,
        body: { reason: '请核实台江第三中心小学的在校生数', deadline: '2027-01-10T00:00:00+08:00' },
      });
      expect(cityReturns.body.state).to.equal('returned');
      const approve = await server.api(`${schoolPath()}/withdrawal/decision`, {
        token: t.taijiangAdmin,
        body: { approve: true },
      });
      expect(approve.status).to.equal(200);
      expect(approve.body.state).to.equal('returned');
      await server.api(schoolPath(), {
        method: 'PUT',
        token: t.taijiangSchool,
        body: { data: { ...goodSchoolReport, students: 876 } },
      });
      expect(
        (await server.api(`${schoolPath()}/submit`, { method: 'POST', token: t.taijiangSchool })).body.state,
      ).to.equal('submitted');
      const county = await server.api(`${countyPath}/submit`, { method: 'POST', token: t.taijiangAuditor });
      expect(county.status, JSON.stringify(county.body)).to.equal(200);
      // The county's submission locks the school's changed report under it again.
      expect(await Report.findById(`2026Q4:school:${taijiangSchool}`).lean()).to.deep.include({
        state: 'locked',
      });
    });
  });

  describe('regions under the grouping rows are governed by their real parent', () => {
    it('北京市 returns 东城区’s report; 东城区 reports at the county level with 北京市 as its upper level', async () => {
      await Report.create({
        _id: '2026Q4:region:110101',
        period: '2026Q4',
        unitKind: 'region',
        regionCode: '110101',
        regionPath: ['000000', '110000'],
        state: 'submitted',
        data: {},
        history: [],
        version: 1,
      });
      const res = await server.api('/regions/110101/reports/2026Q4/return', {
        token: t.beijingAdmin,
        body: { reason: '请补充数据', deadline: '2027-01-12T00:00:00+08:00' },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.include({ state: 'returned', level: 'county' });
    });

    it('北京市’s progress drills down to its districts; 河南省’s to 济源', async () => {
      const bj = await server.api('/regions/110000/progress?period=2026Q4', { token: t.beijingAdmin });
      expect(bj.status).to.equal(200);
      const codes = bj.body.children.map((c: { code: string }) => c.code);
      expect(codes).to.include('110101');
      expect(codes).to.not.include('110100');
      const hn = await server.api('/regions/410000/children', { token: t.henanAdmin });
      expect(hn.status).to.equal(200);
      expect(JSON.stringify(hn.body)).to.include('419001');
    });

    it('北京市 issues a permission code for 东城区 and 河南省 for 济源; 110100 and 419000 are no regions', async () => {
      for (const [token, code] of [
        [t.beijingAdmin, '110101'],
        [t.henanAdmin, '419001'],
      ]) {
        const res = await server.api('/permission-codes', {
          token,
          body: { kind: 'region', role: 'admin', regionCode: code },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
      for (const code of ['110100', '419000']) {
        const res = await server.api('/permission-codes', {
          token: t.beijingAdmin,
          body: { kind: 'region', role: 'admin', regionCode: code },
        });
        expect(res.status).to.be.oneOf([400, 404]);
      }
    });
  });
});
