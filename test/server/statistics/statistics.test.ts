import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { INDICATORS, INDICATOR_CATEGORIES } from '../../../shared/src';
import { systemClock } from '../../../server/src/clock';
import { StatisticsRollup, decodeRows, encodeRows } from '../../../server/src/statistics/model';
import { checkStatisticsDrift } from '../../../server/src/statistics/rollups';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { expectedAll, expectedEditions, statRegions, statSchools } from '../../helpers/statistics';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

describe('informatization statistics over HTTP (issue 13)', function () {
  this.timeout(180_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const stats = (code: string, query: string, token = t.province) =>
    server.api(`/regions/${code}/statistics?period=${P}&${query}`, { token });
  const figure = async (code: string, category: string, key: string, extra = '') => {
    const res = await stats(code, `category=${category}${extra}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.total.values[key].value as number | null;
  };
  const submitSchool = async (key: keyof typeof statSchools, data?: Record<string, unknown>) => {
    const path = `/schools/${ids[key]}/reports/${P}`;
    const put = await server.api(path, {
      method: 'PUT',
      token: t[key],
      body: { data: data ?? statSchools[key].data },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const res = await server.api(`${path}/submit`, { method: 'POST', token: t[key] });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };
  const submitRegion = async (
    code: string,
    data: Record<string, unknown>,
    admin: string,
    auditor: string,
  ) => {
    const path = `/regions/${code}/reports/${P}`;
    const put = await server.api(path, { method: 'PUT', token: t[admin], body: { data } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const res = await server.api(`${path}/submit`, { method: 'POST', token: t[auditor] });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };

  const loginAll = async () => {
    for (const name of [
      ...Object.keys(statSchools),
      'gulouAdmin',
      'gulouAuditor',
      'taijiangAdmin',
      'taijiangAuditor',
      'cityAdmin',
      'cityAuditor',
      'province',
      'outsider',
    ]) {
      t[name] = await server.login(name, PASSWORD);
    }
  };

  before(async () => {
    server = await startTestServer('statistics', { options: { clock } });
    const where = { primary: '350102', point: '350102', pointV1: '350103', middle: '350100' } as const;
    const names = {
      primary: '鼓楼实验小学',
      point: '鼓楼山区教学点',
      pointV1: '台江教学点',
      middle: '福州直属中学',
    };
    for (const key of Object.keys(statSchools) as (keyof typeof statSchools)[]) {
      const s = statSchools[key];
      const doc = await school(names[key], where[key], {
        type: s.type,
        urbanRural: s.urbanRural,
        ...(s.projectSchool ? { projectSchool: s.projectSchool as 'declared' | 'confirmed' } : {}),
      });
      ids[key] = String(doc._id);
      await schoolAdmin(key, doc);
    }
    await regionUser('gulouAdmin', '350102', 'admin');
    await regionUser('gulouAuditor', '350102', 'auditor');
    await regionUser('taijiangAdmin', '350103', 'admin');
    await regionUser('taijiangAuditor', '350103', 'auditor');
    await regionUser('cityAdmin', '350100', 'admin');
    await regionUser('cityAuditor', '350100', 'auditor');
    await regionUser('province', '350000', 'inspector');
    await regionUser('outsider', '350200', 'admin');
    await loginAll();
  });
  after(async () => {
    await server?.close();
  });

  it('GET /statistics/indicators lists every category, page and indicator with labels and units', async () => {
    const res = await server.api('/statistics/indicators', { token: t.province });
    expect(res.status).to.equal(200);
    expect(res.body.categories.map((c: { label: string }) => c.label)).to.deep.equal(
      INDICATOR_CATEGORIES.map((c) => c.label),
    );
    const listed = res.body.categories.flatMap((c: any) => c.pages.flatMap((p: any) => p.indicators));
    expect(listed).to.have.length(INDICATORS.length);
    expect(listed.find((d: any) => d.key === 'bb100Rate')).to.deep.include({
      label: '带宽 100M 及以上学校占比',
      unit: '%',
      kind: 'rate',
      filterable: true,
    });
    expect((await server.api('/statistics/indicators')).status).to.equal(401);
  });

  it('before any report a page answers with empty figures, the children and a 直属学校 row', async () => {
    const res = await stats('350100', 'category=schoolNet&page=broadband');
    expect(res.status).to.equal(200);
    expect(res.body.total.units).to.equal(0);
    expect(res.body.total.values.bb100Rate).to.deep.include({ value: null, display: '—' });
    expect(res.body.indicators.map((d: { key: string }) => d.key)).to.deep.equal([
      'bbConnected',
      'bbConnectedRate',
      'bb10Rate',
      'bb100Rate',
      'bbAverage',
    ]);
    const codes = res.body.children.map((c: { code: string }) => c.code);
    expect(codes).to.include.members(['350102', '350103', '350100:direct']);
    expect(res.body.children.at(-1)).to.deep.include({ name: '直属学校', direct: true });
  });

  it('school reports submitted over HTTP change the figures as each request returns', async () => {
    await submitSchool('primary');
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(1);
    await submitSchool('pointV1');
    await submitSchool('middle');
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(3);
  });

  // How soon is measured by `npm run bench -- statistics`; here: no later than the first read.
  it('a submission is in the province figures at the first read after the submit answers', async () => {
    expect(await figure('350000', 'teachingPoint', 'tpCount')).to.equal(1);
    await submitSchool('point');
    expect(await figure('350000', 'teachingPoint', 'tpCount')).to.equal(2);
  });

  it('a withdrawal approved takes the school out again; its resubmission puts it back', async () => {
    const path = `/schools/${ids.primary}/reports/${P}`;
    await server.api(`${path}/withdrawal`, { token: t.primary, body: { reason: '计算机教室数有误' } });
    // A pending withdrawal still counts (the report stands reported until it is approved).
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(3);
    // Decided while 鼓楼区's own report is still open (a reported county may not reopen a school below it).
    const decided = await server.api(`${path}/withdrawal/decision`, {
      token: t.gulouAdmin,
      body: { approve: true },
    });
    expect(decided.status, JSON.stringify(decided.body)).to.equal(200);
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(2);
    await submitSchool('primary', { ...statSchools.primary.data, computerRooms: 4 });
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(6);
    await server.api(`${path}/withdrawal`, { token: t.primary, body: { reason: '改回原值' } });
    await server.api(`${path}/withdrawal/decision`, { token: t.gulouAdmin, body: { approve: true } });
    await submitSchool('primary');
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(3);
  });

  it('county reports (地区情况) count for the region-report indicators', async () => {
    await submitRegion('350102', statRegions.countyA.data, 'gulouAdmin', 'gulouAuditor');
    await submitRegion('350103', statRegions.countyB.data, 'taijiangAdmin', 'taijiangAuditor');
    expect(await figure('350000', 'textbooks', 'textbookCounties')).to.equal(2);
    expect(await figure('350000', 'schoolNet', 'metroRegions')).to.equal(1);
  });

  it('every indicator of every category equals the hand-computed fixture once the city has reported', async () => {
    clock.set('2027-01-07T10:00:00+08:00'); // the city window (6–10 Jan)
    await loginAll(); // access tokens expire after two hours of the manual clock
    await submitRegion('350100', statRegions.city.data, 'cityAdmin', 'cityAuditor');
    for (const c of INDICATOR_CATEGORIES) {
      const res = await stats('350000', `category=${c.key}`);
      expect(res.status).to.equal(200);
      const defs = INDICATORS.filter((x) => x.category === c.key);
      expect(defs, c.key).to.not.be.empty;
      for (const d of defs) {
        expect(res.body.total.values[d.key].value, d.key).to.equal(expectedAll[d.key]);
      }
    }
    const tb = await stats('350000', 'category=textbooks');
    expect(tb.body.total.values.textbookEditions.entries).to.have.deep.members(expectedEditions);
    // The rollups kept by deltas agree with a full recount.
    const check = await checkStatisticsDrift(systemClock, P, '350000');
    expect(check.drifted).to.deep.equal([]);
    // Four schools, the city and its 13 county-level children (the city's submission locked the
    // 11 that never reported as they stood: empty, so they count for no indicator).
    expect(check.reports).to.equal(18);
  });

  it('rows drill down: children, the 直属学校 row, filters by school type and 城乡类型, breadcrumb', async () => {
    const res = await stats('350100', 'category=schoolNet');
    const row = (code: string) => res.body.children.find((c: { code: string }) => c.code === code);
    expect(row('350102').values.crTotal.value).to.equal(1);
    expect(row('350103').values.crTotal.value).to.equal(0);
    expect(row('350100:direct').values.crTotal.value).to.equal(2);
    expect(row('350100:direct').units).to.equal(1);
    expect(res.body.total.values.crTotal.value).to.equal(3);
    expect(await figure('350000', 'schoolNet', 'bbConnected', '&schoolType=教学点')).to.equal(1);
    expect(await figure('350000', 'schoolNet', 'crTotal', '&urbanRural=镇区')).to.equal(2);
    expect(await figure('350000', 'teachingPoint', 'tpCount', '&urbanRural=城区')).to.equal(0);
    // Region-report indicators ignore the school filters.
    expect(await figure('350000', 'schoolNet', 'metroRegions', '&schoolType=小学')).to.equal(2);
    const county = await stats('350102', 'category=schoolNet');
    expect(county.body.breadcrumb.map((b: { name: string }) => b.name)).to.deep.equal([
      '福建省',
      '福州市',
      '鼓楼区',
    ]);
  });

  it('a corrupted rollup is found and repaired by the recount (drift check)', async () => {
    // Corrupt the province's 校校通 rollup as a lost or doubled update would: 100 computer rooms too many.
    const id = `${P}:350000:schoolNet`;
    const doc = (await StatisticsRollup.findById(id).lean())!;
    const rows = decodeRows(doc.data);
    rows['~total']['小学|城区'].crTotal += 100;
    await StatisticsRollup.updateOne({ _id: id }, { $set: { data: encodeRows(rows) } });
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(103);
    const outsider = await server.api(`/regions/350000/statistics/recount?period=${P}`, {
      method: 'POST',
      token: t.outsider,
    });
    expect(outsider.status).to.equal(403);
    const res = await server.api(`/regions/350000/statistics/recount?period=${P}`, {
      method: 'POST',
      token: t.province,
    });
    expect(res.status).to.equal(200);
    expect(res.body.drifted).to.deep.equal([`${P}:350000:schoolNet`]);
    expect(await figure('350000', 'schoolNet', 'crTotal')).to.equal(3);
  });

  it('list mode: the schools behind a number with their reported values, paged', async () => {
    const base = `/regions/350100/statistics/schools?period=${P}&category=schoolNet`;
    const hits = await server.api(`${base}&indicator=bb100Rate&hit=true`, { token: t.province });
    expect(hits.status, JSON.stringify(hits.body)).to.equal(200);
    expect(hits.body.total).to.equal(2);
    expect(hits.body.items.map((r: { name: string }) => r.name)).to.have.members([
      '鼓楼实验小学',
      '福州直属中学',
    ]);
    const primary = hits.body.items.find((r: { name: string }) => r.name === '鼓楼实验小学');
    expect(primary.fields).to.deep.equal({ bandwidthMbps: 200 });
    expect(primary).to.deep.include({ type: '小学', urbanRural: '城区', regionName: '鼓楼区' });
    expect(hits.body.columns.fields).to.deep.equal([{ key: 'bandwidthMbps', label: '互联网接入带宽' }]);

    const all = await server.api(`${base}&pageSize=1&page=2`, { token: t.province });
    expect(all.body).to.deep.include({ total: 4, page: 2, pageSize: 1 });
    expect(all.body.items).to.have.length(1);
    const direct = await server.api(`${base}&direct=true`, { token: t.province });
    expect(direct.body.items.map((r: { name: string }) => r.name)).to.deep.equal(['福州直属中学']);
    expect(direct.body.items[0].values.crSchoolRate).to.equal(100);
    const points = await server.api(`${base}&schoolType=教学点`, { token: t.province });
    expect(points.body.total).to.equal(2);
    const v1Point = points.body.items.find((r: { name: string }) => r.name === '台江教学点');
    expect(v1Point.values.metroSchoolRate).to.equal(null); // never reported the v2 field
  });

  it('list mode exports to XLSX (streamed) with the same rows', async () => {
    const res = await fetch(
      `${server.url}/api/v1/regions/350100/statistics/schools/export?period=${P}&category=schoolNet&indicator=bb100Rate&hit=true`,
      { headers: { Authorization: `Bearer ${t.province}` } },
    );
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/spreadsheetml/);
    expect(decodeURIComponent(res.headers.get('content-disposition') ?? '')).to.include(
      '福州市-2026年第4季度-校校通-学校明细.xlsx',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as any);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(2).getCell(1).value).to.equal('学校名称');
    expect(sheet.getRow(2).values).to.include('互联网接入带宽');
    const names = [sheet.getRow(3).getCell(1).value, sheet.getRow(4).getCell(1).value];
    expect(names).to.have.members(['鼓楼实验小学', '福州直属中学']);
    expect(sheet.rowCount).to.equal(4);
  });

  it('chart data: children as bars and the trend over the last 8 periods', async () => {
    const res = await server.api(`/regions/350100/statistics/chart?period=${P}&indicator=crTotal`, {
      token: t.province,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const bar = (code: string) => res.body.bars.find((b: { code: string }) => b.code === code);
    expect(bar('350102').value).to.equal(1);
    expect(bar('350100:direct').value).to.equal(2);
    expect(res.body.trend.map((p: { period: string }) => p.period)).to.deep.equal([
      '2025Q1',
      '2025Q2',
      '2025Q3',
      '2025Q4',
      '2026Q1',
      '2026Q2',
      '2026Q3',
      '2026Q4',
    ]);
    // Periods without a report are "no data" (null), not 0.
    expect(res.body.trend.map((p: { value: number }) => p.value)).to.deep.equal([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      3,
    ]);
  });

  it('bad queries get a zh-CN 400 naming the field and change nothing', async () => {
    const cases: [string, string][] = [
      [`/regions/350000/statistics?category=foo`, 'category'],
      [`/regions/350000/statistics`, 'category'],
      [`/regions/350000/statistics?category=schoolNet&period=2026Q5`, 'period'],
      [`/regions/350000/statistics?category=schoolNet&page=nosuch`, 'page'],
      [`/regions/350000/statistics?category=schoolNet&schoolType=大学`, 'schoolType'],
      [`/regions/350000/statistics?category=schoolNet&x=1`, 'x'],
      [`/regions/350000/statistics/chart?indicator=textbookEditions`, 'indicator'],
      [`/regions/350000/statistics/schools?category=schoolNet&indicator=tpCount`, 'indicator'],
      [`/regions/350000/statistics/schools?category=schoolNet&indicator=metroRegions`, 'indicator'],
      [`/regions/350000/statistics/schools?category=schoolNet&pageSize=0`, 'pageSize'],
    ];
    for (const [path, property] of cases) {
      const res = await server.api(path, { token: t.province });
      expect(res.status, path).to.equal(400);
      expect(res.body.error.details.property, path).to.equal(property);
      expect(res.body.error.message, path).to.match(/[\u4e00-\u9fa5]/);
    }
  });

  it('outsiders and school-bound callers get 403 on every statistics endpoint', async () => {
    const paths = [
      `/regions/350100/statistics?category=schoolNet`,
      `/regions/350100/statistics/chart?indicator=crTotal`,
      `/regions/350100/statistics/schools?category=schoolNet`,
      `/regions/350100/statistics/schools/export?category=schoolNet`,
    ];
    for (const path of paths) {
      for (const who of ['outsider', 'primary', 'middle']) {
        const res = await server.api(path, { token: t[who] });
        expect(res.status, `${who} ${path}`).to.equal(403);
        expect(res.body.error.code).to.equal('OUTSIDE_JURISDICTION');
      }
      expect((await server.api(path)).status).to.equal(401);
    }
    for (const who of ['outsider', 'middle']) {
      const res = await server.api(`/regions/350100/statistics/recount`, { method: 'POST', token: t[who] });
      expect(res.status).to.equal(403);
    }
  });
});
