// Mocha root hook plugin: runs the describe blocks in a shuffled order, so no block can lean on state a
// block before it left behind (the suite's rule, docs/ARCHITECTURE.md, test/). By default the files'
// top-level blocks are shuffled among each other (each holds its own database, server and clock);
// `TEST_SHUFFLE=deep` shuffles the blocks nested in each too, where a block makes the data it reads in
// its own `before` (withSchools() in schools/schools.test.ts, freshStart() in permission-codes.test.ts).
// Deep is not yet the default: nested blocks still lean on earlier ones in reports/reports.test.ts,
// accounts/school-admins.test.ts, aliases/aliases.test.ts (with TEST_SEED=22 TEST_SHUFFLE=deep: 20
// failures), and sometimes in accounts/profile.test.ts, school-requests and notices (TEST_SEED=21: 23). The `it`s inside one block keep their
// written order, by design: many blocks tell one story step by step (bind a code, then refuse a second
// bind; move a school, then find it moved; refuse to delete an initialized school, then force it), so
// shuffling them would test nothing but the order. The order comes from a seed, printed at the start;
// `TEST_SEED=<n> npm test` replays an order, `TEST_SEED=none` keeps the written one.
import type { Context, Suite } from 'mocha';

const seedText = process.env.TEST_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const seed = seedText === 'none' ? undefined : Number(seedText);
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`TEST_SEED 应为整数或 none：${seedText}`);

/** mulberry32: a small deterministic generator of floats in [0, 1) from a 32-bit seed. */
function generator(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shuffleSetting = process.env.TEST_SHUFFLE ?? 'top';
if (shuffleSetting !== 'deep' && shuffleSetting !== 'top') {
  throw new Error(`TEST_SHUFFLE 应为 deep 或 top：${shuffleSetting}`);
}
const deep = shuffleSetting === 'deep';

/** Shuffles `suite`'s child blocks in place (Fisher–Yates), then (deep) each child's own. */
function shuffle(suite: Suite, random: () => number): void {
  const list = suite.suites;
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  if (deep) for (const child of list) shuffle(child, random);
}

export const mochaHooks = {
  // The root suite's first hook runs before mocha walks the root's blocks, so reordering them here
  // takes effect for this run.
  beforeAll(this: Context) {
    const root = this.test?.parent;
    if (seed === undefined || !root) return;
    console.log(
      `  测试顺序：打乱${deep ? '（各层）' : '（顶层）'}，TEST_SEED=${seed}（重放同一顺序：TEST_SEED=${seed} npm test）`,
    );
    shuffle(root, generator(seed));
  },
};
