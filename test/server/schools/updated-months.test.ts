// 更新管理 (seed 000 §4.2): GET /schools/updated-months counts the schools last updated in each recent
// month and earlier, in one request, with the same meaning as the list's updatedMonth/updatedBefore.
import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import {
  mongoListSource,
  readModelListSource,
  schoolListSource,
  useSchoolListSource,
  type SchoolListSource,
} from '../../../server/src/schools/list-source';
import { clearSchoolListCache, rebuildSchoolIndex } from '../../../server/src/schools/list-index';
import { School } from '../../../server/src/schools/model';
import { regionRoleBinding, userWith } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const PASSWORD = 'Pass12345';
const NOW = new Date('2026-11-20T10:00:00+08:00');
const path = (...codes: string[]) => ['000000', ...codes];

describe('GET /schools/updated-months (更新管理)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};

  before(async () => {
    server = await startTestServer('updated-months', { options: { clock: () => NOW } });
    for (const [login, code, ancestors] of [
      ['fj', '350000', path()],
      ['gl', '350102', path('350000', '350100')],
      ['xm', '350200', path('350000')],
    ] as const) {
      await User.create(
        userWith(login, [regionRoleBinding('admin', code, [...ancestors])], {
          passwordHash: await hashPassword(PASSWORD),
        }),
      );
      t[login] = await server.login(login, PASSWORD);
    }
    // Last updates (Beijing time): two this month (one at its first minute), one in October (its last
    // minute), one in June (the oldest month of six), one in May, one never; one in 厦门 this month.
    const specs: [string, string, string | null][] = [
      ['鼓楼一小', '350102', '2026-11-19T09:00:00+08:00'],
      ['鼓楼二小', '350102', '2026-11-01T00:00:00+08:00'],
      ['鼓楼三小', '350102', '2026-10-31T23:59:00+08:00'],
      ['鼓楼四小', '350102', '2026-06-10T12:00:00+08:00'],
      ['鼓楼五小', '350102', '2026-05-31T23:00:00+08:00'],
      ['鼓楼六小', '350102', null],
      ['思明一小', '350203', '2026-11-05T08:00:00+08:00'],
    ];
    for (const [name, regionCode, updated] of specs) {
      const token = regionCode === '350203' ? t.xm : t.gl;
      const res = await server.api('/schools', { token, body: { name, type: '小学', regionCode } });
      expect(res.status, name).to.equal(201);
      await School.updateOne(
        { _id: res.body.school.id },
        updated ? { $set: { lastUpdatedAt: new Date(updated) } } : { $unset: { lastUpdatedAt: 1 } },
      );
    }
    // Written behind the list index's back: rebuild it, as its hourly job would.
    await rebuildSchoolIndex(() => NOW, '350000');
    clearSchoolListCache();
  });
  after(async () => {
    await server?.close();
  });

  for (const source of [readModelListSource, mongoListSource])
    describe(`${source.name} source`, () => {
      let chosen: SchoolListSource;
      before(async () => {
        chosen = await schoolListSource();
        useSchoolListSource(source);
      });
      after(() => useSchoolListSource(chosen));

      it('counts each of the last six months (Beijing time) and earlier, for the caller’s subtree', async () => {
        const res = await server.api('/schools/updated-months?region=350102', { token: t.gl });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({
          months: [
            { month: '2026-11', total: 2 },
            { month: '2026-10', total: 1 },
            { month: '2026-09', total: 0 },
            { month: '2026-08', total: 0 },
            { month: '2026-07', total: 0 },
            { month: '2026-06', total: 1 },
          ],
          earlier: { before: '2026-06', total: 2 },
        });
        const province = await server.api('/schools/updated-months?months=1', { token: t.fj });
        expect(province.body).to.deep.equal({
          months: [{ month: '2026-11', total: 3 }],
          earlier: { before: '2026-11', total: 4 },
        });
      });

      it('gives the same totals as the list’s updatedMonth / updatedBefore filters', async () => {
        const counts = await server.api('/schools/updated-months?region=350000', { token: t.fj });
        expect(counts.body.months).to.have.length(6);
        for (const { month, total } of counts.body.months) {
          const list = await server.api(`/schools?region=350000&updatedMonth=${month}`, { token: t.fj });
          expect(list.body.total, month).to.equal(total);
        }
        const earlier = await server.api(
          `/schools?region=350000&updatedBefore=${counts.body.earlier.before}`,
          {
            token: t.fj,
          },
        );
        expect(earlier.body.total).to.equal(counts.body.earlier.total);
      });
    });

  it('refuses a region outside the caller’s jurisdiction (403) and bad input in zh-CN (400)', async () => {
    const outsider = await server.api('/schools/updated-months?region=350102', { token: t.xm });
    expect(outsider.status).to.equal(403);
    expect(outsider.body.error.code).to.equal('OUTSIDE_JURISDICTION');
    const bad = await server.api('/schools/updated-months?months=13', { token: t.gl });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/月份数/);
    const anonymous = await server.api('/schools/updated-months');
    expect(anonymous.status).to.equal(401);
  });
});
