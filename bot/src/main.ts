// `npm run bot`: with WECHATY_PUPPET the real bot (login QR code in the terminal, restarts after a logout
// or a fatal puppet error); without it the local demo on wechaty-puppet-mock with a terminal chat.
// Settings: BOT_NAME (default 进展通助手), API_BASE_URL (default http://127.0.0.1:3000), BOT_TOKEN (default:
// the development token the server wrote to DATA_DIR/bot-token), DATA_DIR (sent journal).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import qrcode from 'qrcode-terminal';
import { startDemo } from './demo';
import { DEFAULT_BOT_NAME, startBot, type RunningBot } from './index';

const messages = {
  noToken: '未设置 BOT_TOKEN，且 DATA_DIR 中没有开发用的 bot-token（先运行一次 npm start）',
  scan: '请用微信扫描二维码登录机器人账号：',
  loggedIn: (name: string) => `机器人已登录：${name}`,
  loggedOut: '机器人已退出登录，5 秒后重新启动…',
  restartFailed: '重新启动失败，稍后再试：',
  stopping: '正在停止机器人…',
  failed: '机器人启动失败：',
};

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** BOT_TOKEN, or the development token the server keeps in DATA_DIR/bot-token. */
export function botTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOT_TOKEN) return env.BOT_TOKEN;
  const dataDir = path.resolve(env.DATA_DIR || path.join(repoRoot, 'data'));
  try {
    const token = readFileSync(path.join(dataDir, 'bot-token'), 'utf8').trim();
    if (token) return token;
  } catch {
    /* below */
  }
  throw new Error(messages.noToken);
}

async function main(): Promise<void> {
  const apiBaseUrl = process.env.API_BASE_URL || 'http://127.0.0.1:3000';
  const name = process.env.BOT_NAME || DEFAULT_BOT_NAME;
  const botToken = botTokenFromEnv();
  const stateDir = path.resolve(process.env.DATA_DIR || path.join(repoRoot, 'data'));
  let stop: () => Promise<void>;
  if (!process.env.WECHATY_PUPPET) {
    const demo = await startDemo({ apiBaseUrl, botToken, name, stateDir, input: process.stdin });
    stop = demo.stop;
  } else {
    const bot: RunningBot = await startBot({
      puppet: process.env.WECHATY_PUPPET,
      apiBaseUrl,
      botToken,
      name,
      stateDir,
      consumer: process.env.BOT_CONSUMER || undefined,
    });
    const { wechaty } = bot;
    wechaty.on('scan', (qr) => {
      console.log(messages.scan);
      qrcode.generate(qr, { small: true });
    });
    wechaty.on('login', (user) => console.log(messages.loggedIn(user.name())));
    // Reconnect after drops: a logout (or the puppet stopping) restarts Wechaty, which shows a new QR code.
    let restarting = false;
    const restart = () => {
      if (restarting) return;
      restarting = true;
      console.log(messages.loggedOut);
      const reconnect = async () => {
        try {
          await wechaty.stop();
          await wechaty.start();
        } catch (err) {
          console.error(messages.restartFailed, err);
        } finally {
          restarting = false;
        }
      };
      // reconnect() catches its own errors: nothing is left for the timer to observe.
      setTimeout(() => void reconnect(), 5000);
    };
    wechaty.on('logout', restart);
    wechaty.on('error', (err) => {
      if (/fatal|disconnect|closed/i.test(String(err))) restart();
    });
    stop = bot.stop;
  }
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(messages.stopping);
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((err) => {
  console.error(messages.failed, err instanceof Error ? err.message : err);
  process.exit(1);
});
