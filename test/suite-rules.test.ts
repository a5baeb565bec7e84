import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findEmptyLoops } from './helpers/empty-loops';

/** Every `*.ts` file under test/ (helpers too: they assert for the suites that call them). */
function testSources(dir = 'test'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testSources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe("the suite's own rules (docs/ARCHITECTURE.md, test/)", () => {
  it('flags a loop of assertions over a list nothing proved non-empty, and accepts the proved ones', () => {
    const flagged = findEmptyLoops(
      'sample.ts',
      `
      it('a', async () => {
        const rows = await load();
        for (const r of rows) expect(r.ok).to.equal(true);
        rows.forEach((r) => expect(r).to.exist);
      });
      it('b', async () => {
        const rows = await load();
        expect(rows).to.have.length(3);
        for (const r of rows) expect(r.ok).to.equal(true);
        for (const x of ['a', 'b']) expect(x).to.be.a('string');
        let n = 0;
        for await (const row of stream()) { n++; expect(row).to.exist; }
        expect(n).to.equal(5);
        // list-checked: an empty answer is allowed here
        for (const r of await load()) expect(r).to.exist;
      });`,
    );
    expect(flagged.map((f) => [f.line, f.list])).to.deep.equal([
      [4, 'rows'],
      [5, 'rows'],
    ]);
  });

  it('no test loops its assertions over a list without first asserting the list has items', () => {
    const files = testSources();
    expect(files.length).to.be.greaterThan(100);
    const found = files.flatMap((f) => findEmptyLoops(f, readFileSync(f, 'utf8')));
    expect(found.map((f) => `${f.file}:${f.line} ${f.list}`)).to.deep.equal([]);
  });
});
