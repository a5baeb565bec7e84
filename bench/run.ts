// `npm run bench [name…]`: runs the benchmarks and prints their figures (no pass/fail: targets are in
// the issues; the figures go into the closing notes with the backend that produced them).
import { benchAutosubmit } from './autosubmit';
import { benchBot } from './bot';
import { benchGenerator } from './generator';
import { benchIdWrites } from './id-writes';
import { benchLogin } from './login';
import { benchProgress } from './progress';
import { benchSchools } from './schools';
import { benchSoak } from './soak';
import { benchStatistics } from './statistics';
import { benchTraining } from './training';

const benches: Record<string, () => Promise<void>> = {
  autosubmit: benchAutosubmit,
  bot: benchBot,
  generator: benchGenerator,
  'id-writes': benchIdWrites,
  login: benchLogin,
  progress: benchProgress,
  schools: benchSchools,
  soak: benchSoak,
  statistics: benchStatistics,
  training: benchTraining,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  // The soak runs 40 minutes by default: only when asked for by name.
  const names = wanted.length ? wanted : Object.keys(benches).filter((name) => name !== 'soak');
  for (const name of names) {
    const bench = benches[name];
    if (!bench) throw new Error(`未知的基准测试：${name}（可选：${Object.keys(benches).join('、')}）`);
    console.log(`== ${name}`);
    await bench();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
