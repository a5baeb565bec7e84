import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { runDueDeadlines } from '../../../server/src/reports/autosubmit';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { statSchools } from '../../helpers/statistics';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

describe('statistics after a deadline auto-submits drafts in bulk', function () {
  this.timeout(300_000);
  let server: TestServer;
  let schoolToken: string;
  let provinceToken: string;
  let schoolId: string;

  before(async () => {
    server = await startTestServer('statistics-deadline', { options: { clock } });
    const doc = await school('鼓楼截止小学', '350102', {
      type: statSchools.primary.type,
      urbanRural: statSchools.primary.urbanRural,
    });
    schoolId = String(doc._id);
    await schoolAdmin('deadlineSchool', doc);
    await regionUser('deadlineProvince', '350000', 'inspector');
    schoolToken = await server.login('deadlineSchool', PASSWORD);
    provinceToken = await server.login('deadlineProvince', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  const schoolsCounted = async () => {
    const res = await server.api(`/regions/350000/statistics?period=${P}&category=schoolNet`, {
      token: provinceToken,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.total.values.crTotal.value as number | null;
  };

  it('a draft auto-submitted at the county deadline is counted without any recount request', async () => {
    const put = await server.api(`/schools/${schoolId}/reports/${P}`, {
      method: 'PUT',
      token: schoolToken,
      body: { data: statSchools.primary.data },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    // A draft counts for nothing until it is reported.
    expect(await schoolsCounted()).to.not.equal(1);

    clock.set('2027-01-06T00:05:00+08:00');
    const runs = await runDueDeadlines({ clock, calendar: DEFAULT_CALENDAR }, { owner: 'test' });
    expect(runs.map((r) => `${r.period}:${r.level}:${r.outcome}`)).to.include(`${P}:county:ran`);
    // Three days later the morning's sessions have expired.
    schoolToken = await server.login('deadlineSchool', PASSWORD);
    provinceToken = await server.login('deadlineProvince', PASSWORD);
    const report = await server.api(`/schools/${schoolId}/reports/${P}`, { token: schoolToken });
    expect(report.body.state, JSON.stringify(report.body)).to.equal('locked');

    expect(await schoolsCounted()).to.equal(1);
  });
});
