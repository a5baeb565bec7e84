// The field cases of ../shared/field-cases (copied to test/fixtures/field-cases), each through the real
// HTTP import endpoint of the demo world: schools into 鼓楼区 (350102), training records into the
// demo's running training of 福建省.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { REGION_DEMO_PASSWORD } from '../../../server/src/demo/world';
import { School } from '../../../server/src/schools/model';
import { Teacher } from '../../../server/src/teachers/model';
import { findRecord, Training } from '../../../server/src/training/model';
import { startTestServer, type TestServer } from '../../helpers/server';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'field-cases');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('field cases through the import endpoints (demo world)', function () {
  this.timeout(240_000);
  let server: TestServer;
  let county: string;
  let province: string;
  let trainingId: string;
  const clock = () => new Date('2026-11-24T10:00:00+08:00');

  before(async () => {
    server = await startTestServer('field_cases', { env: { DEMO_DATA: '1' }, options: { clock } });
    county = await server.login('350102admin', REGION_DEMO_PASSWORD);
    province = await server.login('350000admin', REGION_DEMO_PASSWORD);
    const trainings = await server.api('/trainings', { token: province });
    trainingId = trainings.body.items.find((t: { status: string }) => t.status === 'running').id;
  });
  after(() => server?.close());

  async function post(path: string, token: string, body: Buffer, type: string) {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const importSchools = (file: Buffer, type = XLSX) => post('/schools/import', county, file, type);
  const importRecords = (file: Buffer, type: string) =>
    post(`/trainings/${trainingId}/records/import`, province, file, type);

  async function studyTimeOf(mobile: string): Promise<number | undefined> {
    const training = await Training.findById(trainingId).lean();
    const teacher = await Teacher.findOne({ mobile }).lean();
    expect(teacher, mobile).to.not.equal(null);
    return (await findRecord(training!, teacher!._id))?.studySeconds;
  }

  it('01: a name cell whose formula result is #N/A is a row error, no school `[object Object]`', async () => {
    const before = await School.countDocuments();
    const res = await importSchools(fixture('01-formula-na-school-name.xlsx'));
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error.code).to.equal('IMPORT_INVALID');
    expect(res.body.error.details.rows).to.deep.equal([
      { row: 2, field: 'name', message: '第 2 行：「学校名称」公式的计算结果是错误值 #N/A' },
    ]);
    expect(await School.countDocuments()).to.equal(before);
    expect(await School.countDocuments({ name: '[object Object]' })).to.equal(0);
  });

  it('07: a rich-text name keeps all its runs', async () => {
    const res = await importSchools(fixture('07-inline-richtext-name.xlsx'));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.schools.map((s: { name: string }) => s.name)).to.deep.equal([
      '福州市鼓楼区测试富文本小学',
    ]);
  });

  it('04b: （）and () are one name, a zero-width character makes no new name: duplicates reported', async () => {
    const before = await School.countDocuments();
    expect(await School.countDocuments({ regionCode: '350102', name: '鼓楼区实验小学' })).to.equal(1);
    const res = await importSchools(fixture('04b-fullwidth-parens-zero-width-names.xlsx'));
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    const rows = res.body.error.details.rows as { row: number; field: string; message: string }[];
    expect(rows.map((r) => [r.row, r.field])).to.deep.equal([
      [3, 'name'],
      [4, 'name'],
    ]);
    expect(rows[0].message).to.include('与第 2 行重复');
    expect(rows[1].message).to.include('已有名为「鼓楼区实验小学」的学校');
    expect(await School.countDocuments()).to.equal(before);
  });

  it('23: merged 学校类型/地区/薄弱 cells are filled from their top-left cell', async () => {
    const res = await importSchools(fixture('23-merged-cells-type-region.xlsx'));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(
      res.body.schools.map((s: { name: string; regionCode: string }) => [s.name, s.regionCode]),
    ).to.deep.equal([
      ['鼓楼区测试合并甲小学', '350102'],
      ['鼓楼区测试合并乙小学', '350102'],
      ['鼓楼区测试合并丙小学', '350102'],
    ]);
    const bing = await School.findOne({ name: '鼓楼区测试合并丙小学' }).lean();
    expect(bing).to.deep.include({ type: '小学', weak: false });
  });

  it('an empty, cut-off or .xls upload gets a 400 at once', async () => {
    const empty = await importSchools(Buffer.alloc(0));
    expect(empty.status).to.equal(400);
    expect(empty.body.error.code).to.equal('IMPORT_EMPTY_FILE');
    const chunked = await fetch(`${server.url}/api/v1/schools/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${county}`, 'Content-Type': XLSX },
      body: new ReadableStream({ start: (c) => c.close() }),
      duplex: 'half',
      signal: AbortSignal.timeout(30_000),
    } as RequestInit);
    expect(chunked.status).to.equal(400);
    // The field case as written: `POST /schools/import` with no body and no content type at all.
    const bare = await fetch(`${server.url}/api/v1/schools/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${county}` },
      signal: AbortSignal.timeout(30_000),
    });
    expect(bare.status).to.equal(400);
    expect(((await bare.json()) as { error: { code: string } }).error.code).to.equal('IMPORT_EMPTY_FILE');
    const whole = fixture('07-inline-richtext-name.xlsx');
    const cut = await importSchools(whole.subarray(0, whole.length - 200));
    expect(cut.status).to.equal(400);
    expect(cut.body.error.code).to.equal('IMPORT_CORRUPT_FILE');
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(2000)]);
    for (const res of [
      await importSchools(xls, 'application/vnd.ms-excel'),
      await importRecords(xls, 'application/vnd.ms-excel'),
    ]) {
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({
        code: 'IMPORT_UNSUPPORTED_FORMAT',
        message: '不支持的文件格式，请另存为 XLSX 或 CSV（UTF-8）',
      });
    }
  });

  it('13: keep-as-text wrappers (\'…, ="…", U+001F, trailing tab) removed: all 4 rows matched', async () => {
    const res = await importRecords(fixture('13-text-forced-mobile.csv'), 'text/csv');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ rows: 4, failed: 0 });
    expect(res.body.created + res.body.updated + res.body.unchanged).to.equal(4);
    for (const mobile of ['13887515926', '13662356904', '18049777393', '18824618371'])
      expect(await studyTimeOf(mobile), mobile).to.equal(8 * 3600);
  });

  it('15: a 1904-date-system workbook gives 07:52:00 and 30:15:00, like the 1900 control', async () => {
    for (const name of ['15-date1904-study-time.xlsx', '15b-date1900-study-time.xlsx']) {
      const res = await importRecords(fixture(name), XLSX);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body, name).to.include({ rows: 2, failed: 0 });
      expect(await studyTimeOf('18049777393'), name).to.equal(7 * 3600 + 52 * 60);
      expect(await studyTimeOf('18824618371'), name).to.equal(30 * 3600 + 15 * 60);
    }
  });

  it('11: Excel’s UTF-16 “Unicode text” is read by its byte-order mark', async () => {
    const res = await importRecords(fixture('11-utf16le-unicode-text.txt'), 'text/plain');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ rows: 1, failed: 0 });
    expect(await studyTimeOf('13887515926')).to.equal(8 * 3600);
  });
});
