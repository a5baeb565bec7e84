// XLSX exports of the two views of seed 003 part 3 §2 (by region, by teacher), streamed: exceljs'
// WorkbookWriter commits each row to the zip stream as it is written, so memory stays flat however
// many rows a province has.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { formatPercent } from '@eduprogress/shared';
import type { RegionStats, StatsRow, TeacherRow } from './service';

const messages = {
  statsSheet: '按区域查看',
  teachersSheet: '按学员查看',
  statsFile: (training: string, region: string) => `${training}-${region}-按区域统计.xlsx`,
  teachersFile: (training: string, label: string) => `${training}-${label}-学员明细.xlsx`,
  statsColumns: [
    '区域名称',
    '参训人数',
    '专任教师数',
    '参训率',
    '学习人数',
    '学习率',
    '人均学时',
    '完成学时人数',
    '完成人数占比',
    '未完成学时人数',
    '未完成人数占比',
  ],
  teacherColumns: ['账号', '姓名', '所在学校', '所在区域', '学段', '学科领域', '获得学时', '实际学习时长'],
  filters: (s: RegionStats) =>
    `学段：${s.filters.stage ?? '全部'}  学科领域：${s.filters.subject ?? '全部'}  未通过认证教师：${
      s.filters.includeUnverified ? '包含' : '不包含'
    }`,
  missing: '—',
};

// File names travel in Content-Disposition: keep them free of characters file systems refuse.
const safe = (s: string) => s.replace(/[\\/:*?"<>|]/g, '_');

export function statsFileName(stats: RegionStats): string {
  return safe(messages.statsFile(stats.training.name, stats.region.name));
}

export function teachersFileName(trainingName: string, label: string): string {
  return safe(messages.teachersFile(trainingName, label));
}

function statsCells(r: StatsRow): (string | number)[] {
  return [
    r.name,
    r.participants,
    r.fullTimeTeachers ?? messages.missing,
    formatPercent(r.participationRate),
    r.learners,
    formatPercent(r.learnRate),
    r.avgHours ?? messages.missing,
    r.completers,
    formatPercent(r.completionRate),
    r.nonCompleters,
    formatPercent(r.nonCompletionRate),
  ];
}

/** The current region's row, then its children and 直属学校, as on the page. */
export async function writeStatsWorkbook(out: Writable, stats: RegionStats): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(messages.statsSheet, { views: [{ state: 'frozen', ySplit: 3 }] });
  sheet.columns = messages.statsColumns.map((_, i) => ({ width: i === 0 ? 24 : 14 }));
  sheet.addRow([`${stats.training.name}  ${stats.breadcrumb.map((b) => b.name).join(' / ')}`]).commit();
  sheet.addRow([messages.filters(stats)]).commit();
  const header = sheet.addRow(messages.statsColumns);
  header.font = { bold: true };
  header.commit();
  sheet.addRow(statsCells(stats.total)).commit();
  for (const row of stats.children) sheet.addRow(statsCells(row)).commit();
  if (stats.hint) sheet.addRow([stats.hint]).commit();
  sheet.commit();
  await workbook.commit();
}

/**
 * exceljs hands rows to the zip's deflate stream without waiting for it: left alone, a fast producer
 * queues the whole sheet uncompressed. So every few hundred rows wait for the deflate stream and for
 * the client.
 */
async function backpressure(sheet: ExcelJS.Worksheet, out: Writable): Promise<void> {
  const deflate = (sheet as unknown as { stream?: { pipes?: Writable[] } }).stream?.pipes?.[0];
  if (deflate?.writableNeedDrain) await once(deflate, 'drain');
  if (out.writableNeedDrain) await once(out, 'drain');
}

/** One row per participant, streamed. */
export async function writeTeachersWorkbook(out: Writable, rows: AsyncIterable<TeacherRow>): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(messages.teachersSheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [16, 10, 30, 28, 10, 14, 10, 14].map((width) => ({ width }));
  const header = sheet.addRow(messages.teacherColumns);
  header.font = { bold: true };
  header.commit();
  let n = 0;
  for await (const r of rows) {
    sheet.addRow([r.account, r.name, r.school, r.region, r.stage, r.subject, r.hours, r.studyTime]).commit();
    if (++n % 500 === 0) await backpressure(sheet, out);
  }
  sheet.commit();
  await workbook.commit();
  return n;
}
