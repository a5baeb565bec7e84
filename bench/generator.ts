// Peak memory of the demo/benchmark generator for ~1.1 million documents (dry run: generation only),
// in a child process so its RSS is the generator's own.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../server/src/config';

export function benchGenerator(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'server/src/cli/generate.ts'),
        '--schools-per-county',
        '12',
        '--teachers-per-school',
        '30',
        '--dry-run',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generate exited ${code}`))));
  });
}
