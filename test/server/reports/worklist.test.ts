// GET /regions/{code}/worklist: a region's pages open on the period where its work is. Outside the
// windows (2026-11-30) a county works on 2026Q4, still empty; when 2026Q3 (the period reported up) holds
// a withdrawal request of one of its schools, a returned unit, or its own returned report, it lands on
// 2026Q3 and the counts say what waits there (seed 001 §18–19; DESIGN.md, Reporting calendar).
import { expect } from 'chai';
import type { ReportState } from '../../../shared/src';
import { Report } from '../../../server/src/reports/model';
import {
  mongoListSource,
  readModelListSource,
  schoolListSource,
  useSchoolListSource,
  type SchoolListSource,
} from '../../../server/src/schools/list-source';
import { clearSchoolListCache, rebuildSchoolIndex } from '../../../server/src/schools/list-index';
import { manualClock, PASSWORD, regionUser, school } from '../../helpers/fixtures';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { startTestServer, type TestServer } from '../../helpers/server';

const clock = manualClock('2026-11-30T10:00:00+08:00');

describe('a region’s worklist: which period its pages open on', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const schools: Record<string, { _id: unknown; regionCode: string; regionPath: string[] }> = {};
  let version = 1;

  before(async () => {
    server = await startTestServer('worklist', { options: { clock } });
    schools.gulou = (await school('鼓楼待办小学', '350102')).toObject();
    schools.taijiang = (await school('台江待办小学', '350103')).toObject();
    await regionUser('wl_county', '350102', 'admin');
    await regionUser('wl_inspector', '350102', 'inspector');
    await regionUser('wl_city', '350100', 'auditor');
    await regionUser('wl_other', '350103', 'admin');
    for (const [k, login] of Object.entries({
      county: 'wl_county',
      inspector: 'wl_inspector',
      city: 'wl_city',
      other: 'wl_other',
    }))
      t[k] = await server.login(login, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  /** Reports written here go behind the list index's back: rebuild it, as its hourly job would. */
  const reindex = async () => {
    await rebuildSchoolIndex(clock, '350000');
    clearSchoolListCache();
  };
  const plantSchool = async (k: string, period: string, state: ReportState) => {
    await Report.insertMany(
      schoolReportDoc(period, schools[k], { state, data: goodSchoolReport, version: (version += 100) }),
    );
    await reindex();
  };
  const worklist = async (token: string, code = '350102') => {
    const res = await server.api(`/regions/${code}/worklist`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };

  // The same worklist through both school list sources (the direct schools' report states come from
  // the list index on FerretDB, from indexed counts on MongoDB), each from no reports.
  for (const source of [readModelListSource, mongoListSource])
    describe(`through the ${source.name} source`, () => {
      let chosen: SchoolListSource;
      before(async () => {
        chosen = await schoolListSource();
        useSchoolListSource(source);
        await Report.deleteMany({});
        await reindex();
      });
      after(() => useSchoolListSource(chosen));

      it('nothing waiting: the working period (2026Q4), the reported one beside it (2026Q3)', async () => {
        const w = await worklist(t.county);
        expect(w.landing).to.equal('2026Q4');
        expect(w.working).to.deep.include({ period: '2026Q4', pending: 0 });
        expect(w.reported).to.deep.include({ period: '2026Q3', pending: 0, withdrawalRequests: 0 });
      });

      it('a school’s withdrawal request in 2026Q3: the county lands there, with the count', async () => {
        await plantSchool('gulou', '2026Q3', 'withdrawalRequested');
        // Another county's request is not this county's work.
        await plantSchool('taijiang', '2026Q3', 'withdrawalRequested');
        const w = await worklist(t.county);
        expect(w.landing).to.equal('2026Q3');
        expect(w.reported).to.deep.include({ withdrawalRequests: 1, returned: 0, pending: 1 });
        // The inspector reads the same worklist.
        expect((await worklist(t.inspector)).landing).to.equal('2026Q3');
        // The city decides only its direct units: a county school's request is not its work.
        const city = await worklist(t.city, '350100');
        expect(city.landing).to.equal('2026Q4');
        expect(city.reported.withdrawalRequests).to.equal(0);
      });

      it('the county’s own report returned: the county and the city land on 2026Q3', async () => {
        await Report.deleteMany({ period: '2026Q3' });
        await Report.create({
          _id: '2026Q3:region:350102',
          period: '2026Q3',
          unitKind: 'region',
          regionCode: '350102',
          regionPath: ['000000', '350000', '350100'],
          state: 'returned',
          data: {},
          history: [],
          version: (version += 100),
        });
        await reindex();
        const county = await worklist(t.county);
        expect(county.landing).to.equal('2026Q3');
        expect(county.reported).to.deep.include({ ownState: 'returned', pending: 1 });
        const city = await worklist(t.city, '350100');
        expect(city.landing).to.equal('2026Q3');
        expect(city.reported).to.deep.include({ returned: 1, pending: 1 });
      });

      it('an outsider gets 403; an unknown region 404; bad codes 400', async () => {
        const res = await server.api('/regions/350102/worklist', { token: t.other });
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('OUTSIDE_JURISDICTION');
        expect((await server.api('/regions/350199/worklist', { token: t.county })).status).to.be.oneOf([
          403, 404,
        ]);
        expect((await server.api('/regions/abc/worklist', { token: t.county })).status).to.equal(400);
        expect((await server.api('/regions/350102/worklist', {})).status).to.equal(401);
      });
    });
});
