// `npm start` builds the mini-program's H5 version when it is missing or older than its sources, so a
// newcomer's `npm ci && npm start` opens the app at `/`. A failed build is reported and the API still
// starts. WEB_BUILD=0 skips the check (e.g. a deployment that ships its own build).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const messages = {
  building: '正在构建小程序 H5 版本（首次启动约需 1～3 分钟）…',
  stale: '小程序源码有更新，正在重新构建 H5 版本…',
  failed: (code: number | null) =>
    `H5 版本构建失败（退出码 ${code}），服务仍会启动，但 / 下没有网页；可运行 npm run build:h5 查看原因`,
};

/** Newest modification time (ms) of the files under `dirs`, node_modules and dist skipped. */
export function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}

/** Whether the H5 build in `webRoot` is missing or older than the sources it is built from. */
export function webBuildState(repoRoot: string, webRoot: string): 'fresh' | 'missing' | 'stale' {
  const index = path.join(webRoot, 'index.html');
  if (!existsSync(index)) return 'missing';
  const sources = [
    path.join(repoRoot, 'miniprogram', 'src'),
    path.join(repoRoot, 'miniprogram', 'config'),
    path.join(repoRoot, 'shared', 'src'),
  ];
  return newestSource(sources) > statSync(index).mtimeMs ? 'stale' : 'fresh';
}

/**
 * Runs `npm run build:h5` when needed (alongside the database start-up: callers await it before
 * announcing the address); resolves to whether a usable build exists afterwards.
 */
export async function ensureWebBuild(
  repoRoot: string,
  webRoot: string,
  print: (line: string) => void,
): Promise<boolean> {
  const state = webBuildState(repoRoot, webRoot);
  if (state === 'fresh') return true;
  print(state === 'missing' ? messages.building : messages.stale);
  // Taro draws a progress bar on stderr: keep only the tail, shown when the build fails.
  let tail = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npm', ['run', 'build:h5', '--silent'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', () => resolve(null));
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0) print(`${messages.failed(code)}\n${tail}`);
  return existsSync(path.join(webRoot, 'index.html'));
}
