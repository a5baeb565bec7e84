// The first look at a period recounts its statistics inside the request. Pages ask several at once (a
// category page and its chart, tabs tapped quickly, a drill-down): overlapping first looks must not
// answer with rollups another recount deleted and has not written back yet (the region statistics
// page showed 0 where the API a moment later said 568).
import { expect } from 'chai';
import { INDICATOR_CATEGORIES } from '../../../shared/src';
import { manualClock, PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { statSchools, submitStatSchools } from '../../helpers/statistics';

const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

describe('statistics: overlapping first looks at a period', function () {
  this.timeout(180_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer('statistics_first_look', { options: { clock } });
    await submitStatSchools(server, P, 'fl', (key) => `${key}学校`);
    await regionUser('fl-province', '350000', 'inspector');
    token = await server.login('fl-province', PASSWORD);
  });
  after(() => server?.close());

  it('answers every overlapping first look with the figures a later read gives', async () => {
    const asks = ['350000', '350100', '350102', '350103'].flatMap((code) =>
      INDICATOR_CATEGORIES.map((c) => `/regions/${code}/statistics?period=${P}&category=${c.key}`),
    );
    const figures = (body: any) =>
      Object.fromEntries(Object.entries(body.total.values).map(([k, v]: [string, any]) => [k, v.display]));
    const first = await Promise.all(asks.map((path) => server.api(path, { token })));
    for (const [i, path] of asks.entries()) {
      expect(first[i].status, JSON.stringify(first[i].body)).to.equal(200);
      const later = await server.api(path, { token });
      expect(figures(first[i].body), path).to.deep.equal(figures(later.body));
    }
    const province = await server.api(`/regions/350000/statistics?period=${P}&category=schoolNet`, { token });
    expect(province.body.total.units).to.equal(Object.keys(statSchools).length);
  });
});
