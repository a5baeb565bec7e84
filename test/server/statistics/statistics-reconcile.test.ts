// What the 数据统计 numbers count, so they can be reconciled (issue 13, newcomer findings): 统计单位 is
// split into the schools counted and the region reports (地区情况); the list mode lists exactly the
// schools counted, for every category and the same filters; the category answer names the school types
// it applies to; the 8-period trend says "no data" (null) for a period without reports, 0 only for a
// real 0. Hand-made fixture: the four statistics schools (two in 鼓楼区, one in 台江区, one 直属 of
// 福州市) and the 鼓楼区 region report.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { INDICATOR_CATEGORIES } from '../../../shared/src';
import { manualClock, PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { statRegions, submitStatSchools } from '../../helpers/statistics';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

describe('statistics counts reconcile: 统计单位, list mode and the trend (issue 13)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let token: string;
  const api = async (path: string) => {
    const res = await server.api(path, { token });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body;
  };

  before(async () => {
    server = await startTestServer('statistics_reconcile', { options: { clock } });
    await submitStatSchools(server, P, 'rc', (k) => `对账${k}学校`);
    await regionUser('rcCountyAdmin', '350102', 'admin');
    await regionUser('rcCountyAuditor', '350102', 'auditor');
    await regionUser('rcProvince', '350000', 'inspector');
    const admin = await server.login('rcCountyAdmin', PASSWORD);
    const auditor = await server.login('rcCountyAuditor', PASSWORD);
    const path = `/regions/350102/reports/${P}`;
    const put = await server.api(path, {
      method: 'PUT',
      token: admin,
      body: { data: statRegions.countyA.data },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const sent = await server.api(`${path}/submit`, { method: 'POST', token: auditor });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
    token = await server.login('rcProvince', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  it('校校通 of 福州市: 统计单位 = 4 schools + 1 region report; the list mode lists the same 4 schools', async () => {
    const page = await api(`/regions/350100/statistics?period=${P}&category=schoolNet`);
    expect(page.total).to.deep.include({ units: 5, schools: 4, regionReports: 1 });
    const list = await api(`/regions/350100/statistics/schools?period=${P}&category=schoolNet`);
    expect(list.total).to.equal(page.total.schools);
    // The category names whom it counts: every school type but 机构, and region reports.
    expect(page.category.schoolTypes).to.include.members(['小学', '初中', '教学点']);
    expect(page.category.schoolTypes).not.to.include('机构');
    expect(page.category.regionReports).to.equal(true);
  });

  it('for every category and filter, each row’s counted schools equal its list mode total', async () => {
    const filters = ['', '&schoolType=教学点', '&schoolType=小学', '&urbanRural=乡村', '&urbanRural=城区'];
    let compared = 0;
    for (const c of INDICATOR_CATEGORIES) {
      for (const f of filters) {
        const page = await api(`/regions/350100/statistics?period=${P}&category=${c.key}${f}`);
        const base = `/regions/350100/statistics/schools?period=${P}&category=${c.key}${f}&pageSize=1`;
        expect((await api(base)).total, `${c.key}${f} total`).to.equal(page.total.schools);
        const direct = page.children.find((r: { direct: boolean }) => r.direct);
        expect((await api(`${base}&direct=true`)).total, `${c.key}${f} 直属`).to.equal(direct.schools);
        const gulou = page.children.find((r: { code: string }) => r.code === '350102');
        const gulouList = await api(
          `/regions/350102/statistics/schools?period=${P}&category=${c.key}${f}&pageSize=1`,
        );
        expect(gulouList.total, `${c.key}${f} 鼓楼区`).to.equal(gulou.schools);
        expect(page.total.units).to.equal(page.total.schools + page.total.regionReports);
        compared++;
      }
    }
    expect(compared).to.equal(INDICATOR_CATEGORIES.length * filters.length);
    // A school filter leaves the region reports in (they count for the region indicators only).
    const points = await api(`/regions/350100/statistics?period=${P}&category=schoolNet&schoolType=教学点`);
    expect(points.total).to.deep.include({ schools: 2, regionReports: 1 });
  });

  it('the XLSX export speaks in words: period and category in the title and file name, 第N版', async () => {
    const res = await fetch(
      `${server.url}/api/v1/regions/350100/statistics/schools/export?period=${P}&category=schoolNet`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    expect(res.status).to.equal(200);
    expect(decodeURIComponent(res.headers.get('content-disposition') ?? '')).to.include(
      '福州市-2026年第4季度-校校通-学校明细.xlsx',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).to.equal('福州市  2026年第4季度  校校通');
    const header = (sheet.getRow(2).values as unknown[]).slice(1);
    const version = header.indexOf('表单版本') + 1;
    expect(version).to.be.greaterThan(0);
    expect(sheet.rowCount).to.equal(2 + 4);
    const versions = [3, 4, 5, 6].map((r) => sheet.getRow(r).getCell(version).value);
    expect(versions).to.deep.equal(['第2版', '第2版', '第2版', '第2版']); // filed over HTTP: the current form
    sheet.eachRow((row) => expect(JSON.stringify(row.values)).not.to.include(P));
  });

  it('the trend tells "no data" (null) from a reported 0', async () => {
    const trend = async (q: string) =>
      (await api(`/regions/350100/statistics/chart?period=${P}&${q}`)).trend.map(
        (p: { value: number | null }) => p.value,
      );
    const none = [null, null, null, null, null, null, null];
    expect(await trend('indicator=crTotal')).to.deep.equal([...none, 3]);
    // Both teaching points reported 0 computer rooms: a real 0 in the last period.
    expect(await trend('indicator=crTotal&schoolType=教学点')).to.deep.equal([...none, 0]);
    // No 高中 reported at all: no data in any period.
    expect(await trend('indicator=crTotal&schoolType=高中')).to.deep.equal([...none, null]);
    // A region-report indicator: the 鼓楼区 report is the only data.
    expect(await trend('indicator=metroRegions')).to.deep.equal([...none, 1]);
  });
});
