import { regionRoleBinding, userWith } from '../../helpers/fixtures';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { School, type SchoolDoc } from '../../../server/src/schools/model';
import { Teacher, TeacherAccount } from '../../../server/src/teachers/model';
import {
  findRecord,
  recordsCollection,
  ROLLUP_KINDS,
  Training,
  TrainingLock,
  viewCollections,
} from '../../../server/src/training/model';
import { startTestServer, type TestServer } from '../../helpers/server';
import { buildXlsx, inlineCell } from '../../helpers/xlsx-parts';

const PASSWORD = 'Pass12345';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('training record import over HTTP', function () {
  this.timeout(120_000);
  let server: TestServer;
  let fj: string;
  let xm: string;
  let trainingId: string;
  let gulou: SchoolDoc;

  const importFile = (body: string | Buffer, type = 'text/csv', token = fj) =>
    fetch(`${server.url}/api/v1/trainings/${trainingId}/records/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
      body,
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
  const stats = (query = '') =>
    server.api(`/trainings/${trainingId}/stats${query}`, { token: fj }).then((r) => r.body.total);

  before(async () => {
    server = await startTestServer('training_import');
    const hash = await hashPassword(PASSWORD);
    gulou = await School.create({
      name: '鼓楼实验小学',
      type: '小学',
      regionCode: '350102',
      regionPath: ['000000', '350000', '350100', '350102'],
    });
    const xiamen = await School.create({
      name: '思明实验小学',
      type: '小学',
      regionCode: '350203',
      regionPath: ['000000', '350000', '350200', '350203'],
    });
    await Teacher.create(
      Array.from({ length: 6 }, (_, i) => ({
        name: `李${i + 1}`,
        mobile: `1390000000${i + 1}`,
        schoolId: i < 5 ? gulou._id : xiamen._id,
        regionPath: i < 5 ? gulou.regionPath : xiamen.regionPath,
        stage: '小学',
        subject: i % 2 ? '数学' : '语文',
        title: '二级教师',
        verification: 'approved' as const,
      })),
    );
    const li5 = await Teacher.findOne({ mobile: '13900000005' }).lean();
    const user = await User.create({
      loginName: 'li5',
      name: '李5',
      passwordHash: hash,
      mustChangePassword: false,
    });
    await TeacherAccount.create({ _id: String(user._id), teacherId: li5!._id, linkedAt: new Date() });
    await User.create([
      userWith('fj', [regionRoleBinding('special', '350000', ['000000'])], {
        name: '福建专项',
        passwordHash: hash,
      }),
      userWith('xm', [regionRoleBinding('special', '350200', ['000000', '350000'])], {
        name: '厦门专项',
        passwordHash: hash,
      }),
    ]);
    fj = await server.login('fj', PASSWORD);
    xm = await server.login('xm', PASSWORD);
    const created = await server.api('/trainings', {
      token: fj,
      body: {
        name: '寒假专题培训',
        startAt: '2024-01-10T00:00:00+08:00',
        endAt: '2099-02-20T23:59:00+08:00',
        hourCap: 8,
      },
    });
    trainingId = created.body.id;
  });
  after(async () => {
    await server?.close();
  });

  const GOOD_AND_BAD = [
    '2024年寒假专题培训 数据明细', // a title line above the header, as platform exports have
    '序号,账号,姓名,所在学校,获得学时,实际学习时长',
    '1,13900000001,李1,鼓楼实验小学,8,07:52:00',
    '2,13900000002,李2,鼓楼实验小学,3.5,03:10:00',
    '3,13800000001,无名,某校,5,01:00:00', // 第 5 行: unknown teacher
    '4,13900000003,李3,鼓楼实验小学,abc,01:00:00', // 第 6 行: bad hours
    '5,13900000004,李4,鼓楼实验小学,-2,01:00:00', // 第 7 行: negative
    '6,13900000004,李4,鼓楼实验小学,2,七小时', // 第 8 行: bad duration
    '7,,空账号,鼓楼实验小学,2,01:00:00', // 第 9 行: no account
    '8,li5,李5,鼓楼实验小学,12,90', // login name instead of mobile; capped to 8; 90 minutes
  ].join('\n');

  it('keeps the valid rows and reports the bad ones by row number, in Chinese', async () => {
    const res = await importFile(GOOD_AND_BAD);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ rows: 8, created: 3, updated: 0, unchanged: 0, failed: 5, capped: 1 });
    expect(res.body.errors).to.deep.equal([
      { row: 5, message: '第 5 行：找不到账号为 138****0001 的教师' },
      { row: 6, message: '第 6 行：获得学时「abc」不是有效的数字' },
      { row: 7, message: '第 7 行：获得学时不能为负数' },
      { row: 8, message: '第 8 行：实际学习时长「七小时」格式不正确，应为 时:分:秒（如 07:52:00）或分钟数' },
      { row: 9, message: '第 9 行：账号为空' },
    ]);
    const training = await Training.findById(trainingId).lean();
    const li5 = await findRecord(training!, (await Teacher.findOne({ mobile: '13900000005' }))!._id);
    expect(li5).to.deep.include({
      hours: 8,
      studySeconds: 5400,
      learned: 1,
      completed: 1,
      verified: 1,
      stage: '小学',
    });
  });

  it('shows an import in the statistics immediately', async () => {
    expect(await stats()).to.deep.include({ participants: 3, learners: 3, completers: 2, totalHours: 19.5 });
  });

  it('changes nothing when the same file is imported again', async () => {
    const training = await Training.findById(trainingId).lean();
    const all = () => recordsCollection(trainingId, training!.recordsGen).find({}).sort({ _id: 1 }).toArray();
    const records = await all();
    expect(records).to.have.length(3);
    const before = await stats();
    const again = await importFile(GOOD_AND_BAD);
    expect(again.body).to.include({ rows: 8, created: 0, updated: 0, unchanged: 3, failed: 5 });
    expect(await all()).to.deep.equal(records);
    const now = await Training.findById(trainingId).lean();
    expect([now!.viewGen, now!.recordsGen]).to.deep.equal([training!.viewGen, training!.recordsGen]); // nothing rebuilt
    expect(await stats()).to.deep.equal(before);
  });

  it('updates changed rows without counting anyone twice', async () => {
    const res = await importFile(
      ['账号,获得学时,实际学习时长', '13900000002,8,06:00:00', '13900000003,0,00:05:00'].join('\n'),
    );
    expect(res.body).to.include({ rows: 2, created: 1, updated: 1, unchanged: 0, failed: 0 });
    expect(await stats()).to.deep.include({ participants: 4, learners: 3, completers: 3, totalHours: 24 });
    // A few changes are written in place, in the same records generation.
    const training = await Training.findById(trainingId).lean();
    expect(training!.recordsGen).to.equal(1);
    const li2 = await findRecord(training!, (await Teacher.findOne({ mobile: '13900000002' }))!._id);
    expect(li2).to.deep.include({ hours: 8, studySeconds: 6 * 3600, completed: 1 });
    // A second file mentioning only one teacher keeps everyone else; without a duration column the
    // study time on file stays.
    const one = await importFile('账号,获得学时\n13900000001,8');
    expect(one.body).to.include({ unchanged: 1 });
    const li1 = await server
      .api(`/trainings/${trainingId}/teachers?q=${encodeURIComponent('李1')}`, { token: fj })
      .then((r) => r.body.items[0]);
    expect(li1.studyTime).to.equal('07:52:00');
    const { total } = await server
      .api(`/trainings/${trainingId}/teachers`, { token: fj })
      .then((r) => r.body);
    expect(total).to.equal(4);
  });

  it('reads XLSX uploads, raw or as multipart form data', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('数据明细');
    sheet.addRow(['账号', '姓名', '获得学时', '实际学习时长']);
    sheet.addRow([13900000004, '李4', 6, '05:00:00']); // the mobile stored as a number, as Excel does
    const timed = sheet.addRow(['13900000003', '李3', 1.25, new Date(Date.UTC(1899, 11, 30, 1, 30, 0))]);
    timed.getCell(4).numFmt = '[h]:mm:ss';
    const buffer = Buffer.from(await book.xlsx.writeBuffer());
    const raw = await importFile(buffer, XLSX);
    expect(raw.status, JSON.stringify(raw.body)).to.equal(200);
    expect(raw.body).to.include({ rows: 2, created: 1, updated: 1, failed: 0 });
    const li3 = await server
      .api(`/trainings/${trainingId}/teachers?q=${encodeURIComponent('李3')}`, { token: fj })
      .then((r) => r.body.items[0]);
    expect(li3).to.include({ hours: 1.25, studyTime: '01:30:00' });

    const form = new FormData();
    form.append('file', new Blob([buffer], { type: XLSX }), '学时.xlsx');
    const multipart = await fetch(`${server.url}/api/v1/trainings/${trainingId}/records/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fj}` },
      body: form,
    });
    expect(multipart.status).to.equal(200);
    expect(await multipart.json()).to.include({ rows: 2, unchanged: 2 });
  });

  it('refuses teachers outside the importer’s region, files without the needed columns, and other media types', async () => {
    // 厦门 imports: 李6 is in 厦门, 李1 in 福州.
    const res = await importFile('账号,获得学时\n13900000006,4\n13900000001,1', 'text/csv', xm);
    expect(res.body).to.include({ created: 1, failed: 1 });
    expect(res.body.errors[0].message).to.equal('第 3 行：账号为 139****0001 的教师不在「厦门市」范围内');
    const noHeader = await importFile('姓名,学时数\n李1,3');
    expect(noHeader.status).to.equal(400);
    expect(noHeader.body.error.code).to.equal('IMPORT_BAD_HEADER');
    expect(noHeader.body.error.message).to.contain('账号');
    const json = await server.api(`/trainings/${trainingId}/records/import`, {
      token: fj,
      body: { rows: [] },
    });
    expect(json.status).to.equal(415);
    expect(json.body.error.message).to.match(/CSV/);
  });

  it('reports a formula cell with an error or no stored result as a row error, naming the column', async () => {
    const file = await buildXlsx({
      rows:
        `<row>${inlineCell('账号')}${inlineCell('获得学时')}</row>` +
        `<row>${inlineCell('13900000002')}<c t="e"><f>1/0</f><v>#DIV/0!</v></c></row>` +
        `<row>${inlineCell('13900000003')}<c><f>B2*2</f></c></row>`,
    });
    const res = await importFile(file, XLSX);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ rows: 2, failed: 2, created: 0, updated: 0 });
    expect(res.body.errors).to.deep.equal([
      { row: 2, message: '第 2 行：「获得学时」公式的计算结果是错误值 #DIV/0!' },
      {
        row: 3,
        message:
          '第 3 行：「获得学时」单元格是公式，但文件中没有保存计算结果（请在 Excel 或 WPS 中打开并保存后重试）',
      },
    ]);
  });

  it('lets one import run at a time', async () => {
    await TrainingLockFixture.hold(trainingId);
    const res = await importFile('账号,获得学时\n13900000001,8');
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('TRAINING_BUSY');
    await TrainingLockFixture.release(trainingId);
  });

  it('keeps the rollups equal to a recount after all of the above', async () => {
    const training = await Training.findById(trainingId).lean();
    const pages = async (gen: number) => {
      const { rollups } = viewCollections(trainingId, gen);
      return Promise.all(ROLLUP_KINDS.map((k) => rollups(k).find({}).sort({ _id: 1 }).toArray()));
    };
    const before = await pages(training!.viewGen);
    await server.api(`/trainings/${trainingId}/recount`, { token: fj, method: 'POST' });
    const after = await pages(training!.viewGen + 1);
    expect(before.flat().length).to.be.greaterThan(20);
    expect(after).to.deep.equal(before);
  });
});

// A lock held by someone else (an import in another instance).
const TrainingLockFixture = {
  hold: (trainingId: string) =>
    TrainingLock.create({ _id: trainingId, kind: 'import', owner: 'elsewhere', at: new Date() }),
  release: (trainingId: string) => TrainingLock.deleteOne({ _id: trainingId }),
};
