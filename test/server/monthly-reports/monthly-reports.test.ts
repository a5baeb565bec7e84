import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '@eduprogress/shared';
import { AuditEntry } from '../../../server/src/audit/model';
import { MonthlyReport } from '../../../server/src/monthly-reports/model';
import { monthlyOverview } from '../../../server/src/monthly-reports/service';
import { AttachmentStore } from '../../../server/src/notices/attachments';
import { manualClock, PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// Seed 001 第二十条: 省级教育行政部门 … 每月底前在系统中报送当月月报文本信息 (2016 rules: monthly).
describe('the province’s monthly text report (seed 001 第二十条)', function () {
  this.timeout(60_000);
  const clock = manualClock('2026-11-20T10:00:00+08:00');
  let server: TestServer;
  const t: Record<string, string> = {};
  const path = (month: string, code: string) => `/monthly-reports/${month}/provinces/${code}`;
  const upload = async (token: string, url: string, body: string, type = 'application/octet-stream') => {
    const res = await fetch(`${server.url}/api/v1${url}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  before(async () => {
    server = await startTestServer('monthly_reports', {
      env: { REPORT_CYCLE: 'monthly' },
      options: { clock },
    });
    await regionUser('fj', '350000', 'admin');
    await regionUser('fjInspector', '350000', 'inspector');
    await regionUser('gd', '440000', 'admin');
    await regionUser('fz', '350100', 'admin');
    await regionUser('natl', '000000', 'admin');
    await regionUser('natlInspector', '000000', 'inspector');
    for (const u of ['fj', 'fjInspector', 'gd', 'fz', 'natl', 'natlInspector'])
      t[u] = await server.login(u, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  it('saves the month’s text, sanitised with the allow-list, for the province’s admin', async () => {
    const res = await server.api(path('2026-11', '350000'), {
      method: 'PUT',
      token: t.fj,
      body: { content: '<p onclick="x()">本月完成<b>宽带</b>提速<script>alert(1)</script></p>' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.content).to.equal('<p>本月完成<b>宽带</b>提速</p>');
    expect(res.body).to.deep.include({ status: 'draft', month: '2026-11', filedAt: null });
    expect(res.body.deadline).to.equal('2026-12-01T00:00:00+08:00');
  });

  it('refuses bad input and closed months, changing nothing', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['2026-11', '350000', { content: '<script>x</script> ' }, 400, 'MONTHLY_REPORT_EMPTY'],
      ['2026-11', '350000', { content: 'x', extra: 1 }, 400, 'VALIDATION_FAILED'],
      ['2026-13', '350000', { content: '正文' }, 400, 'MONTH_INVALID'],
      ['2026-12', '350000', { content: '正文' }, 409, 'MONTH_NOT_OPEN'],
      ['2026-09', '350000', { content: '正文' }, 409, 'MONTH_NOT_OPEN'],
      ['2026-11', '350100', { content: '正文' }, 400, 'NOT_A_PROVINCE'],
    ];
    for (const [month, code, body, status, errorCode] of cases) {
      const res = await server.api(path(month, code), { method: 'PUT', token: t.fj, body });
      expect(res.status, `${month} ${code}`).to.equal(status);
      if (errorCode !== 'VALIDATION_FAILED') expect(res.body.error.code).to.equal(errorCode);
    }
    expect((await MonthlyReport.findById('2026-11:350000').lean())?.content).to.equal(
      '<p>本月完成<b>宽带</b>提速</p>',
    );
    expect(await MonthlyReport.countDocuments()).to.equal(1);
  });

  it('is refused to other provinces, non-admins and lower levels (403), changing nothing', async () => {
    for (const who of ['gd', 'fjInspector', 'fz', 'natl']) {
      const res = await server.api(path('2026-11', '350000'), {
        method: 'PUT',
        token: t[who],
        body: { content: '改' },
      });
      expect(res.status, who).to.equal(403);
      const filed = await server.api(`${path('2026-11', '350000')}/file`, { method: 'POST', token: t[who] });
      expect(filed.status, who).to.equal(403);
    }
    for (const who of ['gd', 'fz']) {
      expect((await server.api(path('2026-11', '350000'), { token: t[who] })).status, who).to.equal(403);
      expect((await server.api('/monthly-reports/2026-11', { token: t[who] })).status, who).to.equal(403);
    }
    expect((await server.api('/monthly-reports/2026-11', { token: t.fj })).status).to.equal(403);
    expect((await MonthlyReport.findById('2026-11:350000').lean())?.status).to.equal('draft');
  });

  it('takes attachments, readable by the province and the national level only', async () => {
    const url = `${path('2026-11', '350000')}/attachments?filename=${encodeURIComponent('月报附表.txt')}`;
    const up = await upload(t.fj, url, '宽带提速 100%');
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    const outsider = await upload(t.gd, url, 'x');
    expect(outsider.status).to.equal(403);
    const noName = await upload(t.fj, `${path('2026-11', '350000')}/attachments`, 'x');
    expect(noName.status).to.equal(400);
    const bad = await upload(t.fj, `${path('2026-11', '350000')}/attachments?filename=a.exe`, 'MZ');
    expect(bad.status).to.equal(400);
    const file = `${path('2026-11', '350000')}/attachments/${up.body.id}`;
    for (const who of ['natlInspector', 'fjInspector']) {
      const res = await fetch(`${server.url}/api/v1${file}`, {
        headers: { Authorization: `Bearer ${t[who]}` },
      });
      expect(res.status, who).to.equal(200);
      expect(await res.text()).to.equal('宽带提速 100%');
    }
    expect((await server.api(file, { token: t.gd })).status).to.equal(403);
  });

  it('files on time; then no more edits; the national level sees who filed', async () => {
    const filed = await server.api(`${path('2026-11', '350000')}/file`, { method: 'POST', token: t.fj });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(200);
    expect(filed.body).to.deep.include({ status: 'filed', late: false, filer: 'fj' });
    expect(filed.body.attachments).to.have.length(1);
    const edit = await server.api(path('2026-11', '350000'), {
      method: 'PUT',
      token: t.fj,
      body: { content: '改' },
    });
    expect(edit.status).to.equal(409);
    expect(edit.body.error.code).to.equal('MONTHLY_REPORT_FILED');
    const empty = await server.api(`${path('2026-11', '440000')}/file`, { method: 'POST', token: t.gd });
    expect(empty.status).to.equal(400);

    const overview = await server.api('/monthly-reports/2026-11', { token: t.natlInspector });
    expect(overview.status).to.equal(200);
    expect(overview.body.totals).to.deep.include({ filed: 1, late: 0 });
    expect(overview.body.totals.provinces).to.be.greaterThan(30);
    const byCode = Object.fromEntries(overview.body.items.map((i: { code: string }) => [i.code, i]));
    expect(byCode['350000']).to.include({ status: 'filed', late: false, attachments: 1 });
    expect(byCode['440000']).to.include({ status: 'none' });
    expect(await AuditEntry.countDocuments({ action: 'monthlyReport.file' })).to.equal(1);
  });

  it('files the month before after its end, marked late', async () => {
    clock.set('2026-12-02T09:00:00+08:00');
    t.gd = await server.login('gd', PASSWORD);
    t.natl = await server.login('natl', PASSWORD);
    await server.api(path('2026-11', '440000'), {
      method: 'PUT',
      token: t.gd,
      body: { content: '<p>补报</p>' },
    });
    const res = await server.api(`${path('2026-11', '440000')}/file`, { method: 'POST', token: t.gd });
    expect(res.body).to.deep.include({ status: 'filed', late: true });
    const overview = await server.api('/monthly-reports/2026-11', { token: t.natl });
    expect(overview.body.totals).to.deep.include({ filed: 2, late: 1 });
  });

  it('is off under the quarterly calendar (409 MONTHLY_REPORTS_OFF)', async () => {
    const deps = { clock, calendar: DEFAULT_CALENDAR, store: new AttachmentStore('/nonexistent') };
    const natl = { binding: { kind: 'region', role: 'admin', regionCode: '000000', regionPath: [] } };
    const err = await monthlyOverview(deps, { auth: natl as never, actor: {} }, '2026-11').catch((e) => e);
    expect(err.code).to.equal('MONTHLY_REPORTS_OFF');
    expect(err.status).to.equal(409);
  });
});
