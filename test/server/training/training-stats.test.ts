import { regionRoleBinding, schoolAdminBinding, userWith } from '../../helpers/fixtures';
import { expect } from 'chai';
import { Types } from 'mongoose';
import {
  MISSING_FULL_TIME_TEACHERS_HINT,
  trainingRates,
  type SchoolType,
  type VerificationState,
} from '@eduprogress/shared';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { School, type SchoolDoc } from '../../../server/src/schools/model';
import { Teacher } from '../../../server/src/teachers/model';
import { Training, viewCollections } from '../../../server/src/training/model';
import { startTestServer, type TestServer } from '../../helpers/server';

// Hand-computed world (hour cap 10):
//   mobile  school              stage 学科  verification  hours
//   …0001   A 鼓楼区 (350102)   初中  语文  approved      10    completed
//   …0002   A                   初中  数学  approved       5
//   …0003   A                   小学  语文  pending        0    participant, not a learner
//   …0004   B 台江区 (350103)   初中  语文  approved      12 → capped to 10, completed
//   …0005   C 思明区 (350203)   高中  英语  rejected     7.5
//   …0006   D 福州市直属         高中  语文  approved      10    completed
//   …0007   E 福建省直属         高中  数学  approved    2.25
//   …0008   A                   初中  语文  approved      —    not in the file: not a participant
const FILE = [
  '账号,姓名,获得学时,实际学习时长',
  '13800000001,张一,10,07:52:00',
  '13800000002,张二,5,04:58:29',
  '13800000003,张三,0,00:17:25',
  '13800000004,张四,12,10:00:00',
  '13800000005,张五,7.5,08:28:50',
  '13800000006,张六,10,08:25:26',
  '13800000007,张七,2.25,01:49:57',
].join('\n');

const PASSWORD = 'Pass12345';
const FUJIAN = ['000000', '350000'];

describe('training statistics over HTTP (seed 003 part 3 §2)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const token: Record<string, string> = {};
  let trainingId: string;
  let schoolA: SchoolDoc;

  const school = (name: string, regionCode: string, regionPath: string[], type: SchoolType = '初中') =>
    School.create({ name, type, regionCode, regionPath });

  before(async () => {
    server = await startTestServer('training_stats');
    const hash = await hashPassword(PASSWORD);
    schoolA = await school('鼓楼第一中学', '350102', [...FUJIAN, '350100', '350102']);
    const b = await school('台江第二中学', '350103', [...FUJIAN, '350100', '350103']);
    const c = await school('思明第三中学', '350203', [...FUJIAN, '350200', '350203'], '高中');
    const d = await school('福州市直属中学', '350100', [...FUJIAN, '350100'], '高中');
    const e = await school('福建省直属中学', '350000', FUJIAN, '高中');
    const teacher = (
      n: number,
      s: SchoolDoc,
      stage: string,
      subject: string,
      verification: VerificationState,
    ) =>
      ({
        name: `张${'一二三四五六七八'[n - 1]}`,
        mobile: `1380000000${n}`,
        schoolId: s._id,
        regionPath: s.regionPath,
        stage,
        subject,
        title: '一级教师',
        verification,
      }) as const;
    await Teacher.create([
      teacher(1, schoolA, '初中', '语文', 'approved'),
      teacher(2, schoolA, '初中', '数学', 'approved'),
      teacher(3, schoolA, '小学', '语文', 'pending'),
      teacher(4, b, '初中', '语文', 'approved'),
      teacher(5, c, '高中', '英语', 'rejected'),
      teacher(6, d, '高中', '语文', 'approved'),
      teacher(7, e, '高中', '数学', 'approved'),
      teacher(8, schoolA, '初中', '语文', 'approved'),
    ]);
    await User.create([
      userWith('fj', [regionRoleBinding('special', '350000', ['000000'])], {
        name: '福建专项',
        passwordHash: hash,
      }),
      userWith('fz', [regionRoleBinding('inspector', '350100', FUJIAN)], {
        name: '福州视察',
        passwordHash: hash,
      }),
      userWith('xm', [regionRoleBinding('inspector', '350200', FUJIAN)], {
        name: '厦门视察',
        passwordHash: hash,
      }),
      userWith('jx', [regionRoleBinding('admin', '360000', ['000000'])], {
        name: '江西管理',
        passwordHash: hash,
      }),
      userWith('schA', [schoolAdminBinding(schoolA)], { name: '鼓楼一中', passwordHash: hash }),
    ]);
    for (const n of ['fj', 'fz', 'xm', 'jx', 'schA']) token[n] = await server.login(n, PASSWORD);

    const created = await server.api('/trainings', {
      token: token.fj,
      body: { name: '2023年“暑期教师研修”专题', startAt: '2022-12-02', endAt: '2099-02-28', hourCap: 10 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    trainingId = created.body.id;
    const imported = await server.api(`/trainings/${trainingId}/records/import`, {
      token: token.fj,
      body: FILE,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(imported.status, JSON.stringify(imported.body)).to.equal(200);
    expect(imported.body).to.include({ rows: 7, created: 7, failed: 0, capped: 1 });
    for (const [code, count] of [
      ['350000', 20],
      ['350100', 8],
    ] as const) {
      const put = await server.api(`/regions/${code}/full-time-teachers`, {
        token: token.fj,
        method: 'PUT',
        body: { count },
      });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
    }
  });
  after(async () => {
    await server?.close();
  });

  const stats = (query: string, who = 'fj') =>
    server.api(`/trainings/${trainingId}/stats${query}`, { token: token[who] });

  it('shows the province row with every formula, everyone included by default', async () => {
    const res = await stats('');
    expect(res.status).to.equal(200);
    expect(res.body.total).to.deep.include({
      code: '350000',
      participants: 7,
      fullTimeTeachers: 20,
      participationRate: 35,
      learners: 6,
      learnRate: 85.71,
      avgHours: 7.5, // 44.75 h ÷ 6 learners = 7.458
      completers: 3,
      completionRate: 42.86,
      nonCompleters: 4,
      nonCompletionRate: 57.14,
      totalHours: 44.75,
    });
    expect(res.body.filters).to.deep.include({ region: '350000', includeUnverified: true });
    expect(res.body.breadcrumb).to.deep.equal([{ code: '350000', name: '福建省' }]);
  });

  it('leaves the unverified teachers out when switched off', async () => {
    const res = await stats('?includeUnverified=false');
    // …0003 (pending) and …0005 (rejected) drop out: 10 + 5 + 10 + 10 + 2.25 = 37.25 h over 5.
    expect(res.body.total).to.deep.include({
      participants: 5,
      participationRate: 25,
      learners: 5,
      learnRate: 100,
      avgHours: 7.5, // 7.45 exactly, half up
      completers: 3,
      completionRate: 60,
      nonCompleters: 2,
      nonCompletionRate: 40,
    });
  });

  it('lists the cities and a 直属学校 row, largest first; a missing denominator gives no rate and the Q6 hint', async () => {
    const res = await stats('');
    const rows = res.body.children as any[];
    expect(rows).to.have.length(10); // 9 cities + 直属学校
    expect(rows[0]).to.deep.include({
      code: '350100',
      name: '福州市',
      kind: 'region',
      participants: 5,
      fullTimeTeachers: 8,
      participationRate: 62.5,
      learners: 4,
      avgHours: 8.8, // 35 h ÷ 4 = 8.75, half up
      completers: 3,
      completionRate: 60,
    });
    const xiamen = rows.find((r) => r.code === '350200');
    expect(xiamen).to.deep.include({ participants: 1, learners: 1, completers: 0, avgHours: 7.5 });
    expect(xiamen.participationRate).to.equal(null);
    expect(xiamen.fullTimeTeachers).to.equal(null);
    const direct = rows.find((r) => r.kind === 'direct');
    expect(direct).to.deep.include({
      name: '直属学校',
      participants: 1,
      learners: 1,
      completers: 0,
      avgHours: 2.3,
    });
    expect(direct.drill).to.deep.equal({ view: 'teachers', region: '350000', direct: true });
    expect(res.body.hint).to.equal(MISSING_FULL_TIME_TEACHERS_HINT);
    expect(res.body.missingFullTimeTeachers).to.include('350200');
    expect(res.body.missingFullTimeTeachers).to.not.include('350100');
    // The rows add up to the region: children + 直属学校 = 福建省.
    expect(rows.reduce((n, r) => n + r.participants, 0)).to.equal(res.body.total.participants);
  });

  it('drills down into a city with a breadcrumb back up', async () => {
    const res = await stats('?region=350100');
    expect(res.status).to.equal(200);
    expect(res.body.breadcrumb).to.deep.equal([
      { code: '350000', name: '福建省' },
      { code: '350100', name: '福州市' },
    ]);
    expect(res.body.total).to.deep.include({ participants: 5, participationRate: 62.5 });
    const gulou = res.body.children.find((r: any) => r.code === '350102');
    expect(gulou).to.deep.include({ name: '鼓楼区', participants: 3, learners: 2, completers: 1 });
    expect(res.body.children.find((r: any) => r.kind === 'direct')).to.deep.include({
      participants: 1,
      completers: 1,
    });
    // A city inspector starts at the city, and the breadcrumb starts there too.
    const own = await stats('', 'fz');
    expect(own.body.region.code).to.equal('350100');
    expect(own.body.breadcrumb).to.deep.equal([{ code: '350100', name: '福州市' }]);
  });

  it('filters by stage, by subject and by both', async () => {
    expect((await stats('?stage=初中')).body.total).to.deep.include({
      participants: 3,
      learners: 3,
      completers: 2,
      totalHours: 25,
    });
    expect((await stats('?subject=语文')).body.total).to.deep.include({
      participants: 4,
      learners: 3,
      completers: 3,
      totalHours: 30,
    });
    const both = await stats(
      `?stage=${encodeURIComponent('初中')}&subject=${encodeURIComponent('语文')}&includeUnverified=false`,
    );
    expect(both.body.total).to.deep.include({ participants: 2, completers: 2, completionRate: 100 });
    expect(both.body.filters).to.deep.include({ stage: '初中', subject: '语文', includeUnverified: false });
  });

  it('computes the seed’s 54.76% with the same formulas the rows use', () => {
    const row = trainingRates({ participants: 146999, learners: 145792, completers: 80496, centiHours: 0 });
    expect([row.completionRate, row.nonCompletionRate, row.learnRate]).to.deep.equal([54.76, 45.24, 99.18]);
  });

  it('lists teachers with masked accounts, region paths and study times, paginated in a stable order', async () => {
    const page1 = await server.api(`/trainings/${trainingId}/teachers?pageSize=3`, { token: token.fj });
    expect(page1.status).to.equal(200);
    expect(page1.body).to.include({ total: 7, page: 1, pageSize: 3 });
    const page3 = await server.api(`/trainings/${trainingId}/teachers?pageSize=3&page=3`, {
      token: token.fj,
    });
    expect(page3.body.items).to.have.length(1);
    const all = await server.api(`/trainings/${trainingId}/teachers?pageSize=50`, { token: token.fj });
    expect(all.body.items.slice(0, 3)).to.deep.equal(page1.body.items);
    const zhang1 = all.body.items.find((t: any) => t.name === '张一');
    expect(zhang1).to.deep.include({
      account: '138****0001',
      school: '鼓楼第一中学',
      region: '福建省/福州市/鼓楼区',
      stage: '初中',
      subject: '语文',
      hours: 10,
      studyTime: '07:52:00',
      completed: true,
    });
    expect(all.body.items.find((t: any) => t.name === '张四').hours).to.equal(10); // capped
    const search = await server.api(`/trainings/${trainingId}/teachers?q=${encodeURIComponent('张五')}`, {
      token: token.fj,
    });
    expect(search.body.items.map((t: any) => t.account)).to.deep.equal(['138****0005']);
    const filtered = await server.api(
      `/trainings/${trainingId}/teachers?region=350100&stage=${encodeURIComponent('初中')}`,
      {
        token: token.fj,
      },
    );
    expect(filtered.body.total).to.equal(3);
    const direct = await server.api(`/trainings/${trainingId}/teachers?region=350000&direct=true`, {
      token: token.fj,
    });
    expect(direct.body.items.map((t: any) => t.name)).to.deep.equal(['张七']);
  });

  it('shows a school its totals and its distribution by stage and subject', async () => {
    const res = await server.api(`/trainings/${trainingId}/schools/${schoolA._id}/stats`, {
      token: token.schA,
    });
    expect(res.status).to.equal(200);
    expect(res.body.total).to.deep.include({ participants: 3, learners: 2, completers: 1, totalHours: 15 });
    expect(res.body.byStage).to.deep.equal([
      { stage: '初中', ...trainingRates({ participants: 2, learners: 2, completers: 1, centiHours: 1500 }) },
      { stage: '小学', ...trainingRates({ participants: 1, learners: 0, completers: 0, centiHours: 0 }) },
    ]);
    expect(res.body.bySubject.map((s: any) => [s.subject, s.participants])).to.deep.equal([
      ['语文', 2],
      ['数学', 1],
    ]);
    const verifiedOnly = await server.api(
      `/trainings/${trainingId}/schools/${schoolA._id}/stats?includeUnverified=false`,
      {
        token: token.schA,
      },
    );
    expect(verifiedOnly.body.total.participants).to.equal(2);
    // The school's own teachers list, as its admin sees it.
    const list = await server.api(`/trainings/${trainingId}/teachers`, { token: token.schA });
    expect(list.body.total).to.equal(3);
  });

  it('exports both views as XLSX', async () => {
    const ExcelJS = (await import('exceljs')).default;
    for (const path of ['stats/export?region=350000', 'teachers/export?region=350100']) {
      const res = await fetch(`${server.url}/api/v1/trainings/${trainingId}/${path}`, {
        headers: { Authorization: `Bearer ${token.fj}` },
      });
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('spreadsheetml');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as any);
      const sheet = book.worksheets[0];
      const values = sheet.getSheetValues().filter(Boolean) as unknown[][];
      if (path.startsWith('stats')) {
        const fujian = values.find((r) => r[1] === '福建省')!;
        expect(fujian.slice(1, 12)).to.deep.equal([
          '福建省',
          7,
          20,
          '35.00%',
          6,
          '85.71%',
          7.5,
          3,
          '42.86%',
          4,
          '57.14%',
        ]);
        expect(values.find((r) => r[1] === '厦门市')![4]).to.equal('—');
      } else {
        expect(values[0].slice(1)).to.deep.equal([
          '账号',
          '姓名',
          '所在学校',
          '所在区域',
          '学段',
          '学科领域',
          '获得学时',
          '实际学习时长',
        ]);
        expect(values).to.have.length(1 + 5);
        expect(values.find((r) => r[2] === '张一')!.slice(1)).to.deep.equal([
          '138****0001',
          '张一',
          '鼓楼第一中学',
          '福建省/福州市/鼓楼区',
          '初中',
          '语文',
          10,
          '07:52:00',
        ]);
      }
    }
  });

  it('follows a verification at once (the rollups take an $inc, no nightly refresh)', async () => {
    const t3 = await Teacher.findOne({ mobile: '13800000003' }).lean();
    const ok = await server.api(`/teachers/${t3!._id}/verify`, {
      token: token.schA,
      body: { decision: 'approve' },
    });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const res = await stats('?includeUnverified=false');
    expect(res.body.total).to.deep.include({ participants: 6, learners: 5, completers: 3 });
    const city = await stats('?region=350100&includeUnverified=false&stage=' + encodeURIComponent('小学'));
    expect(city.body.children.find((r: any) => r.code === '350102')).to.deep.include({
      participants: 1,
      learners: 0,
    });
    // …and the roster follows too: the school view counts the teacher as verified.
    const schoolView = await server.api(
      `/trainings/${trainingId}/schools/${schoolA._id}/stats?includeUnverified=false`,
      {
        token: token.schA,
      },
    );
    expect(schoolView.body.total.participants).to.equal(3);
  });

  it('repairs deliberately corrupted rollups with a recount from the records', async () => {
    const before = (await stats('')).body;
    const training = await Training.findById(trainingId).lean();
    const { rollups } = viewCollections(trainingId, training!.viewGen);
    // The province's own row, 福州市's row on the province page, 福州市's whole page, a filtered page.
    await rollups('all').updateOne({ _id: '350000|*|*' }, { $set: { '350000_p1': 999, '350100_c1': 0 } });
    await rollups('all').deleteOne({ _id: '350100|*|*' });
    await rollups('stage').updateOne({ _id: '350000|初中|*' }, { $inc: { '350000_l1': 5 } as never });
    const broken = (await stats('')).body;
    expect(broken.total.participants).to.equal(999 + 1);
    expect(broken.children[0]).to.deep.include({ code: '350100', completers: 0 });
    expect((await stats('?region=350100')).body.total.participants).to.equal(0);

    const recount = await server.api(`/trainings/${trainingId}/recount`, { token: token.fj, method: 'POST' });
    expect(recount.status, JSON.stringify(recount.body)).to.equal(200);
    expect(recount.body.records).to.equal(7);
    const repaired = (await stats('')).body;
    expect(repaired.total).to.deep.equal(before.total);
    expect(repaired.children).to.deep.equal(before.children);
    expect((await stats('?stage=初中')).body.total.learners).to.equal(3);
    // The previous generation is gone after the next rebuild; the current one is readable.
    expect((await Training.findById(trainingId).lean())!.viewGen).to.be.greaterThan(training!.viewGen);
  });

  it('answers 403 outside the jurisdiction, per endpoint', async () => {
    const t = `/trainings/${trainingId}`;
    const cases: [string, string, string?][] = [
      ['jx', `${t}`],
      ['jx', `${t}/stats`],
      ['jx', `${t}/stats/export`],
      ['jx', `${t}/teachers`],
      ['jx', `${t}/teachers/export`],
      ['jx', `${t}/schools/${schoolA._id}/stats`],
      ['xm', `${t}/stats?region=350100`],
      ['xm', `${t}/teachers?region=350100`],
      ['xm', `${t}/schools/${schoolA._id}/stats`],
      ['schA', `${t}/stats`],
      // A school admin asking for another region's teachers: refused, not answered with its own.
      ['schA', `${t}/teachers?region=350200`],
      ['fz', `${t}/recount`, 'POST'],
      ['xm', `${t}/records/import`, 'POST'],
      ['xm', '/regions/350100/full-time-teachers'],
      ['fz', '/regions/350100/full-time-teachers', 'PUT'],
      ['fz', '/regions/350100/full-time-teachers/import', 'POST'],
    ];
    for (const [who, path, method] of cases) {
      const res = await server.api(path, {
        token: token[who],
        method: method ?? 'GET',
        body:
          method === 'PUT' ? { count: 1 } : method === 'POST' && path.endsWith('import') ? 'a,b' : undefined,
        headers: path.endsWith('import') ? { 'Content-Type': 'text/csv' } : undefined,
      });
      expect(res.status, `${who} ${method ?? 'GET'} ${path}`).to.equal(403);
      expect(res.body.error.message)
        .to.be.a('string')
        .and.match(/[\u4e00-\u9fa5]/);
    }
    const other = await server.api(`/trainings/${new Types.ObjectId()}/stats`, { token: token.fj });
    expect(other.status).to.equal(404);
    expect(other.body.error.message).to.equal('培训不存在');
    const outsideTraining = await server.api(`${t}/stats?region=360000`, { token: token.fj });
    expect(outsideTraining.status).to.equal(403);
  });

  it('lists trainings in scope with a status from the clock; only national/province admins create them', async () => {
    const list = await server.api('/trainings', { token: token.fz });
    expect(list.body.items.map((t: any) => t.id)).to.deep.equal([trainingId]);
    expect(list.body.items[0]).to.include({ status: 'running', statusLabel: '进行中', hourCap: 10 });
    expect(list.body.items[0].startAt).to.equal('2022-12-02T00:00:00+08:00');
    expect((await server.api('/trainings', { token: token.jx })).body.total).to.equal(0);
    expect((await server.api('/trainings?status=ended', { token: token.fj })).body.total).to.equal(0);
    expect(
      (await server.api('/trainings?from=2020-01-01&to=2022-12-01', { token: token.fj })).body.total,
    ).to.equal(0);
    expect(
      (await server.api('/trainings?from=2020-01-01&to=2022-12-02', { token: token.fj })).body.total,
    ).to.equal(1);
    // Seed 003's list: an ended training and one not started yet, statuses from the server's clock.
    for (const [name, startAt, endAt] of [
      ['2022年“暑期教师研修”专题', '2022-07-20T00:00:00+08:00', '2022-08-31T23:59:00+08:00'],
      ['2098年寒假专题', '2098-01-10', '2098-02-20'],
    ]) {
      const res = await server.api('/trainings', {
        token: token.fj,
        body: { name, startAt, endAt, hourCap: 10 },
      });
      expect(res.status).to.equal(201);
    }
    const statuses = (await server.api('/trainings', { token: token.fz })).body.items.map((t: any) => [
      t.name,
      t.statusLabel,
    ]);
    expect(statuses).to.deep.include.members([
      ['2022年“暑期教师研修”专题', '已结束'],
      ['2098年寒假专题', '未开始'],
      ['2023年“暑期教师研修”专题', '进行中'],
    ]);
    expect((await server.api('/trainings?status=ended', { token: token.fz })).body.total).to.equal(1);
    const denied = await server.api('/trainings', {
      token: token.fz,
      body: { name: '福州培训', startAt: '2024-01-01', endAt: '2024-02-01', hourCap: 5 },
    });
    expect(denied.status).to.equal(403);
    const bad = await server.api('/trainings', {
      token: token.fj,
      body: { name: '倒序', startAt: '2024-02-01', endAt: '2024-01-01', hourCap: 5 },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.property).to.equal('endAt');
  });

  it('imports full-time teacher counts, reporting bad rows and refusing regions outside', async () => {
    const csv = [
      '地区代码,地区名称,专任教师数',
      '350200,厦门市,4',
      '360000,江西省,9',
      '350203,思明区,abc',
      '999999,无,1',
    ];
    const res = await server.api('/regions/350000/full-time-teachers/import', {
      token: token.fj,
      body: csv.join('\n'),
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.include({ rows: 4, applied: 1, failed: 3 });
    expect(res.body.errors).to.deep.equal([
      { row: 3, message: '第 3 行：江西省 不在「福建省」范围内' },
      { row: 4, message: '第 4 行：专任教师数「abc」应为非负整数' },
      { row: 5, message: '第 5 行：地区代码「999999」不存在' },
    ]);
    const counts = await server.api('/regions/350000/full-time-teachers', { token: token.fj });
    expect(counts.body.region).to.deep.include({ code: '350000', count: 20 });
    expect(counts.body.children.find((c: any) => c.code === '350200').count).to.equal(4);
    const xiamen = (await stats('')).body.children.find((r: any) => r.code === '350200');
    expect(xiamen).to.deep.include({ fullTimeTeachers: 4, participationRate: 25 });
  });
});
