// Issue 13's freshness rules beyond report changes: no request recounts a subtree (a never-counted
// period is built in the background and the answer says `counting` until it is), the `rollup-builds`
// job builds every workable period lacking rollups, and school changes other than reports (type,
// 城乡类型, move, removal) reach the statistics through `school.changed` at once — equal to a recount.
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { buildMissingRollups } from '../../../server/src/jobs/rollup-builds';
import { workablePeriods } from '../../../server/src/reports/rules';
import { checkStatisticsDrift } from '../../../server/src/statistics/rollups';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { statSchools } from '../../helpers/statistics';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

describe('statistics freshness: background builds and school changes (issue 13)', function () {
  this.timeout(180_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const ids: Record<string, string> = {};

  /** Reads `path` until its answer is no longer `counting` (the background build finished). */
  const settled = async (path: string, token = t.province) => {
    const started = Date.now();
    for (;;) {
      const res = await server.api(path, { token });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      if (!res.body.counting) return res.body;
      if (Date.now() - started > 60_000) throw new Error(`${path} still counting after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stats = (code: string, query = '') =>
    settled(`/regions/${code}/statistics?period=${P}&category=schoolNet${query}`);
  const submitSchool = async (key: keyof typeof statSchools) => {
    const path = `/schools/${ids[key]}/reports/${P}`;
    const put = await server.api(path, {
      method: 'PUT',
      token: t[key],
      body: { data: statSchools[key].data },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const res = await server.api(`${path}/submit`, { method: 'POST', token: t[key] });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };
  /** The province's figures equal a full recount: nothing had drifted. */
  const equalToRecount = async () => {
    const check = await checkStatisticsDrift(clock, P, '350000');
    expect(check.drifted, 'rollups that differed from a full recount').to.deep.equal([]);
  };

  before(async () => {
    // No waiting for a build: every first look answers at once.
    server = await startTestServer('statfresh', { options: { clock }, env: { ROLLUP_WAIT_MS: '0' } });
    const where = { primary: '350102', point: '350102', pointV1: '350103', middle: '350100' } as const;
    for (const key of Object.keys(statSchools) as (keyof typeof statSchools)[]) {
      const s = statSchools[key];
      const doc = await school(`新鲜度${key}`, where[key], {
        type: s.type,
        urbanRural: s.urbanRural,
        ...(s.projectSchool ? { projectSchool: s.projectSchool as 'declared' | 'confirmed' } : {}),
      });
      ids[key] = String(doc._id);
      await schoolAdmin(key, doc);
    }
    await regionUser('gulouAdmin', '350102', 'admin');
    await regionUser('cityAdmin', '350100', 'admin');
    await regionUser('province', '350000', 'inspector');
    await regionUser('outsider', '350200', 'admin');
    for (const name of [...Object.keys(statSchools), 'gulouAdmin', 'cityAdmin', 'province', 'outsider'])
      t[name] = await server.login(name, PASSWORD);
    for (const key of Object.keys(statSchools) as (keyof typeof statSchools)[]) await submitSchool(key);
  });
  after(async () => {
    await server?.close();
  });

  it('a first look at a never-counted period answers at once, marked counting, and is counted in the background', async () => {
    const path = `/regions/350000/statistics?period=${P}&category=schoolNet`;
    const first = await server.api(path, { token: t.province });
    expect(first.status).to.equal(200);
    expect(first.body.counting).to.equal(true);
    const done = await settled(path);
    expect(done.counting).to.equal(false);
    expect(done.recountedAt).to.be.a('string');
    expect(done.total.units).to.equal(4);
    await equalToRecount();
    // Outsiders still get 403, counting or not.
    expect((await server.api(path, { token: t.outsider })).status).to.equal(403);
  });

  it('progress: the same for a first look, no recount inside the request', async () => {
    const path = `/regions/350100/progress?period=${P}`;
    const first = await server.api(path, { token: t.province });
    expect(first.status).to.equal(200);
    expect(first.body.counting).to.equal(true);
    const done = await settled(path);
    expect(done.totals).to.deep.include({ units: 4, submitted: 4 });
  });

  it('the rollup-builds job builds every workable period lacking rollups, once', async () => {
    const periods = workablePeriods(clock(), DEFAULT_CALENDAR);
    const built = await buildMissingRollups(clock, DEFAULT_CALENDAR);
    expect(periods.length).to.be.greaterThan(0);
    for (const period of periods) {
      expect(built).to.include(`rollup-build:statistics:${period}:000000`);
      expect(built).to.include(`rollup-build:progress:${period}:000000`);
    }
    expect(await buildMissingRollups(clock, DEFAULT_CALENDAR)).to.deep.equal([]);
    // Any region of a built period answers counted on its first look.
    const next = periods.find((p) => p !== P)!;
    const res = await server.api(`/regions/350102/statistics?period=${next}&category=schoolNet`, {
      token: t.province,
    });
    expect(res.status).to.equal(200);
    expect(res.body.counting).to.equal(false);
  });

  it("a school's 城乡类型 and type changed: the filtered figures change at the next read, equal to a recount", async () => {
    const rural = async () =>
      (await stats('350000', `&urbanRural=${encodeURIComponent('乡村')}`)).total.units as number;
    const primaries = async () =>
      (await stats('350000', `&schoolType=${encodeURIComponent('小学')}`)).total.units as number;
    const [ruralBefore, primariesBefore] = [await rural(), await primaries()];

    let res = await server.api(`/schools/${ids.primary}`, {
      method: 'PATCH',
      token: t.gulouAdmin,
      body: { urbanRural: '乡村' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(await rural()).to.equal(ruralBefore + 1);
    await equalToRecount();

    res = await server.api(`/schools/${ids.primary}`, {
      method: 'PATCH',
      token: t.gulouAdmin,
      body: { type: '初中' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(await primaries()).to.equal(primariesBefore - 1);
    const juniors = await stats('350000', `&schoolType=${encodeURIComponent('初中')}`);
    expect(juniors.total.units).to.be.at.least(1);
    await equalToRecount();
  });

  it('a school moved to another county: both counties, their list lines and the city change at once, equal to a recount', async () => {
    const units = async (code: string) => (await stats(code)).total.units as number;
    const row = async (code: string, child: string) =>
      (await stats(code)).children.find((c: { code: string }) => c.code === child).units as number;
    const [gulou, taijiang, cityGulouRow] = [
      await units('350102'),
      await units('350103'),
      await row('350100', '350102'),
    ];
    const res = await server.api(`/schools/${ids.primary}/transfer`, {
      method: 'POST',
      token: t.cityAdmin,
      body: { regionCode: '350103' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(await units('350102')).to.equal(gulou - 1);
    expect(await units('350103')).to.equal(taijiang + 1);
    expect(await row('350100', '350102')).to.equal(cityGulouRow - 1);
    expect(await units('350100')).to.equal(4);
    const list = await settled(`/regions/350103/statistics/schools?period=${P}&category=schoolNet`);
    expect(list.items.map((r: { schoolId: string }) => r.schoolId)).to.include(ids.primary);
    await equalToRecount();
  });

  it('a school set 撤销 leaves the figures and the list at once, and comes back when set 正常, equal to a recount', async () => {
    const units = async () => (await stats('350000')).total.units as number;
    const listed = async () =>
      (await settled(`/regions/350000/statistics/schools?period=${P}&category=schoolNet`)).items.map(
        (r: { schoolId: string }) => r.schoolId,
      ) as string[];
    const setStatus = async (status: string) => {
      const res = await server.api(`/schools/${ids.middle}`, {
        method: 'PATCH',
        token: t.cityAdmin,
        body: { status },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };
    const before = await units();
    expect(await listed()).to.include(ids.middle);

    await setStatus('撤销');
    expect(await units()).to.equal(before - 1);
    expect(await listed()).to.not.include(ids.middle);
    await equalToRecount();
    // Its report taken back and filed again while it is closed: still not counted.
    const path = `/schools/${ids.middle}/reports/${P}`;
    const asked = await server.api(`${path}/withdrawal`, { token: t.middle, body: { reason: '数据有误' } });
    expect(asked.status, JSON.stringify(asked.body)).to.equal(200);
    const decided = await server.api(`${path}/withdrawal/decision`, {
      token: t.cityAdmin,
      body: { approve: true },
    });
    expect(decided.status, JSON.stringify(decided.body)).to.equal(200);
    expect(await units()).to.equal(before - 1);
    await equalToRecount();
    await submitSchool('middle');
    expect(await units()).to.equal(before - 1);
    expect(await listed()).to.not.include(ids.middle);
    await equalToRecount();

    // 暂停招生 (no new pupils, still a school) counts; back to 正常 it counts as before.
    await setStatus('暂停招生');
    expect(await units()).to.equal(before);
    expect(await listed()).to.include(ids.middle);
    await equalToRecount();
    await setStatus('被合并');
    expect(await units()).to.equal(before - 1);
    await equalToRecount();
    await setStatus('正常');
    expect(await units()).to.equal(before);
    await equalToRecount();
  });

  it('a school removed: it leaves the figures at once, equal to a recount', async () => {
    const before = (await stats('350000')).total.units as number;
    const res = await server.api(`/schools/${ids.pointV1}?force=true&reason=${encodeURIComponent('撤并')}`, {
      method: 'DELETE',
      token: await nationalAdmin(),
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await stats('350000')).total.units).to.equal(before - 1);
    await equalToRecount();
  });

  async function nationalAdmin() {
    await regionUser('nationFresh', '000000', 'admin');
    return server.login('nationFresh', PASSWORD);
  }
});
