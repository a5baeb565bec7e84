import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { manualClock, PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// A period with no data and none to come (far in the future, before the system's first period in 2016,
// or of the other cycle) is a 400 naming the periods that can be asked for, on every route taking one.
describe('periods outside the system’s range: 400 naming the askable periods, on every route', function () {
  this.timeout(120_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let token: string;
  const range = /可查询的期次为 2016Q1 至 2027Q1/;

  before(async () => {
    server = await startTestServer('period_range', { options: { clock } });
    await regionUser('natl', '000000', 'admin');
    await User.updateMany({}, { $set: { mustChangePassword: false, profileCompleted: true } });
    token = await server.login('natl', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  /** Every operation of the published document with a `period` in its path or query. */
  // Its other required query parameters get a valid value (an enum's first, e.g. category=basic).
  async function periodRoutes(): Promise<
    { method: string; path: string; in: 'path' | 'query'; query: string }[]
  > {
    const doc = (await server.api('/openapi.json')).body;
    const out: { method: string; path: string; in: 'path' | 'query'; query: string }[] = [];
    for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths))
      for (const [method, op] of Object.entries<any>(ops)) {
        const params: any[] = op.parameters ?? [];
        const p = params.find((x) => x.name === 'period');
        const others = params
          .filter((x) => x.in === 'query' && x.required && x.name !== 'period')
          .map((x) => `&${x.name}=${encodeURIComponent(x.schema?.enum?.[0] ?? 'x')}`);
        if (p) out.push({ method: method.toUpperCase(), path, in: p.in, query: others.join('') });
      }
    return out;
  }

  const concrete = (path: string, period: string) =>
    path
      .replace('{period}', period)
      .replace('{code}', '350102')
      .replace(/\{(id|schoolId)\}/, '0123456789abcdef01234567')
      .replace(/\{[a-zA-Z]+\}/g, 'x');

  it('finds the routes: progress, reports, unit reports, statistics, the school list', async () => {
    const paths = (await periodRoutes()).map((r) => r.path).join('\n');
    for (const part of ['/progress', '/reports/{period}', '/statistics', '/schools'])
      expect(paths, part).to.include(part);
  });

  for (const [asked, why] of [
    ['2099Q1', 'far in the future'],
    ['2027Q2', 'the next quarter'],
    ['2015Q4', 'before the system’s first period'],
    ['2026-11', 'a month while reporting is quarterly'],
  ])
    it(`${asked} (${why}) gets 400 PERIOD_OUT_OF_RANGE on each of them`, async () => {
      const routes = await periodRoutes();
      expect(routes.length).to.be.greaterThan(0);
      for (const r of routes) {
        const query = (r.in === 'query' ? `&period=${asked}` : '') + r.query;
        const path = concrete(r.path, asked) + query.replace(/^&/, '?');
        const res = await server.api(path, {
          method: r.method,
          token,
          body: r.method === 'GET' ? undefined : {},
        });
        const what = `${r.method} ${path}`;
        expect(res.status, what).to.equal(400);
        expect(res.body.error.code, what).to.equal('PERIOD_OUT_OF_RANGE');
        expect(res.body.error.message, what).to.include(asked).and.match(range);
        expect(res.body.error.details, what).to.deep.include({
          property: 'period',
          first: '2016Q1',
          last: '2027Q1',
        });
      }
    });

  it('the periods in range still answer: the first, last quarter and the running one', async () => {
    for (const period of ['2016Q1', '2026Q4', '2027Q1']) {
      const res = await server.api(`/regions/350000/progress?period=${period}`, { token });
      expect(res.status, period).to.equal(200);
    }
  });

  it('a malformed period is still the schema’s message', async () => {
    const res = await server.api('/regions/350000/progress?period=2026Q5', { token });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
  });
});
