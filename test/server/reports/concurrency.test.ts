// Races that a real MongoDB settles by atomic conditional updates and FerretDB does not: the code must
// still let exactly one request win (see server/src/reports/claims.ts, jobs/lease.ts).
import { expect } from 'chai';
import { AuditEntry } from '../../../server/src/audit/model';
import { Report } from '../../../server/src/reports/model';
import { goodSchoolReport } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('concurrent requests: exactly one wins', function () {
  this.timeout(60_000);
  let server: TestServer;
  const clock = manualClock('2027-01-03T10:00:00+08:00');

  before(async () => {
    server = await startTestServer('concurrency', { options: { clock } });
  });
  after(async () => {
    await server?.close();
  });

  it('a refresh token used five times at once yields one new pair', async () => {
    await regionUser('racer', '350102', 'admin');
    const login = await server.api('/auth/login', { body: { account: 'racer', password: PASSWORD } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        server.api('/auth/refresh', { body: { refreshToken: login.body.refreshToken } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 401, 401, 401, 401]);
  });

  it('five simultaneous submissions of one report: one 200, the rest 409, one history entry', async () => {
    const s = await school('并发小学', '350102');
    await schoolAdmin('raceSchool', s);
    const token = await server.login('raceSchool', PASSWORD);
    const path = `/schools/${s._id}/reports/2026Q4`;
    expect(
      (await server.api(path, { method: 'PUT', token, body: { data: goodSchoolReport } })).status,
    ).to.equal(200);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => server.api(`${path}/submit`, { method: 'POST', token })),
    );
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409, 409, 409, 409]);
    const report = await Report.findById(`2026Q4:school:${s._id}`).lean();
    expect(report?.history.filter((h) => h.to === 'submitted')).to.have.length(1);
    const progress = await server.api('/regions/350102/progress?period=2026Q4', {
      token: await server.login('racer', PASSWORD),
    });
    expect(progress.body.totals).to.deep.include({ units: 1, submitted: 1 });
  });

  it('first submissions of many schools of one region at once: every one 200 with its audit entry', async () => {
    // No rollup exists yet under 厦门市: every submission upserts the same new rollups at once.
    const schools = await Promise.all(Array.from({ length: 12 }, (_, i) => school(`同区小学${i}`, '350203')));
    const tokens: string[] = [];
    for (const [i, s] of schools.entries()) {
      await schoolAdmin(`sameRegion${i}`, s);
      tokens.push(await server.login(`sameRegion${i}`, PASSWORD));
    }
    for (const [i, s] of schools.entries()) {
      const put = await server.api(`/schools/${s._id}/reports/2026Q4`, {
        method: 'PUT',
        token: tokens[i],
        body: { data: goodSchoolReport },
      });
      expect(put.status).to.equal(200);
    }
    const results = await Promise.all(
      schools.map((s, i) =>
        server.api(`/schools/${s._id}/reports/2026Q4/submit`, { method: 'POST', token: tokens[i] }),
      ),
    );
    expect(results.map((r) => r.status)).to.deep.equal(schools.map(() => 200));
    for (const s of schools) {
      const audits = await AuditEntry.countDocuments({
        action: 'report.submit',
        targetId: `2026Q4:school:${s._id}`,
      });
      expect(audits, String(s._id)).to.equal(1);
    }
    await regionUser('xmWatcher', '350200', 'admin');
    const progress = await server.api('/regions/350203/progress?period=2026Q4', {
      token: await server.login('xmWatcher', PASSWORD),
    });
    expect(progress.body.totals).to.deep.include({ units: 12, submitted: 12 });
  });
});
