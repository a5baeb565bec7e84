// Spreadsheets of the schools feature: the import template, reading an uploaded import file, and the
// streamed export of a region's schools with their admin accounts (seed 000 §2.2, §2.6).
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { REGION_LEVEL_LABELS, SCHOOL_OWNERSHIPS, SCHOOL_TYPES, URBAN_RURAL_TYPES } from '@eduprogress/shared';
import { readColumns, readTable, type Cell } from '../files/spreadsheet';
import type { RegionDoc } from '../regions/model';
import { SCHOOL_SYSTEMS, type SchoolDoc } from './model';
import type { ImportRow, SchoolAdminAccount } from './service';

export { XLSX_MIME } from '../files/spreadsheet';
/** Rows one import may hold (a whole province's new schools at once, still bounded). */
export const MAX_IMPORT_ROWS = 50_000;

const messages = {
  schoolsSheet: '学校',
  guideSheet: '填写说明',
  regionsSheet: '地区代码',
  guideTitle: '学校批量导入填写说明',
  guide: [
    '1. 请在「学校」工作表的表头下方逐行填写，每行一所学校；不要修改、删除或调换表头。',
    '2. 学校名称、学校类型、所属地区代码为必填项；同一地区内学校名称不能重复，也不能与系统中已有学校重名。',
    '3. 所属地区代码为学校直管地区的 6 位行政区划代码：县（区）管学校填县（区）代码，市或省直管学校填市或省的代码；可选代码见「地区代码」工作表。',
    '4. 是否薄弱学校填「是」或「否」，不填视为「否」；学制、办别、城乡类型请从下拉列表中选择，可不填。',
    '5. 导入时系统会先检查每一行，只要有一行有误就不会导入任何学校，并逐行列出错误原因。',
    '6. 导入成功后，系统为每所学校生成一个学校管理员账号，初始密码为 123456，首次登录须修改密码。',
  ],
  optionsTitle: (label: string) => `${label}可选值`,
  regionColumns: ['地区代码', '地区名称', '级别'],
  listError: (label: string) => `请从下拉列表中选择${label}`,
  exportSheet: (region: string, direct: boolean) =>
    (direct ? `${region}直管学校` : `${region}学校`).slice(0, 31),
  exportFile: (region: string, direct: boolean) =>
    direct ? `${region}直管学校管理员账号.xlsx` : `${region}学校及管理员账号.xlsx`,
  yes: '是',
  no: '否',
  locked: '（已锁定）',
};

type ImportField = ImportColumn['field'];

interface ImportColumn {
  field: keyof Omit<ImportRow, 'row' | 'cellProblems'>;
  header: string;
  required?: boolean;
  width: number;
  options?: readonly string[];
  /** Text cells, so codes keep their leading zeros. */
  text?: boolean;
}

/** The template's columns; the import matches headers by name, so their order may change. */
export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { field: 'name', header: '学校名称', required: true, width: 34 },
  { field: 'type', header: '学校类型', required: true, width: 14, options: SCHOOL_TYPES },
  { field: 'regionCode', header: '所属地区代码', required: true, width: 16, text: true },
  { field: 'weak', header: '是否薄弱学校', width: 14, options: ['是', '否'] },
  { field: 'schoolSystem', header: '学制', width: 14, options: SCHOOL_SYSTEMS },
  { field: 'ownership', header: '办别', width: 14, options: SCHOOL_OWNERSHIPS },
  { field: 'urbanRural', header: '城乡类型', width: 12, options: URBAN_RURAL_TYPES },
  { field: 'address', header: '学校地址', width: 40 },
  { field: 'postcode', header: '学校邮编', width: 12, text: true },
];

interface RangeValidations {
  add(range: string, validation: ExcelJS.DataValidation): void;
}

/** Rows of the template that carry drop-down lists. */
const TEMPLATE_ROWS = 10_000;

function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** The import template: the 学校 sheet with drop-downs, a guide, and the caller's region codes. */
export async function buildImportTemplate(regions: RegionDoc[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '进展通';
  const sheet = workbook.addWorksheet(messages.schoolsSheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = IMPORT_COLUMNS.map((c) => ({
    header: c.header,
    key: c.field,
    width: c.width,
    style: c.text ? { numFmt: '@' } : undefined,
  }));
  sheet.getRow(1).font = { bold: true };
  // exceljs supports range validations but its typings only declare the per-cell form.
  const validations = (sheet as unknown as { dataValidations: RangeValidations }).dataValidations;
  IMPORT_COLUMNS.forEach((c, i) => {
    if (!c.options) return;
    const letter = columnLetter(i);
    validations.add(`${letter}2:${letter}${TEMPLATE_ROWS + 1}`, {
      type: 'list',
      allowBlank: !c.required,
      formulae: [`"${c.options.join(',')}"`],
      showErrorMessage: true,
      errorTitle: c.header,
      error: messages.listError(c.header),
    });
  });

  const guide = workbook.addWorksheet(messages.guideSheet);
  guide.getColumn(1).width = 110;
  guide.addRow([messages.guideTitle]).font = { bold: true, size: 14 };
  for (const line of messages.guide) guide.addRow([line]);
  for (const c of IMPORT_COLUMNS) {
    if (!c.options) continue;
    guide.addRow([]);
    guide.addRow([messages.optionsTitle(c.header)]).font = { bold: true };
    guide.addRow([c.options.join('、')]);
  }

  const codes = workbook.addWorksheet(messages.regionsSheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  codes.columns = [
    { header: messages.regionColumns[0], width: 12, style: { numFmt: '@' } },
    { header: messages.regionColumns[1], width: 24 },
    { header: messages.regionColumns[2], width: 8 },
  ];
  codes.getRow(1).font = { bold: true };
  for (const r of regions) codes.addRow([r._id, r.name, REGION_LEVEL_LABELS[r.level]]);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Reads the import file (XLSX or CSV, see files/spreadsheet.ts) into rows of text by the template's
 * headers, matched by name within the first 10 rows. Cells whose formula has an error or no stored
 * result are carried as `cellProblems` for validation to report. Row numbers are the spreadsheet's own.
 * Errors (400): IMPORT_BAD_HEADER, IMPORT_TOO_LARGE, and the file errors of `readTable`.
 */
export async function readImportRows(file: AsyncIterable<Uint8Array>): Promise<ImportRow[]> {
  const columns = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.field, [c.header]])) as Record<
    ImportField,
    string[]
  >;
  // 所属地区代码 may be left out when the import names a default region.
  const required = IMPORT_COLUMNS.filter((c) => c.required && c.field !== 'regionCode').map((c) => c.field);
  const rows: ImportRow[] = [];
  for await (const { number, cells } of readColumns(readTable(file), columns, required, MAX_IMPORT_ROWS)) {
    const entry: ImportRow = { row: number };
    for (const [field, cell] of Object.entries(cells) as [ImportField, Cell][]) {
      if (cell.problem) (entry.cellProblems ??= []).push({ field, problem: cell.problem });
      else entry[field] = cell.text;
    }
    rows.push(entry);
  }
  return rows;
}

const EXPORT_COLUMNS = [
  { header: '序号', width: 8 },
  { header: '学校名称', width: 34 },
  { header: '学校类型', width: 12 },
  { header: '所属地区代码', width: 14 },
  { header: '所属地区', width: 18 },
  { header: '办别', width: 12 },
  { header: '城乡类型', width: 10 },
  { header: '学校状态', width: 10 },
  { header: '是否薄弱学校', width: 12 },
  { header: '是否已初始化', width: 12 },
  { header: '管理员姓名', width: 30 },
  { header: '管理员登录名', width: 26 },
];

export function exportFileName(region: RegionDoc, direct: boolean): string {
  return messages.exportFile(region.name, direct);
}

/**
 * Streams the schools of a region, one row each with its admin accounts, into `out` as XLSX. Rows
 * are committed as they are read, so memory holds the admin index but never the whole sheet.
 */
export async function writeSchoolsExport(
  out: Writable,
  input: {
    region: RegionDoc;
    direct: boolean;
    schools: AsyncIterable<SchoolDoc>;
    admins: Map<string, SchoolAdminAccount[]>;
    regionNames: Map<string, string>;
  },
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(messages.exportSheet(input.region.name, input.direct), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let n = 0;
  for await (const school of input.schools) {
    const admins = input.admins.get(String(school._id)) ?? [];
    sheet
      .addRow([
        ++n,
        school.name,
        school.type,
        school.regionCode,
        input.regionNames.get(school.regionCode) ?? '',
        school.ownership,
        school.urbanRural,
        school.status,
        school.weak ? messages.yes : messages.no,
        school.initialized ? messages.yes : messages.no,
        admins.map((a) => a.name).join('、'),
        admins.map((a) => `${a.loginName}${a.locked ? messages.locked : ''}`).join('、'),
      ])
      .commit();
  }
  sheet.commit();
  await workbook.commit();
}
