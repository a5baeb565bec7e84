// Delimited text tables (CSV, and the tab-separated "Unicode text" Excel and WPS save), streamed: any
// chunk boundary, inside a quoted field or a multi-byte character, reads the same as one big chunk.
import { TextDecoder } from 'node:util';

/** How the bytes of a text table are to be read, told from its first bytes. */
export interface TextEncoding {
  /** A WHATWG encoding label: utf-8, utf-16le, utf-16be or gb18030. */
  label: string;
  /** Bytes of byte-order mark to skip. */
  skip: number;
}

/**
 * The encoding of a text table: a byte-order mark (UTF-8, UTF-16 LE/BE) decides; without one, UTF-16
 * is recognised by its zero bytes, then valid UTF-8 is UTF-8, and anything else is GB18030 (what Excel
 * saves as "CSV" on a Chinese Windows).
 */
export function detectEncoding(head: Buffer): TextEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { label: 'utf-8', skip: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { label: 'utf-16le', skip: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { label: 'utf-16be', skip: 2 };
  const sample = head.subarray(0, 4096 - (Math.min(head.length, 4096) % 2));
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2) oddZeros++;
    else evenZeros++;
  }
  const pairs = sample.length / 2;
  if (pairs >= 2 && oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return { label: 'utf-16le', skip: 0 };
  if (pairs >= 2 && evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return { label: 'utf-16be', skip: 0 };
  try {
    // stream: true leaves a sequence cut at the sample's end pending instead of calling it invalid.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { label: 'utf-8', skip: 0 };
  } catch {
    return { label: 'gb18030', skip: 0 };
  }
}

/** The first line's separator: a tab when it has more tabs than commas (Excel's "Unicode text"), else a comma. */
export function detectDelimiter(firstText: string): ',' | '\t' {
  const end = firstText.search(/[\r\n]/);
  const line = end < 0 ? firstText : firstText.slice(0, end);
  let tabs = 0;
  let commas = 0;
  for (const ch of line) {
    if (ch === '\t') tabs++;
    else if (ch === ',') commas++;
  }
  return tabs > commas ? '\t' : ',';
}

/** One parsed line: its number (1-based, as a spreadsheet program would show it) and raw fields. */
export interface CsvRow {
  number: number;
  fields: string[];
}

/**
 * Parses RFC 4180 text (quoted fields, doubled quotes, CR, LF or CRLF line ends, line breaks inside
 * quotes) from decoded chunks. A stray quote inside an unquoted field is text, as Excel reads it.
 */
export async function* parseDelimited(
  chunks: AsyncIterable<Buffer>,
  encoding: TextEncoding,
  delimiter: ',' | '\t',
): AsyncGenerator<CsvRow> {
  const decoder = new TextDecoder(encoding.label);
  const ordinary = delimiter === ',' ? /[^,\r\n"]+/y : /[^\t\r\n"]+/y;
  // States survive chunk boundaries: 0 field start, 1 unquoted, 2 quoted, 3 quote seen inside quotes.
  let state = 0;
  let field = '';
  let row: string[] = [];
  let pendingCR = false;
  let number = 0;
  let firstChunk = true;
  const endRow = (): CsvRow => {
    row.push(field);
    const fields = row;
    field = '';
    row = [];
    return { number: ++number, fields };
  };
  for await (const chunk of chunks) {
    const text = decoder.decode(firstChunk ? chunk.subarray(encoding.skip) : chunk, { stream: true });
    firstChunk = false;
    const out: CsvRow[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (state === 2) {
        if (ch === '"') {
          state = 3;
        } else {
          // The run of quoted text up to the next quote, in one slice.
          const end = text.indexOf('"', i);
          const stop = end < 0 ? text.length : end;
          field += text.slice(i, stop);
          i = stop - 1;
        }
        continue;
      }
      if (state === 3) {
        if (ch === '"') {
          field += '"';
          state = 2;
          continue;
        }
        state = 1;
      }
      if (ch === delimiter) {
        row.push(field);
        field = '';
        state = 0;
      } else if (ch === '\n' || ch === '\r') {
        pendingCR = ch === '\r';
        out.push(endRow());
        state = 0;
      } else if (ch === '"') {
        if (state === 0) state = 2;
        else field += ch;
      } else {
        // The run of ordinary characters up to the next delimiter, in one slice.
        ordinary.lastIndex = i;
        ordinary.test(text);
        field += text.slice(i, ordinary.lastIndex);
        i = ordinary.lastIndex - 1;
        state = 1;
      }
    }
    for (const r of out) yield r;
  }
  field += decoder.decode();
  if (field !== '' || row.length) yield endRow();
}
