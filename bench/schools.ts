// School management at province scale (issue 3): a 10,000-row XLSX import (upload + validate +
// write) and the first page of the filtered school list on a province of 20,000 schools, over HTTP.
import ExcelJS from 'exceljs';
import { SCHOOL_TYPES } from '@eduprogress/shared';
import { User } from '../server/src/accounts/model';
import { hashPassword } from '../server/src/accounts/passwords';
import { scaleCounties, writeScale } from '../server/src/demo/scale';
import { clearSchoolListCache } from '../server/src/schools/list-index';
import { School } from '../server/src/schools/model';
import { bearerFor, fmt, percentile, startBenchServer } from './harness';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PROVINCE = '350000';
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS || 10_000);
const LIST_SCHOOLS = Number(process.env.BENCH_LIST_SCHOOLS || 20_000);
const LIST_REQUESTS = Number(process.env.BENCH_LIST_REQUESTS || 50);

/** The first page with the filters an admin actually combines (seed 000's list screen). */
const LIST_QUERIES = [
  'region=350000&type=小学&page=1&pageSize=20',
  'region=350000&status=正常&initialized=false&page=1&pageSize=20',
  'region=350100&type=初中&sort=-updatedAt&page=1&pageSize=20',
  'region=350000&issue=none&ownership=教育部门&page=1&pageSize=20',
  'region=350000&q=%E4%B8%AD&page=1&pageSize=20',
];

async function importFile(rows: number): Promise<Buffer> {
  const counties = scaleCounties([PROVINCE]);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('学校');
  sheet.addRow(['学校名称', '学校类型', '所属地区代码', '是否薄弱学校']);
  for (let i = 0; i < rows; i++) {
    const county = counties[i % counties.length];
    sheet.addRow([
      `${county.name}基准导入学校${String(i).padStart(5, '0')}`,
      SCHOOL_TYPES[i % 11],
      county._id,
      i % 7 ? '否' : '是',
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function benchSchools(): Promise<void> {
  const bench = await startBenchServer('bench_schools');
  const url = `${bench.server.url}/api/v1`;
  const backend = bench.server.database.description;
  try {
    await User.create({
      loginName: 'bench_fj',
      name: '福建省管理员',
      passwordHash: await hashPassword('Bench12345'),
      mustChangePassword: false,
      bindings: [{ kind: 'region', role: 'admin', regionCode: PROVINCE, regionPath: ['000000'] }],
    });
    const auth = await bearerFor(url, 'bench_fj', 'Bench12345');

    // 1. Import: the file is built beforehand; the figure is upload + parse + validate + write.
    const file = await importFile(IMPORT_ROWS);
    const form = new FormData();
    form.append('file', new Blob([file], { type: XLSX }), 'schools.xlsx');
    const t0 = performance.now();
    const imported = await fetch(`${url}/schools/import`, { method: 'POST', headers: auth, body: form });
    const importBody = (await imported.json()) as { created?: number; error?: unknown };
    const importMs = performance.now() - t0;
    if (imported.status !== 201)
      throw new Error(`import failed: ${imported.status} ${JSON.stringify(importBody)}`);
    console.log(
      `school import: ${importBody.created} rows (${(file.length / 1024).toFixed(0)} KB XLSX) validated and written ` +
        `with admin accounts in ${(importMs / 1000).toFixed(2)} s (target < 10 s) — on ${backend}`,
    );

    // 2. List: a province of LIST_SCHOOLS schools (the imported ones plus generated ones).
    const counties = scaleCounties([PROVINCE]).length;
    const missing = Math.max(0, LIST_SCHOOLS - (await School.estimatedDocumentCount()));
    const perCounty = Math.ceil(missing / counties);
    if (perCounty > 0) {
      await writeScale({
        provinces: [PROVINCE],
        schoolsPerCounty: perCounty,
        teachersPerSchool: 0,
        seed: 7,
        schoolAdmins: true,
        passwordHash: await hashPassword('123456'),
      });
    }
    const total = await School.countDocuments({ regionPath: PROVINCE });
    // The first read of the province decodes every region's rows into the server's memory; later
    // reads check one stamps document and re-read only regions changed since (here: one school renamed
    // through the API before every fifth request, so those requests include that re-read).
    const listOnce = async (query: string) => {
      const started = performance.now();
      const res = await fetch(`${url}/schools?${query}`, { headers: auth });
      const body = (await res.json()) as { items?: { id: string }[] };
      if (res.status !== 200 || !body.items) throw new Error(`list failed: ${res.status} ${query}`);
      return { ms: performance.now() - started, items: body.items };
    };
    const cold = await listOnce(LIST_QUERIES[0]);
    const samples: number[] = [];
    const afterWrite: number[] = [];
    for (let i = 0; i < LIST_REQUESTS; i++) {
      const query = LIST_QUERIES[i % LIST_QUERIES.length];
      if (i % 5 === 4) {
        const target = cold.items[i % cold.items.length];
        const patched = await fetch(`${url}/schools/${target.id}`, {
          method: 'PATCH',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: `基准改名学校${i}` }),
        });
        if (patched.status !== 200) throw new Error(`rename failed: ${patched.status}`);
      }
      const { ms } = await listOnce(query);
      samples.push(ms);
      if (i % 5 === 4) afterWrite.push(ms);
    }
    console.log(
      `school list (first page, filtered; ${total} schools in the province, ${samples.length} requests, ` +
        `one school renamed before every fifth): p50 ${fmt(percentile(samples, 50))}, p95 ${fmt(percentile(samples, 95))}, ` +
        `max ${fmt(Math.max(...samples))}; right after a rename p50 ${fmt(percentile(afterWrite, 50))} ` +
        `(target p95 < 150 ms) — on ${backend}`,
    );
    // The server runs in this process: forget its decoded rows, as a restarted instance would have.
    clearSchoolListCache();
    const restarted = await listOnce(LIST_QUERIES[0]);
    console.log(
      `school list, first read of the province: ${fmt(cold.ms)} with the read model built from the schools ` +
        `(first use after the generator wrote them); ${fmt(restarted.ms)} by a process holding no rows yet`,
    );
  } finally {
    await bench.stop();
  }
}
