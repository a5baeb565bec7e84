// `npm start`: the whole backend on the embedded default (see README).
import { devBotToken } from './bot-api/dev-token';
import { formatLoginTable } from './demo/login-table';
import { loadConfig, repoRoot } from './config';
import { createLogger } from './logger';
import { ensureWebBuild } from './web/build';
import { startServer } from './server';

const messages = {
  listening: (url: string) => `进展通 EduProgress 已启动：${url}/（接口 ${url}/api/v1）`,
  admin: (password: string) =>
    `全国管理员 登录名 admin，初始密码 ${password}（仅显示这一次，首次登录须修改）`,
  demoTitle: '演示账号（学校管理员使用初始密码，首次登录须修改密码）：',
  stopping: '正在停止…',
  forced: (ms: number) => `停止超时（${ms} 毫秒，SHUTDOWN_GRACE_MS），强制退出`,
  devBotToken: (file: string) => `机器人令牌未设置：开发用令牌已写入 ${file}（生产环境请设置 BOT_TOKEN）`,
  demoFailed: '群聊机器人演示未能启动：',
  failed: '启动失败：',
};

/**
 * The bot demo runs beside the server in `npm start` (with the demo data) unless BOT_DEMO=0, in production, or when a real
 * puppet is configured (then `npm run bot` runs the bot).
 */
function botDemoWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.NODE_ENV === 'production' || env.WECHATY_PUPPET) return false;
  return !['0', 'false', 'off', 'no'].includes((env.BOT_DEMO ?? '1').toLowerCase());
}

async function main(): Promise<void> {
  const config = loadConfig();
  // The H5 build (when missing or stale) runs while the database starts.
  const web = config.webBuild ? ensureWebBuild(repoRoot, config.webRoot, (line) => console.log(line)) : null;
  const demoBot = config.demoData && botDemoWanted(process.env);
  const chat = demoBot && process.stdin.isTTY;
  // The demo chat shares the terminal: request logs and slow-command warnings would drown it.
  if (chat && !process.env.LOG_LEVEL) config.logLevel = 'error';
  if (!config.botToken && process.env.NODE_ENV !== 'production') {
    config.botToken = devBotToken(config.dataDir);
    console.log(messages.devBotToken(`${config.dataDir}/bot-token`));
  }
  // JSON logs are for collectors; a developer's terminal gets one readable zh-CN line per record
  // (LOG_FORMAT=json keeps JSON there too).
  const readable =
    process.stdout.isTTY && process.env.NODE_ENV !== 'production' && process.env.LOG_FORMAT !== 'json';
  const server = await startServer(config, { logger: createLogger(config.logLevel, { readable }) });
  await web;
  const boot = server.bootstrap;
  console.log(messages.listening(server.url));
  if (boot.admin?.generated && boot.admin.password) console.log(messages.admin(boot.admin.password));
  if (boot.demo) {
    console.log(messages.demoTitle);
    for (const line of formatLoginTable(boot.demo.logins)) console.log(line);
  }

  let demo: { stop(): Promise<void> } | undefined;
  if (demoBot && config.botToken) {
    try {
      // Loaded only here: the server itself does not depend on the bot.
      const { startDemo } = await import('../../bot/src/demo');
      demo = await startDemo({
        apiBaseUrl: server.url,
        botToken: config.botToken,
        name: process.env.BOT_NAME || undefined,
        stateDir: config.dataDir,
        input: chat ? process.stdin : undefined,
      });
    } catch (err) {
      console.error(messages.demoFailed, err instanceof Error ? err.message : err);
    }
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
    (demo?.stop() ?? Promise.resolve())
      .catch(() => {})
      .then(() => server.close())
      .then(
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
