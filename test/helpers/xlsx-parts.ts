// Builds small XLSX packages part by part, to stand for what other programs write (WPS, the .NET
// OpenXML SDK, Google Sheets, LibreOffice): their prefixes, part names and omissions.
import JSZip from 'jszip';

export const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface SheetSpec {
  /** The `<sheetData>` children (rows), with the element prefix already applied by the caller. */
  rows: string;
  /** Prefix for SpreadsheetML elements, e.g. 'x' as the OpenXML SDK writes them. */
  prefix?: string;
  sharedStrings?: string[];
  /** `<numFmts>`/`<cellXfs>` content; omitted: no styles part. */
  styles?: { numFmts?: Record<number, string>; cellXfs: number[] };
  date1904?: boolean;
  merges?: string[];
  /** Relationship targets written as absolute part names (`/xl/worksheets/sheet1.xml`). */
  absoluteTargets?: boolean;
  /** Worksheet part name (default xl/worksheets/sheet1.xml). */
  sheetPart?: string;
  /** Sheets before the data sheet that are hidden. */
  hiddenFirst?: boolean;
  /** Store entries without compression (as some tools do). */
  store?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Builds the package of one data worksheet as described. */
export async function buildXlsx(spec: SheetSpec): Promise<Buffer> {
  const p = spec.prefix ? `${spec.prefix}:` : '';
  const xmlns = spec.prefix ? `xmlns:${spec.prefix}="${NS}"` : `xmlns="${NS}"`;
  const sheetPart = spec.sheetPart ?? 'xl/worksheets/sheet1.xml';
  const target = (part: string) => (spec.absoluteTargets ? `/${part}` : part.replace(/^xl\//, ''));
  const jszip = new JSZip();
  // Encoded here: jszip's own UTF-8 encoder works in slices and splits surrogate pairs between them.
  const zip = { file: (name: string, text: string) => jszip.file(name, Buffer.from(text, 'utf8')) };
  const rels: string[] = [];
  const sheets: string[] = [];
  if (spec.hiddenFirst) {
    zip.file(
      'xl/worksheets/hidden.xml',
      `<?xml version="1.0"?><${p}worksheet ${xmlns}><${p}sheetData><${p}row r="1"><${p}c r="A1" t="inlineStr"><${p}is><${p}t>隐藏</${p}t></${p}is></${p}c></${p}row></${p}sheetData></${p}worksheet>`,
    );
    rels.push(
      `<Relationship Id="rIdH" Type="${REL}/worksheet" Target="${target('xl/worksheets/hidden.xml')}"/>`,
    );
    sheets.push(`<${p}sheet name="隐藏" sheetId="9" state="hidden" r:id="rIdH"/>`);
  }
  rels.push(`<Relationship Id="rIdS" Type="${REL}/worksheet" Target="${target(sheetPart)}"/>`);
  sheets.push(`<${p}sheet name="数据" sheetId="1" r:id="rIdS"/>`);
  const contentTypes = [
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
    '<Default Extension="xml" ContentType="application/xml"/>',
  ];
  if (spec.sharedStrings) {
    const items = spec.sharedStrings.map(
      (s) => `<${p}si><${p}t xml:space="preserve">${esc(s)}</${p}t></${p}si>`,
    );
    zip.file(
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8"?><${p}sst ${xmlns} count="${items.length}" uniqueCount="${items.length}">${items.join('')}</${p}sst>`,
    );
    rels.push(
      `<Relationship Id="rIdSS" Type="${REL}/sharedStrings" Target="${target('xl/sharedStrings.xml')}"/>`,
    );
  }
  if (spec.styles) {
    const fmts = Object.entries(spec.styles.numFmts ?? {})
      .map(([id, code]) => `<${p}numFmt numFmtId="${id}" formatCode="${esc(code).replace(/"/g, '&quot;')}"/>`)
      .join('');
    const xfs = spec.styles.cellXfs
      .map((id) => `<${p}xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"/>`)
      .join('');
    zip.file(
      'xl/styles.xml',
      `<?xml version="1.0" encoding="UTF-8"?><${p}styleSheet ${xmlns}><${p}numFmts>${fmts}</${p}numFmts><${p}cellStyleXfs><${p}xf numFmtId="0"/></${p}cellStyleXfs><${p}cellXfs>${xfs}</${p}cellXfs></${p}styleSheet>`,
    );
    rels.push(`<Relationship Id="rIdST" Type="${REL}/styles" Target="${target('xl/styles.xml')}"/>`);
  }
  const merges = spec.merges?.length
    ? `<${p}mergeCells count="${spec.merges.length}">${spec.merges.map((m) => `<${p}mergeCell ref="${m}"/>`).join('')}</${p}mergeCells>`
    : '';
  zip.file(
    sheetPart,
    `<?xml version="1.0" encoding="UTF-8"?><${p}worksheet ${xmlns} xmlns:r="${REL}"><${p}sheetData>${spec.rows}</${p}sheetData>${merges}</${p}worksheet>`,
  );
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8"?><${p}workbook ${xmlns} xmlns:r="${REL}">${spec.date1904 ? `<${p}workbookPr date1904="1"/>` : ''}<${p}sheets>${sheets.join('')}</${p}sheets></${p}workbook>`,
  );
  zip.file(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}">${rels.join('')}</Relationships>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="${spec.absoluteTargets ? '/xl/workbook.xml' : 'xl/workbook.xml'}"/></Relationships>`,
  );
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${contentTypes.join('')}</Types>`,
  );
  return jszip.generateAsync({
    type: 'nodebuffer',
    compression: spec.store ? 'STORE' : 'DEFLATE',
    compressionOptions: { level: 6 },
  });
}

/** An inline-string cell, optionally with its reference. */
export const inlineCell = (text: string, ref?: string, p = '') =>
  `<${p}c${ref ? ` r="${ref}"` : ''} t="inlineStr"><${p}is><${p}t>${esc(text)}</${p}t></${p}is></${p}c>`;
