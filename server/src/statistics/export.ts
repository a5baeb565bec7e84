// XLSX export of the list mode (seed 000 §4.3 三: the schools behind the statistics with their reported
// values), streamed through exceljs' WorkbookWriter like the training exports.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  categoryByKey,
  formVersionLabel,
  indicatorByKey,
  periodLabel,
  schoolListFileName as listFileName,
} from '@eduprogress/shared';
import type { SchoolList } from './service';

const messages = {
  sheet: '学校明细',
  title: (region: string, period: string, category: string, indicator?: string) =>
    `${region}  ${period}  ${category}${indicator ? `  ${indicator}` : ''}`,
  fixedColumns: ['学校名称', '所属地区', '学校类型', '城乡类型', '表单版本'],
  yes: '是',
  no: '否',
};

const safe = (s: string) => s.replace(/[\\/:*?"<>|]/g, '_');

/** `福建省-2026年第4季度-校校通-学校明细.xlsx` (the app names its download the same). */
export function schoolListFileName(list: SchoolList): string {
  return safe(listFileName(list.region.name, list.period, categoryByKey(list.category)!.label));
}

const cell = (v: unknown): string | number =>
  v === null || v === undefined
    ? ''
    : typeof v === 'boolean'
      ? v
        ? messages.yes
        : messages.no
      : (v as number);

async function backpressure(sheet: ExcelJS.Worksheet, out: Writable): Promise<void> {
  const deflate = (sheet as unknown as { stream?: { pipes?: Writable[] } }).stream?.pipes?.[0];
  if (deflate?.writableNeedDrain) await once(deflate, 'drain');
  if (out.writableNeedDrain) await once(out, 'drain');
}

/** Writes the list: a title row, the header, then one row per school; returns the number of schools. */
export async function writeSchoolListWorkbook(out: Writable, list: SchoolList): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(messages.sheet, { views: [{ state: 'frozen', ySplit: 2 }] });
  const header = [
    ...messages.fixedColumns,
    ...list.columns.fields.map((f) => f.label),
    ...list.columns.indicators.map((d) => (d.unit ? `${d.label}（${d.unit}）` : d.label)),
  ];
  sheet.columns = header.map((_, i) => ({ width: i === 0 ? 30 : 16 }));
  sheet
    .addRow([
      messages.title(
        list.region.name,
        periodLabel(list.period),
        categoryByKey(list.category)!.label,
        list.indicator ? indicatorByKey(list.indicator)?.label : undefined,
      ),
    ])
    .commit();
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.commit();
  let n = 0;
  for (const r of list.rows) {
    sheet
      .addRow([
        r.name,
        r.regionName,
        r.type,
        r.urbanRural,
        formVersionLabel(r.formVersion),
        ...list.columns.fields.map((f) => cell(r.fields[f.key])),
        ...list.columns.indicators.map((d) => cell(r.values[d.key])),
      ])
      .commit();
    if (++n % 500 === 0) await backpressure(sheet, out);
  }
  sheet.commit();
  await workbook.commit();
  return n;
}
