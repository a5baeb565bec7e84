import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { readTable, type Cell } from '../../../server/src/files/spreadsheet';
import { buildXlsx, inlineCell } from '../../helpers/xlsx-parts';

async function* chunksOf(buffer: Buffer, size: number) {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

async function rowsOf(buffer: Buffer, size = 7) {
  const out: string[][] = [];
  for await (const row of readTable(chunksOf(buffer, size))) {
    out.push(Array.from(row.values, (v) => v?.text ?? ''));
  }
  return out;
}

async function cellsOf(buffer: Buffer): Promise<{ number: number; values: (Cell | undefined)[] }[]> {
  const out = [];
  for await (const row of readTable(chunksOf(buffer, 4096))) out.push(row);
  return out;
}

async function errorOf(buffer: Buffer): Promise<{ status: number; code: string; message: string }> {
  try {
    await rowsOf(buffer, 1024);
  } catch (err) {
    return err as { status: number; code: string; message: string };
  }
  throw new Error('no error');
}

/** Long names made of many different characters, so every byte position of a 3-byte character meets a chunk end. */
function longName(i: number): string {
  const base = Array.from('福州市鼓楼区第实验小学中心校东西南北分部溃导入学校𠀋𡈽');
  let s = '';
  for (let k = 0; k < 12; k++) s += base[(i * 7 + k * 3) % base.length];
  return `${s}${String.fromCodePoint(0x4e00 + (i % 20000))}学校${String(i).padStart(5, '0')}`;
}

describe('readTable: delimited text (streamed, any chunk boundary)', () => {
  it('reads quotes, escaped quotes, CRLF, line breaks in fields and a BOM', async () => {
    const text =
      '\uFEFF账号,备注\r\n13800000001,"带,逗号"\r\n13800000002,"他说""好"""\n13800000003,"两\n行"\n13800000004,5"寸\n';
    for (const size of [1, 2, 3, 5, 64]) {
      expect(await rowsOf(Buffer.from(text, 'utf8'), size), `chunks of ${size}`).to.deep.equal([
        ['账号', '备注'],
        ['13800000001', '带,逗号'],
        ['13800000002', '他说"好"'],
        ['13800000003', '两\n行'],
        ['13800000004', '5"寸'],
      ]);
    }
  });

  it('reads GB18030 (Excel’s CSV in China)', async () => {
    const gbk = Buffer.from([0xd5, 0xcb, 0xba, 0xc5, 0x2c, 0xd1, 0xa7, 0xca, 0xb1, 0x0a, 0x31, 0x2c, 0x32]); // 账号,学时\n1,2
    for (const size of [1, 3, 64]) {
      expect(await rowsOf(gbk, size)).to.deep.equal([
        ['账号', '学时'],
        ['1', '2'],
      ]);
    }
  });

  it('reads Excel’s UTF-16 “Unicode text” (tab-separated) by its byte-order mark, and without one', async () => {
    const text = '姓名\t手机号\r\n杨荣\t13887515926\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [label, file] of [
      ['LE', le],
      ['BE', be],
      ['LE without BOM', Buffer.from(text, 'utf16le')],
    ] as const) {
      for (const size of [1, 3, 64]) {
        expect(await rowsOf(file, size), `${label} / ${size}`).to.deep.equal([
          ['姓名', '手机号'],
          ['杨荣', '13887515926'],
        ]);
      }
    }
  });

  it('removes Excel’s keep-as-text wrappers, invisible characters, and folds widths', async () => {
    const csv = [
      'a,b',
      '\'13662356904,="18049777393"',
      '\u001f13887515926,"18824618371\t"',
      '鼓楼区测试实验小学（东校区）,鼓楼区实验小学\u200b',
      '１３８００００００００,"=""他说""""好"""""""',
    ].join('\n');
    expect(await rowsOf(Buffer.from(csv), 5)).to.deep.equal([
      ['a', 'b'],
      ['13662356904', '18049777393'],
      ['13887515926', '18824618371'],
      ['鼓楼区测试实验小学(东校区)', '鼓楼区实验小学'],
      ['13800000000', '他说"好"'],
    ]);
  });

  it('never damages text at a chunk boundary: 50,000 long Chinese names, character for character', async () => {
    const names = Array.from({ length: 50_000 }, (_, i) => longName(i));
    const file = Buffer.from(`名称\n${names.join('\n')}\n`, 'utf8');
    let i = 0;
    for await (const row of readTable(chunksOf(file, 4099))) {
      if (row.number === 1) continue;
      expect(row.values[0]?.text).to.equal(names[i++]);
    }
    expect(i).to.equal(names.length);
  });
});

describe('readTable: XLSX as Excel or WPS shows it', function () {
  this.timeout(120_000);

  for (const kind of ['shared strings', 'inline strings'] as const) {
    it(`never damages text at a chunk boundary: 50,000 long Chinese names in ${kind}, character for character`, async () => {
      const names = Array.from({ length: 50_000 }, (_, i) => longName(i));
      const rows = names
        .map((n, i) =>
          kind === 'shared strings'
            ? `<row r="${i + 2}"><c r="A${i + 2}" t="s"><v>${i + 1}</v></c></row>`
            : `<row r="${i + 2}">${inlineCell(n, `A${i + 2}`)}</row>`,
        )
        .join('');
      const header =
        kind === 'shared strings'
          ? '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
          : `<row r="1">${inlineCell('名称', 'A1')}</row>`;
      const file = await buildXlsx({
        rows: header + rows,
        sharedStrings: kind === 'shared strings' ? ['名称', ...names] : undefined,
      });
      let i = 0;
      let bad = 0;
      for await (const row of readTable(chunksOf(file, 65536))) {
        if (row.number === 1) continue;
        if (row.values[0]?.text !== names[i]) bad++;
        expect(row.number).to.equal(i + 2);
        i++;
      }
      expect(bad, 'rows whose text changed').to.equal(0);
      expect(i).to.equal(names.length);
    });
  }

  it('gives formula results, reports error and missing results, joins rich text runs', async () => {
    const file = await buildXlsx({
      rows: [
        '<row r="1"><c r="A1" t="str"><f>"福州"&amp;"一中"</f><v>福州一中</v></c><c r="B1"><f>1+1</f><v>2</v></c></row>',
        '<row r="2"><c r="A2" t="e"><f>VLOOKUP(K2,名单!A:B,2,0)</f><v>#N/A</v></c><c r="B2"><f>A1*2</f></c></row>',
        '<row r="3"><c r="A3" t="inlineStr"><is><r><rPr><b/></rPr><t>福州市鼓楼区</t></r><r><t>测试富文本小学</t></r><rPh><t>ふりがな</t></rPh></is></c><c r="B3" t="b"><v>1</v></c></row>',
      ].join(''),
    });
    const rows = await cellsOf(file);
    expect(rows[0].values.map((v) => v?.text)).to.deep.equal(['福州一中', '2']);
    expect(rows[1].values[0]).to.deep.include({ text: '' });
    expect(rows[1].values[0]!.problem).to.include('#N/A');
    expect(rows[1].values[1]!.problem).to.include('没有保存计算结果');
    expect(rows[2].values.map((v) => v?.text)).to.deep.equal(['福州市鼓楼区测试富文本小学', 'TRUE']);
  });

  it('shows numbers by their cell format (000000 keeps its zeros), dates in the workbook’s date system', async () => {
    const rows = `<row r="1"><c r="A1" s="1"><v>1234</v></c><c r="B1" s="2"><v>0.3277777777777778</v></c><c r="C1" s="3"><v>45000</v></c><c r="D1"><v>13887515926</v></c><c r="E1" s="4"><v>350102</v></c></row>`;
    const styles = { numFmts: { 164: '000000', 165: '[h]:mm:ss' }, cellXfs: [0, 164, 165, 14, 49] };
    const in1900 = await cellsOf(await buildXlsx({ rows, styles }));
    const in1904 = await cellsOf(await buildXlsx({ rows, styles, date1904: true }));
    expect(in1900[0].values.map((v) => v?.text)).to.deep.equal([
      '001234',
      '7:52:00',
      '2023/3/15',
      '13887515926',
      '350102',
    ]);
    expect(in1904[0].values.map((v) => v?.text)).to.deep.equal([
      '001234',
      '7:52:00',
      '2027/3/16',
      '13887515926',
      '350102',
    ]);
    expect(in1904[0].values[1]).to.deep.include({ number: 0.3277777777777778, temporal: 'time' });
  });

  it('fills merged cells from their top-left cell', async () => {
    const file = await buildXlsx({
      rows:
        `<row r="1">${inlineCell('甲', 'A1')}${inlineCell('小学', 'B1')}</row>` +
        `<row r="2">${inlineCell('乙', 'A2')}<c r="B2"/></row>` +
        `<row r="3">${inlineCell('丙', 'A3')}</row>`,
      merges: ['B1:B3'],
    });
    expect(await rowsOf(file, 50)).to.deep.equal([
      ['甲', '小学'],
      ['乙', '小学'],
      ['丙', '小学'],
    ]);
  });

  it('reads what other programs write: OpenXML SDK prefixes, absolute targets, no r attributes, no sharedStrings, hidden first sheet, stored entries', async () => {
    const p = 'x';
    const rows =
      `<${p}:row>${inlineCell('学校名称', undefined, `${p}:`)}${inlineCell('学校类型', undefined, `${p}:`)}</${p}:row>` +
      `<${p}:row><${p}:c t="s"><${p}:v>0</${p}:v></${p}:c><${p}:c><${p}:v>7</${p}:v></${p}:c></${p}:row>`;
    const file = await buildXlsx({
      rows,
      prefix: p,
      absoluteTargets: true,
      sharedStrings: ['长乐第一小学'],
      sheetPart: 'xl/worksheets/Sheet_Data.xml',
      hiddenFirst: true,
      store: true,
    });
    expect(await rowsOf(file, 100)).to.deep.equal([
      ['学校名称', '学校类型'],
      ['长乐第一小学', '7'],
    ]);
    const noStrings = await buildXlsx({
      rows: `<row>${inlineCell('甲')}<c><v>1</v></c></row><row><c t="str"><v>乙</v></c></row>`,
    });
    const read = await cellsOf(noStrings);
    expect(read.map((r) => r.number)).to.deep.equal([1, 2]);
    expect(read.map((r) => Array.from(r.values, (v) => v?.text))).to.deep.equal([['甲', '1'], ['乙']]);
  });

  it('reads exceljs’s own output (the template), shared and inline strings', async () => {
    for (const useSharedStrings of [true, false]) {
      const chunks: Buffer[] = [];
      const { PassThrough } = await import('node:stream');
      const out = new PassThrough();
      out.on('data', (c: Buffer) => chunks.push(c));
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings });
      const ws = wb.addWorksheet('学校');
      ws.addRow(['学校名称', '学校类型']).commit();
      ws.addRow(['鼓楼一小', '小学']).commit();
      ws.commit();
      await wb.commit();
      expect(await rowsOf(Buffer.concat(chunks), 333)).to.deep.equal([
        ['学校名称', '学校类型'],
        ['鼓楼一小', '小学'],
      ]);
    }
  });

  it('refuses empty, cut-off and unsupported files with a 400 that says what to do', async () => {
    const good = await buildXlsx({ rows: `<row>${inlineCell('甲')}</row>` });
    const cases: [string, Buffer, string][] = [
      ['empty', Buffer.alloc(0), 'IMPORT_EMPTY_FILE'],
      ['cut off', good.subarray(0, Math.floor(good.length / 2)), 'IMPORT_CORRUPT_FILE'],
      [
        '.xls (OLE2)',
        Buffer.from('d0cf11e0a1b11ae1000000000000000000000000', 'hex'),
        'IMPORT_UNSUPPORTED_FORMAT',
      ],
      ['PDF', Buffer.from('%PDF-1.7\n'), 'IMPORT_UNSUPPORTED_FORMAT'],
      [
        'HTML saved as xls',
        Buffer.from('<html><table><tr><td>学校名称</td></tr></table></html>'),
        'IMPORT_UNSUPPORTED_FORMAT',
      ],
      ['binary', Buffer.from([1, 2, 3, 0, 0, 5, 6, 0, 9, 0]), 'IMPORT_UNSUPPORTED_FORMAT'],
    ];
    const { default: JSZip } = await import('jszip');
    const ods = new JSZip();
    ods.file('mimetype', 'application/vnd.oasis.opendocument.spreadsheet');
    ods.file('content.xml', '<office:document-content/>');
    cases.push(['.ods', await ods.generateAsync({ type: 'nodebuffer' }), 'IMPORT_UNSUPPORTED_FORMAT']);
    for (const [label, file, code] of cases) {
      const err = await errorOf(file);
      expect(err.status, label).to.equal(400);
      expect(err.code, label).to.equal(code);
      if (code === 'IMPORT_UNSUPPORTED_FORMAT')
        expect(err.message).to.equal('不支持的文件格式，请另存为 XLSX 或 CSV（UTF-8）');
    }
  });
});
