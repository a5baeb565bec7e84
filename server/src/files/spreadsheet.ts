// The one way the server reads an uploaded table (school import, training records, 专任教师数):
// XLSX or delimited text (CSV UTF-8/GB18030, Excel's UTF-16 "Unicode text"), told by the file's first
// bytes, streamed row by row. Every cell arrives as a person sees it in Excel or WPS (see ./text.ts and
// ./xlsx-reader.ts); anything else (.xls, .ods, .xlsb, PDF, an empty or cut-off file) is refused with a
// 400 naming what to do.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TextDecoder } from 'node:util';
import { ValidationError } from '../http/errors';
import { detectDelimiter, detectEncoding, parseDelimited } from './csv';
import { cleanCellText } from './text';
import { readXlsxFile, XlsxFormatError } from './xlsx-reader';

export { cleanCellText } from './text';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const messages = {
  empty: '上传的文件是空的，请选择填写好的 XLSX 或 CSV 文件重新上传',
  unsupported: '不支持的文件格式，请另存为 XLSX 或 CSV（UTF-8）',
  corrupt: '上传的 XLSX 文件不完整或已损坏，请在 Excel 或 WPS 中重新保存后上传',
  noHeader: (names: string[]) => `未找到表头：文件前 10 行中没有同时包含「${names.join('」「')}」的一行`,
  tooManyRows: (max: number) => `单次最多导入 ${max} 行，请拆分后分批导入`,
};

/**
 * One cell as shown in Excel or WPS. `text` is what the cell shows (numbers by their number format,
 * so `000000` keeps its zeros), normalized by `cleanCellText`. Numeric cells also give `number` (dates
 * and times in days of the workbook's own date system; durations like 30:15:00 are 1.2604…) and, when
 * formatted as a date or time, `temporal`. A formula whose result is an error (#N/A…) or was never
 * stored has empty text and a zh-CN `problem` to report against the row.
 */
export interface Cell {
  text: string;
  number?: number;
  temporal?: 'date' | 'time';
  problem?: string;
}

export interface TableRow {
  /** The row number as the user sees it (the header row and any title rows included). */
  number: number;
  /** Cells by 0-based column; undefined where the row has nothing. */
  values: (Cell | undefined)[];
}

/** The kind of file, from its first bytes. */
function sniff(head: Buffer): 'xlsx' | 'text' | 'unsupported' {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'xlsx';
  if (
    starts(0x50, 0x4b) || // other zip records: an empty or spanned archive
    starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1) || // OLE2: .xls, .et, encrypted .xlsx
    starts(0x09, 0x08) || // BIFF without OLE2
    starts(0x25, 0x50, 0x44, 0x46) || // %PDF
    starts(0x89, 0x50, 0x4e, 0x47) || // PNG
    starts(0xff, 0xd8, 0xff) || // JPEG
    starts(0x1f, 0x8b) || // gzip
    starts(0x52, 0x61, 0x72, 0x21) || // RAR
    starts(0x37, 0x7a, 0xbc, 0xaf) // 7z
  ) {
    return 'unsupported';
  }
  return 'text';
}

const unsupported = () =>
  new ValidationError(messages.unsupported, { property: 'file' }, 'IMPORT_UNSUPPORTED_FORMAT');

/**
 * Rows of the uploaded table, streamed. XLSX: the first visible worksheet, spooled to a temporary file
 * so the zip's directory can be read (memory holds the shared strings, not the sheet). Text: decoded by
 * its byte-order mark or content (UTF-8, UTF-16, GB18030), comma- or tab-separated by its first line.
 * Errors (400): IMPORT_EMPTY_FILE, IMPORT_UNSUPPORTED_FORMAT, IMPORT_CORRUPT_FILE.
 */
export async function* readTable(source: AsyncIterable<Uint8Array>): AsyncGenerator<TableRow> {
  const it = source[Symbol.asyncIterator]();
  // Enough of the start to tell the kind and the encoding, however the body was chunked.
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 64 * 1024) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    parts.push(Buffer.from(next.value));
    size += next.value.length;
  }
  if (!size) throw new ValidationError(messages.empty, { property: 'file' }, 'IMPORT_EMPTY_FILE');
  const head = Buffer.concat(parts);
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    while (!done) {
      const next = await it.next();
      if (next.done) return;
      yield Buffer.from(next.value);
    }
  }
  const kind = sniff(head);
  if (kind === 'unsupported') throw unsupported();
  if (kind === 'xlsx') yield* readXlsx(all());
  else yield* readText(all(), head);
}

async function* readXlsx(chunks: AsyncIterable<Buffer>): AsyncGenerator<TableRow> {
  const dir = await mkdtemp(join(tmpdir(), 'eduprogress-upload-'));
  try {
    const path = join(dir, 'upload.xlsx');
    await pipeline(chunks, createWriteStream(path));
    for await (const row of readXlsxFile(path)) yield row;
  } catch (err) {
    if (err instanceof XlsxFormatError) {
      if (err.reason === 'unsupported') throw unsupported();
      throw new ValidationError(messages.corrupt, { property: 'file' }, 'IMPORT_CORRUPT_FILE');
    }
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function* readText(chunks: AsyncIterable<Buffer>, head: Buffer): AsyncGenerator<TableRow> {
  const encoding = detectEncoding(head);
  const firstText = new TextDecoder(encoding.label).decode(head.subarray(encoding.skip, 64 * 1024), {
    stream: true,
  });
  // Not a text table: binary content, or HTML/XML saved with a spreadsheet's name (old "xls" exports).
  if (firstText.includes('\u0000') || /^\s*</.test(firstText)) throw unsupported();
  for await (const row of parseDelimited(chunks, encoding, detectDelimiter(firstText))) {
    const values: (Cell | undefined)[] = row.fields.map((f) => {
      const text = cleanCellText(f);
      return text ? { text } : undefined;
    });
    if (values.some((v) => v)) yield { number: row.number, values };
  }
}

/** Header text → column key, tolerant of 「*」 marks, 「（必填）」 and spaces users add. */
export const headerKey = (text: string): string =>
  cleanCellText(text)
    .replace(/[\s*]/g, '')
    .replace(/\(必填\)/g, '')
    .toLowerCase();

/** A data row of `readColumns`: cells by field (only fields whose cell holds something). */
export interface ColumnsRow<F extends string> {
  number: number;
  cells: Partial<Record<F, Cell>>;
}

/**
 * Finds the header row (within the first 10 non-empty rows: exports often start with a title) and
 * yields the rows below it as `field → cell`. `columns` maps each field to the header spellings that
 * name it. Errors (400): IMPORT_BAD_HEADER naming the required headers, IMPORT_TOO_LARGE past `maxRows`.
 */
export async function* readColumns<C extends Record<string, readonly string[]>>(
  rows: AsyncIterable<TableRow>,
  columns: C,
  required: (keyof C & string)[],
  maxRows: number,
): AsyncGenerator<ColumnsRow<keyof C & string>> {
  type F = keyof C & string;
  let map: Map<number, F> | undefined;
  let seen = 0;
  let count = 0;
  const aliases = new Map<string, F>();
  for (const [field, names] of Object.entries(columns) as [F, readonly string[]][]) {
    for (const n of names) aliases.set(headerKey(n), field);
  }
  for await (const row of rows) {
    if (!map) {
      const candidate = new Map<number, F>();
      row.values.forEach((v, i) => {
        const f = v && aliases.get(headerKey(v.text));
        if (f && ![...candidate.values()].includes(f)) candidate.set(i, f);
      });
      if (required.every((f) => [...candidate.values()].includes(f))) map = candidate;
      else if (++seen >= 10) break;
      continue;
    }
    const cells: Partial<Record<F, Cell>> = {};
    let any = false;
    for (const [i, f] of map) {
      const v = row.values[i];
      if (v && (v.text || v.problem)) {
        cells[f] = v;
        any = true;
      }
    }
    if (!any) continue;
    if (++count > maxRows) {
      throw new ValidationError(messages.tooManyRows(maxRows), { property: 'file' }, 'IMPORT_TOO_LARGE');
    }
    yield { number: row.number, cells };
  }
  if (!map) {
    const names = required.map((f) => columns[f][0]);
    throw new ValidationError(
      messages.noHeader(names),
      { property: 'file', required: names },
      'IMPORT_BAD_HEADER',
    );
  }
}
