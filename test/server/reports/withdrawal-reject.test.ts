// A rejected withdrawal request (撤报申请未批准) restores the state the report had before the request
// (seed 001 §18): a submitted report stays submitted, a locked one locked (auto-submitted keeps its flag),
// and one whose upper level reported while the request was pending comes back locked, not submitted.
import { expect } from 'chai';
import { Report } from '../../../server/src/reports/model';
import { goodSchoolReport } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-04 10:00 Shanghai: inside the county window for 2026Q4 (schools report with the counties).
const clock = manualClock('2027-01-04T10:00:00+08:00');

describe('rejecting a withdrawal request restores the state before it', function () {
  this.timeout(180_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
  const path = (k: 'a' | 'b' | 'c') => `/schools/${ids[k]}/reports/2026Q4`;

  before(async () => {
    server = await startTestServer('withdrawal_reject', { options: { clock } });
    for (const k of ['a', 'b', 'c'] as const) {
      const s = await school(`鼓楼撤报小学${k}`, '350102');
      ids[k] = String(s._id);
      await schoolAdmin(`school_${k}`, s);
      t[k] = await server.login(`school_${k}`, PASSWORD);
    }
    await regionUser('gulou_admin', '350102', 'admin');
    await regionUser('gulou_auditor', '350102', 'auditor');
    t.admin = await server.login('gulou_admin', PASSWORD);
    t.auditor = await server.login('gulou_auditor', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  const submit = async (k: 'a' | 'b') => {
    const put = await server.api(path(k), { method: 'PUT', token: t[k], body: { data: goodSchoolReport } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const res = await server.api(`${path(k)}/submit`, { method: 'POST', token: t[k] });
    expect(res.body.state, JSON.stringify(res.body)).to.equal('submitted');
  };
  const ask = async (k: 'a' | 'b' | 'c') => {
    const res = await server.api(`${path(k)}/withdrawal`, { token: t[k], body: { reason: '学生人数填错' } });
    expect(res.body.state, JSON.stringify(res.body)).to.equal('withdrawalRequested');
  };
  /** The county rejects k's request; the report comes back in `state` with its autoSubmitted flag. */
  const rejectTo = async (k: 'a' | 'b' | 'c', state: string, autoSubmitted: boolean) => {
    const res = await server.api(`${path(k)}/withdrawal/decision`, {
      token: t.admin,
      body: { approve: false, reason: '数据无误，无需撤报' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.include({ state, autoSubmitted });
    expect(res.body.history.at(-1)).to.deep.include({ from: 'withdrawalRequested', to: state });
  };

  it('submitted → request → rejected: submitted again', async () => {
    await submit('b');
    await ask('b');
    await rejectTo('b', 'submitted', false);
  });

  it('locked (auto-submitted) → request → rejected: locked, still auto-submitted', async () => {
    await submit('a');
    await ask('a');
    // The county reports: c (never reported) is auto-submitted and locked; a's request is pending.
    const county = '/regions/350102/reports/2026Q4';
    await server.api(county, {
      method: 'PUT',
      token: t.admin,
      body: { data: { platformUsed: true, platformSource: '省级提供', metroNetwork: false } },
    });
    const up = await server.api(`${county}/submit`, { method: 'POST', token: t.auditor });
    expect(up.status, JSON.stringify(up.body)).to.equal(200);
    const c = await Report.findById(`2026Q4:school:${ids.c}`).lean();
    expect(c).to.deep.include({ state: 'locked', autoSubmitted: true });
    await ask('c');
    await rejectTo('c', 'locked', true);
  });

  it('submitted → request → the upper level reports → rejected: locked (the upper level reported)', async () => {
    // a asked while submitted (previous test); its county has reported since.
    await rejectTo('a', 'locked', false);
  });
});
