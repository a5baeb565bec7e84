// `npm start` builds the mini-program's H5 version when it is missing or older than its sources, so a
// newcomer's `npm ci && npm start` opens the app at `/`. A failed build is reported and the API still
// starts. WEB_BUILD=0 skips the check (e.g. a deployment that ships its own build).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const messages = {
  building: '正在构建小程序 H5 版本（首次启动需几分钟，机器忙时更久；下面逐段显示进度）…',
  stale: '小程序源码有更新，正在重新构建 H5 版本…',
  progress: (percent: number) => `H5 构建进度 ${percent}%`,
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
 * Follows the build's output (Taro's webpack progress bar: `building (45%) …`) and prints a line
 * `H5 构建进度 40%` each time it passes another `step` per cent, so a first start that takes minutes
 * visibly moves. Returns the function to feed each output chunk to.
 */
export function buildProgress(print: (line: string) => void, step = 10): (chunk: string) => void {
  let shown = 0;
  let carry = '';
  return (chunk) => {
    // A chunk may end in the middle of `(45%)`: keep a short tail to join with the next one.
    const text = carry + chunk;
    carry = text.slice(-16);
    let percent = -1;
    for (const m of text.matchAll(/\((\d{1,3})%\)/g)) percent = Math.max(percent, Number(m[1]));
    const reached = Math.floor(Math.min(percent, 100) / step) * step;
    if (reached > shown) {
      shown = reached;
      print(messages.progress(reached));
    }
  };
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
  // Taro draws a progress bar on stderr: its percentage is printed in steps, and only the output's
  // tail kept, shown when the build fails.
  let tail = '';
  const progress = buildProgress(print);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npm', ['run', 'build:h5', '--silent'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      progress(chunk.toString());
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', () => resolve(null));
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0) print(`${messages.failed(code)}\n${tail}`);
  return existsSync(path.join(webRoot, 'index.html'));
}
