// The local demo (no WeChat account needed): the bot on wechaty-puppet-mock, a demo group bound to the demo
// province (福建省 350000), and a terminal chat in which you type as a member of that group and read the
// bot's replies and pushes. Started by `npm start` beside the server, or by `npm run bot` without a puppet.
import readline from 'node:readline';
import { log as wechatyLog } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { ApiClient, ApiError } from './api';
import { DEFAULT_BOT_NAME, startBot, type RunningBot } from './index';

const messages = {
  topic: '福建省教育信息化工作群（演示）',
  you: '我',
  admin: '福建省管理员',
  banner: (topic: string, name: string) =>
    [
      '',
      `—— 群聊机器人演示：你在「${topic}」中 ——`,
      `直接输入「进度」「未报 福州」「截止」「学时」「公告」「帮助」，或 @${name} 后跟命令；Ctrl+C 退出。`,
      '',
    ].join('\n'),
  bindingFailed: (reason: string) =>
    `演示群未能自动绑定（${reason}）。请用福建省管理员账号生成绑定码后，在这里输入：绑定 绑定码`,
  adminLoginFailed: '演示管理员 350000admin 登录失败（密码可能已修改，可设置 DEMO_ADMIN_PASSWORD）',
};

/** The demo group's id: fixed, so its binding survives restarts. */
export const DEMO_ROOM_ID = 'demo-350000@chatroom';
export const DEMO_REGION = '350000';

export interface DemoOptions {
  apiBaseUrl: string;
  botToken: string;
  name?: string;
  /** Where the bot keeps its sent journal (DATA_DIR). */
  stateDir?: string;
  /** The chat's input (lines typed by the newcomer); none → output only. */
  input?: NodeJS.ReadableStream;
  /** Where the chat is printed (default stdout). */
  print?: (line: string) => void;
  /** Demo province admin used to create the binding code (default 350000admin / Demo12345). */
  adminLogin?: { account: string; password: string };
}

export interface RunningDemo {
  bot: RunningBot;
  /** Says `text` in the demo group as the newcomer. */
  say(text: string): void;
  stop(): Promise<void>;
}

/** A binding code for the demo province, created through the server by the demo province admin. */
async function demoBindingCode(baseUrl: string, login: { account: string; password: string }) {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(login),
  });
  if (!res.ok) throw new Error(messages.adminLoginFailed);
  const { accessToken } = (await res.json()) as { accessToken: string };
  const code = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1/bot/binding-codes`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ regionCode: DEMO_REGION }),
  });
  const body = (await code.json()) as { code?: string; error?: { message: string } };
  if (!code.ok || !body.code) throw new Error(body.error?.message ?? String(code.status));
  return body.code;
}

/** Starts the demo: bot, demo group (bound on first start), terminal chat. */
export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const name = opts.name ?? DEFAULT_BOT_NAME;
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  wechatyLog.level('silent');
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = await startBot({
    puppet,
    apiBaseUrl: opts.apiBaseUrl,
    botToken: opts.botToken,
    name,
    stateDir: opts.stateDir,
    consumer: 'demo-bot',
    pollMs: 2000,
    log: () => {},
    wechatyName: 'eduprogress-demo',
  });
  const botUser = mocker.createContact({ name });
  const you = mocker.createContact({ name: messages.you });
  const admin = mocker.createContact({ name: messages.admin });
  mocker.scan('demo');
  mocker.login(botUser);
  const room = mocker.createRoom({
    id: DEMO_ROOM_ID,
    topic: messages.topic,
    memberIdList: [botUser.id, you.id, admin.id],
  });
  const names = new Map([
    [botUser.id, name],
    [you.id, messages.you],
    [admin.id, messages.admin],
  ]);
  let rl: readline.Interface | undefined;
  puppet.on('message', ({ messageId }) => {
    const m = mocker.messagePayload(messageId) as { talkerId: string; roomId?: string; text?: string };
    if (m.roomId !== room.id || m.talkerId === you.id) return;
    print(`\n[${names.get(m.talkerId) ?? m.talkerId}] ${m.text ?? ''}`);
    rl?.prompt(true);
  });

  print(messages.banner(messages.topic, name));
  const api = new ApiClient({ apiBaseUrl: opts.apiBaseUrl, botToken: opts.botToken });
  try {
    await api.call('GET', `/bot/rooms/${encodeURIComponent(DEMO_ROOM_ID)}`);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'ROOM_NOT_FOUND') {
      try {
        const code = await demoBindingCode(
          opts.apiBaseUrl,
          opts.adminLogin ?? {
            account: process.env.DEMO_ADMIN_ACCOUNT || '350000admin',
            password: process.env.DEMO_ADMIN_PASSWORD || 'Demo12345',
          },
        );
        admin.say(`@${name}\u2005绑定 ${code}`).to(room);
      } catch (e) {
        print(messages.bindingFailed(e instanceof Error ? e.message : String(e)));
      }
    } else print(messages.bindingFailed(err instanceof Error ? err.message : String(err)));
  }

  // Warms the province's progress (its first count takes a while) while the newcomer reads the banner.
  void (async () => {
    for (let i = 0; i < 20; i++) {
      const bound = await api.call('GET', `/bot/rooms/${encodeURIComponent(DEMO_ROOM_ID)}`).then(
        () => true,
        () => false,
      );
      if (bound) return api.forRoom(DEMO_ROOM_ID, `/regions/${DEMO_REGION}/progress`);
      await new Promise((r) => setTimeout(r, 500));
    }
  })().catch(() => {});

  if (opts.input) {
    rl = readline.createInterface({ input: opts.input, output: process.stdout, prompt: `${messages.you}> ` });
    rl.on('line', (line) => {
      if (line.trim()) you.say(line).to(room);
      rl?.prompt();
    });
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    rl.prompt();
  }
  return {
    bot,
    say(text) {
      you.say(text).to(room);
    },
    async stop() {
      rl?.close();
      await bot.stop();
    },
  };
}
