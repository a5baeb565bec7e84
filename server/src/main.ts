// `npm start`: the whole backend on the embedded default (see README).
import { loadConfig, repoRoot } from './config';
import { ensureWebBuild } from './web/build';
import { startServer } from './server';

const messages = {
  listening: (url: string) => `进展通 EduProgress 已启动：${url}/（接口 ${url}/api/v1）`,
  admin: (password: string) =>
    `全国管理员 登录名 admin，初始密码 ${password}（仅显示这一次，首次登录须修改）`,
  demoTitle: '演示账号（学校管理员使用初始密码，首次登录须修改密码）：',
  stopping: '正在停止…',
  forced: (ms: number) => `停止超时（${ms} 毫秒，SHUTDOWN_GRACE_MS），强制退出`,
  failed: '启动失败：',
};

async function main(): Promise<void> {
  const config = loadConfig();
  // The H5 build (when missing or stale) runs while the database starts.
  const web = config.webBuild ? ensureWebBuild(repoRoot, config.webRoot, (line) => console.log(line)) : null;
  const server = await startServer(config);
  await web;
  const boot = server.bootstrap;
  console.log(messages.listening(server.url));
  if (boot.admin?.generated && boot.admin.password) console.log(messages.admin(boot.admin.password));
  if (boot.demo) {
    console.log(messages.demoTitle);
    for (const l of boot.demo.logins) console.log(`  ${l.label.padEnd(18)} ${l.loginName}  /  ${l.password}`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${messages.stopping}（${signal}）`);
    // The whole stop fits in SHUTDOWN_GRACE_MS, a running job included; the exit hooks SIGKILL the
    // database processes and free the data folder if close() has not finished by then.
    setTimeout(() => {
      console.error(messages.forced(config.shutdownGraceMs));
      process.exit(1);
    }, config.shutdownGraceMs).unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(messages.failed, err instanceof Error ? err.message : err);
  process.exit(1);
});
