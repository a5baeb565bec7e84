// Reading an XLSX workbook's first visible worksheet as a person sees it in Excel or WPS, streamed.
// The zip is read through its central directory (yauzl) from a temporary file, so the order of the
// parts does not matter and memory holds the shared strings and one chunk of the sheet, never the
// sheet. XML is parsed by saxes with element names taken by their local part, so the `x:` prefixes of
// .NET/OpenXML SDK output read like Excel's own; every chunk is decoded by one streaming TextDecoder,
// so a character split between chunks is never damaged.
// Over 500 lines on purpose: one streaming reader (zip entries, shared strings, styles, sheet cells) whose
// parts share the decoder state; split it and each part needs the others' internals.
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { format as formatValue, getFormatInfo } from 'numfmt';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { cleanCellText } from './text';

/** One cell as shown: see `Cell` in ./spreadsheet.ts. */
export interface XlsxCell {
  text: string;
  number?: number;
  temporal?: 'date' | 'time';
  problem?: string;
}

export interface XlsxRow {
  number: number;
  values: (XlsxCell | undefined)[];
}

const messages = {
  formulaError: (code: string) => `公式的计算结果是错误值 ${code}`,
  formulaNoResult: '单元格是公式，但文件中没有保存计算结果（请在 Excel 或 WPS 中打开并保存后重试）',
  missingString: '单元格引用的共享文本不存在',
};

/** Why the workbook cannot be read; the caller turns it into the user's message. */
export class XlsxFormatError extends Error {
  constructor(
    readonly reason: 'corrupt' | 'unsupported',
    detail: string,
  ) {
    super(detail);
  }
}

const REL_OFFICE_DOCUMENT = /\/officeDocument$/;
const REL_WORKSHEET = /\/worksheet$/;
const REL_SHARED_STRINGS = /\/sharedStrings$/;
const REL_STYLES = /\/styles$/;

/** Excel's built-in number formats that matter for reading (ids 0–49 and the zh-CN date ones). */
const BUILTIN_FORMATS: Record<number, string> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'yyyy/m/d',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'yyyy/m/d h:mm',
  27: 'yyyy"年"m"月"',
  28: 'm"月"d"日"',
  29: 'm"月"d"日"',
  30: 'm/d/yy',
  31: 'yyyy"年"m"月"d"日"',
  32: 'h"时"mm"分"',
  33: 'h"时"mm"分"ss"秒"',
  34: 'AM/PM h"时"mm"分"',
  35: 'AM/PM h"时"mm"分"ss"秒"',
  36: 'yyyy"年"m"月"',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00;(#,##0.00)',
  40: '#,##0.00;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
  50: 'yyyy"年"m"月"',
  51: 'm"月"d"日"',
  52: 'yyyy"年"m"月"',
  53: 'm"月"d"日"',
  54: 'm"月"d"日"',
  55: 'AM/PM h"时"mm"分"',
  56: 'AM/PM h"时"mm"分"ss"秒"',
  57: 'yyyy"年"m"月"',
  58: 'm"月"d"日"',
};

// ---------------------------------------------------------------------------------------------
// Zip access (yauzl, callbacks → promises)

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true }, (err, zip) =>
      err ? reject(new XlsxFormatError('corrupt', err.message)) : resolve(zip),
    ),
  );
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      // Part names are case-insensitive (OPC); some writers store them with a leading slash.
      entries.set(entry.fileName.replace(/^\/+/, '').toLowerCase(), entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) => reject(new XlsxFormatError('corrupt', err.message)));
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) =>
      err ? reject(new XlsxFormatError('corrupt', err.message)) : resolve(stream),
    ),
  );
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const attrs = tag.attributes as Record<string, string>;
  if (name in attrs) return attrs[name];
  for (const key of Object.keys(attrs)) if (localName(key) === name && key.includes(':')) return attrs[key];
  return undefined;
}

interface XmlHandlers {
  open?(name: string, tag: SaxesTagPlain): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** Parses one zip part, calling `handlers` with local element names; `afterChunk` runs between chunks. */
async function* parsePart(zip: ZipFile, entry: Entry, handlers: XmlHandlers): AsyncGenerator<void> {
  const parser = new SaxesParser({ position: false });
  if (handlers.open) parser.on('opentag', (tag) => handlers.open!(localName(tag.name), tag as SaxesTagPlain));
  if (handlers.close) parser.on('closetag', (tag) => handlers.close!(localName(tag.name)));
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  let failure: Error | undefined;
  parser.on('error', (err) => {
    failure ??= err;
  });
  const decoder = new TextDecoder('utf-8');
  const stream = await openEntry(zip, entry);
  try {
    for await (const chunk of stream) {
      parser.write(decoder.decode(chunk as Buffer, { stream: true }));
      if (failure) throw new XlsxFormatError('corrupt', failure.message);
      yield;
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (err) {
    if (err instanceof XlsxFormatError) throw err;
    throw new XlsxFormatError('corrupt', (err as Error).message);
  } finally {
    stream.destroy();
  }
  if (failure) throw new XlsxFormatError('corrupt', failure.message);
}

async function parseWhole(zip: ZipFile, entry: Entry | undefined, handlers: XmlHandlers): Promise<void> {
  if (!entry) return;
  for await (const _ of parsePart(zip, entry, handlers));
}

// ---------------------------------------------------------------------------------------------
// Package structure: relationships, workbook, styles, shared strings

interface Relationship {
  type: string;
  target: string;
}

/** The part a relationship points to: absolute (`/xl/…`) or relative to the source part's folder. */
function resolveTarget(sourcePart: string, target: string): string {
  const base = target.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  for (const step of target.replace(/^\/+/, '').split('/')) {
    if (step === '..') base.pop();
    else if (step && step !== '.') base.push(step);
  }
  return base.join('/').toLowerCase();
}

function relsPartOf(part: string): string {
  const at = part.lastIndexOf('/');
  return `${part.slice(0, at + 1)}_rels/${part.slice(at + 1)}.rels`.toLowerCase();
}

async function readRelationships(
  zip: ZipFile,
  entries: Map<string, Entry>,
  sourcePart: string,
): Promise<Map<string, Relationship>> {
  const rels = new Map<string, Relationship>();
  await parseWhole(zip, entries.get(relsPartOf(sourcePart)), {
    open(name, tag) {
      if (name !== 'Relationship' || attr(tag, 'TargetMode') === 'External') return;
      const id = attr(tag, 'Id');
      const target = attr(tag, 'Target');
      if (id && target)
        rels.set(id, { type: attr(tag, 'Type') ?? '', target: resolveTarget(sourcePart, target) });
    },
  });
  return rels;
}

interface WorkbookInfo {
  date1904: boolean;
  sheetPart?: string;
  sharedStringsPart?: string;
  stylesPart?: string;
}

async function readWorkbook(zip: ZipFile, entries: Map<string, Entry>): Promise<WorkbookInfo> {
  const rootRels = await readRelationships(zip, entries, '');
  const workbookPart =
    [...rootRels.values()].find((r) => REL_OFFICE_DOCUMENT.test(r.type))?.target ?? 'xl/workbook.xml';
  if (!entries.has(workbookPart)) {
    const why = entries.has('xl/workbook.bin') ? 'xlsb' : entries.has('content.xml') ? 'ods' : 'no workbook';
    throw new XlsxFormatError('unsupported', why);
  }
  const rels = await readRelationships(zip, entries, workbookPart);
  const info: WorkbookInfo = { date1904: false };
  const sheets: { rel?: string; hidden: boolean }[] = [];
  await parseWhole(zip, entries.get(workbookPart), {
    open(name, tag) {
      if (name === 'workbookPr') {
        const v = attr(tag, 'date1904');
        info.date1904 = v === '1' || v === 'true';
      } else if (name === 'sheet') {
        const attrs = tag.attributes as Record<string, string>;
        const relKey = Object.keys(attrs).find((k) => k.includes(':') && localName(k) === 'id');
        const state = attr(tag, 'state');
        sheets.push({ rel: relKey && attrs[relKey], hidden: state === 'hidden' || state === 'veryHidden' });
      }
    },
  });
  const worksheets = sheets
    .map((s) => ({ ...s, rel: s.rel ? rels.get(s.rel) : undefined }))
    .filter((s) => s.rel && REL_WORKSHEET.test(s.rel.type) && entries.has(s.rel.target));
  const chosen = worksheets.find((s) => !s.hidden) ?? worksheets[0];
  info.sheetPart =
    chosen?.rel?.target ??
    [...entries.keys()].filter((k) => /^xl\/worksheets\/[^/]+\.xml$/.test(k)).sort()[0];
  const byType = (re: RegExp, fallback: string) =>
    [...rels.values()].find((r) => re.test(r.type))?.target ?? (entries.has(fallback) ? fallback : undefined);
  info.sharedStringsPart = byType(REL_SHARED_STRINGS, 'xl/sharedstrings.xml');
  info.stylesPart = byType(REL_STYLES, 'xl/styles.xml');
  return info;
}

/** The number format code of each cell style (`s` attribute → format code). */
async function readStyles(zip: ZipFile, entry: Entry | undefined): Promise<string[]> {
  const custom = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  await parseWhole(zip, entry, {
    open(name, tag) {
      if (name === 'numFmt') {
        const id = Number(attr(tag, 'numFmtId'));
        const code = attr(tag, 'formatCode');
        if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
      } else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) xfFormats.push(Number(attr(tag, 'numFmtId') ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return xfFormats.map((id) => custom.get(id) ?? BUILTIN_FORMATS[id] ?? 'General');
}

/** Rich text runs joined; phonetic guides (`rPh`) left out, as Excel shows the cell. */
function richTextCollector() {
  let depthPhonetic = 0;
  let inT = false;
  let text = '';
  return {
    open(name: string) {
      if (name === 'rPh') depthPhonetic++;
      else if (name === 't' && !depthPhonetic) inT = true;
    },
    close(name: string) {
      if (name === 'rPh') depthPhonetic--;
      else if (name === 't') inT = false;
    },
    text(t: string) {
      if (inT) text += t;
    },
    take(): string {
      const out = text;
      text = '';
      return out;
    },
  };
}

async function readSharedStrings(zip: ZipFile, entry: Entry | undefined): Promise<string[]> {
  const strings: string[] = [];
  const rich = richTextCollector();
  await parseWhole(zip, entry, {
    open(name) {
      if (name === 'si') rich.take();
      else rich.open(name);
    },
    close(name) {
      if (name === 'si') strings.push(rich.take());
      else rich.close(name);
    },
    text: rich.text,
  });
  return strings;
}

// ---------------------------------------------------------------------------------------------
// Cells

const formatInfo = new Map<string, ReturnType<typeof getFormatInfo> | null>();

function infoOf(code: string): ReturnType<typeof getFormatInfo> | null {
  let info = formatInfo.get(code);
  if (info === undefined) {
    try {
      info = getFormatInfo(code);
    } catch {
      info = null;
    }
    if (formatInfo.size < 1000) formatInfo.set(code, info);
  }
  return info;
}

/** A number as the cell's format shows it; dates honour the workbook's 1900 or 1904 date system. */
export function numberCell(value: number, code: string, date1904: boolean): XlsxCell {
  const general = () =>
    Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : formatValue('General', value);
  if (!code || /^general$/i.test(code) || code === '@') return { text: general(), number: value };
  const info = infoOf(code);
  try {
    if (info?.isDate) {
      // A time or duration ([h]:mm:ss) has no day part: the same in both date systems.
      const temporal = info.type === 'time' ? 'time' : 'date';
      const serial = temporal === 'date' && date1904 ? value + 1462 : value;
      return { text: cleanCellText(formatValue(code, serial)), number: value, temporal };
    }
    return { text: cleanCellText(formatValue(code, value)), number: value };
  } catch {
    return { text: general(), number: value };
  }
}

interface CellRef {
  row?: number;
  col?: number;
}

function parseRef(ref: string | undefined): CellRef {
  if (!ref) return {};
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(ref);
  if (!m) return {};
  let col = 0;
  for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col: col - 1, row: Number(m[2]) };
}

interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
  value?: XlsxCell;
}

/** Merged ranges of a sheet (they are written after the rows, so a first quick pass finds them). */
async function readMerges(zip: ZipFile, entry: Entry): Promise<Merge[]> {
  const stream = await openEntry(zip, entry);
  const decoder = new TextDecoder('utf-8');
  const merges: Merge[] = [];
  const pattern = /<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']+)["']/g;
  let tail = '';
  try {
    for await (const chunk of stream) {
      const text = tail + decoder.decode(chunk as Buffer, { stream: true });
      let lastEnd = 0;
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
        lastEnd = pattern.lastIndex;
        const [from, to = from] = m[1].split(':');
        const a = parseRef(from);
        const b = parseRef(to);
        if (a.row === undefined || b.row === undefined) continue;
        merges.push({
          top: Math.min(a.row, b.row),
          bottom: Math.max(a.row, b.row),
          left: Math.min(a.col!, b.col!),
          right: Math.min(Math.max(a.col!, b.col!), Math.min(a.col!, b.col!) + 255),
        });
      }
      // Keep enough of the end for an element cut by the chunk boundary.
      tail = text.slice(Math.max(lastEnd, text.length - 200));
    }
  } catch (err) {
    throw new XlsxFormatError('corrupt', (err as Error).message);
  } finally {
    stream.destroy();
  }
  return merges.sort((x, y) => x.top - y.top);
}

// ---------------------------------------------------------------------------------------------
// The sheet

/**
 * Rows of the workbook's first visible worksheet, in order, each with its 0-based column cells; rows
 * with no cell are left out. Formula cells give their cached result; an error result or a missing one
 * gives a cell with `problem`. Merged ranges repeat their top-left cell in every cell they cover.
 */
export async function* readXlsxFile(path: string): AsyncGenerator<XlsxRow> {
  let zip: ZipFile;
  try {
    zip = await openZip(path);
  } catch (err) {
    throw err instanceof XlsxFormatError ? err : new XlsxFormatError('corrupt', String(err));
  }
  try {
    const entries = await listEntries(zip);
    const info = await readWorkbook(zip, entries);
    const sheet = info.sheetPart ? entries.get(info.sheetPart) : undefined;
    if (!sheet) throw new XlsxFormatError('unsupported', 'no worksheet');
    const [formats, strings, merges] = await Promise.all([
      readStyles(zip, info.stylesPart ? entries.get(info.stylesPart) : undefined),
      readSharedStrings(zip, info.sharedStringsPart ? entries.get(info.sharedStringsPart) : undefined),
      readMerges(zip, sheet),
    ]);
    yield* sheetRows(zip, sheet, { formats, strings, merges, date1904: info.date1904 });
  } finally {
    zip.close();
  }
}

interface SheetContext {
  formats: string[];
  strings: string[];
  merges: Merge[];
  date1904: boolean;
}

async function* sheetRows(zip: ZipFile, entry: Entry, ctx: SheetContext): AsyncGenerator<XlsxRow> {
  const out: XlsxRow[] = [];
  const active: Merge[] = [];
  let nextMerge = 0;
  let inSheetData = false;
  let rowNumber = 0;
  let values: (XlsxCell | undefined)[] = [];
  let col = -1;
  // The open cell.
  let type = 'n';
  let style = 0;
  let hasFormula = false;
  let value: string | undefined;
  let inValue = false;
  let inInline = false;
  const rich = richTextCollector();

  const finishCell = (): XlsxCell | undefined => {
    if (type === 'inlineStr') {
      const text = cleanCellText(rich.take());
      return text ? { text } : undefined;
    }
    if (value === undefined || (value === '' && type !== 'str')) {
      return hasFormula ? { text: '', problem: messages.formulaNoResult } : undefined;
    }
    switch (type) {
      case 's': {
        const s = ctx.strings[Number(value)];
        if (s === undefined) return { text: '', problem: messages.missingString };
        const text = cleanCellText(s);
        return text ? { text } : undefined;
      }
      case 'str': {
        const text = cleanCellText(value);
        return text ? { text } : undefined;
      }
      case 'e':
        return { text: '', problem: messages.formulaError(value.trim()) };
      case 'b':
        return { text: value.trim() === '1' || value.trim() === 'true' ? 'TRUE' : 'FALSE' };
      case 'd': {
        const text = cleanCellText(value);
        return text ? { text, temporal: 'date' } : undefined;
      }
      default: {
        const n = Number(value);
        if (!Number.isFinite(n)) {
          const text = cleanCellText(value);
          return text ? { text } : undefined;
        }
        return numberCell(n, ctx.formats[style] ?? 'General', ctx.date1904);
      }
    }
  };

  const finishRow = () => {
    while (nextMerge < ctx.merges.length && ctx.merges[nextMerge].top <= rowNumber) {
      active.push(ctx.merges[nextMerge++]);
    }
    for (let i = active.length - 1; i >= 0; i--) {
      const m = active[i];
      if (m.bottom < rowNumber) {
        active.splice(i, 1);
        continue;
      }
      if (m.top === rowNumber) m.value = values[m.left];
      else if (m.top > rowNumber) continue;
      if (!m.value) continue;
      for (let c = m.left; c <= m.right; c++) {
        if (c !== m.left || rowNumber !== m.top) values[c] = m.value;
      }
    }
    if (values.some((v) => v)) out.push({ number: rowNumber, values });
  };

  const walk = parsePart(zip, entry, {
    open(name, tag) {
      if (name === 'sheetData') inSheetData = true;
      if (!inSheetData) return;
      if (name === 'row') {
        const r = Number(attr(tag, 'r'));
        rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
        values = [];
        col = -1;
      } else if (name === 'c') {
        const ref = parseRef(attr(tag, 'r'));
        col = ref.col ?? col + 1;
        type = attr(tag, 't') ?? 'n';
        style = Number(attr(tag, 's') ?? 0) || 0;
        hasFormula = false;
        value = undefined;
        rich.take();
      } else if (name === 'f') hasFormula = true;
      else if (name === 'v') {
        inValue = true;
        value ??= '';
      } else if (name === 'is') {
        inInline = true;
        type = 'inlineStr';
      } else if (inInline) rich.open(name);
    },
    close(name) {
      if (name === 'sheetData') inSheetData = false;
      if (!inSheetData && name !== 'sheetData') return;
      if (name === 'v') inValue = false;
      else if (name === 'is') inInline = false;
      else if (inInline) rich.close(name);
      else if (name === 'c') {
        if (type === 'inlineStr' || value !== undefined || hasFormula) {
          const cell = finishCell();
          if (cell && col >= 0 && col < 16384) values[col] = cell;
        }
      } else if (name === 'row') finishRow();
    },
    text(t) {
      if (inValue) value += t;
      else if (inInline) rich.text(t);
    },
  });
  for await (const _ of walk) {
    if (out.length) yield* out.splice(0);
  }
  if (out.length) yield* out.splice(0);
}
