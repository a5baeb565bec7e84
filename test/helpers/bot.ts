// A bot on wechaty-puppet-mock against a real server in process: a member says text in a mock room and the
// test reads what the bot posts there (VERIFIED.md "Wechaty mock room driven from outside").
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { startBot, type BotOptions, type RunningBot } from '../../bot/src/index';
import type { TestServer } from './server';

export const BOT_TOKEN = 'bot-secret-for-tests';
export const BOT_NAME = '进展通助手';

export interface MockWorld {
  mocker: mock.Mocker;
  bot: RunningBot;
  botUser: mock.ContactMock;
  member: mock.ContactMock;
  /** Creates a group with the bot and the member (a fixed id lets two bots share "one" group). */
  room(topic: string, id?: string): mock.RoomMock;
  /** Everything the bot posted in `roomId`, in order. */
  posted(roomId: string): string[];
  /** The member says `text` in `room`; resolves with the bot's next `count` posts there (after `settleMs`). */
  ask(
    room: mock.RoomMock,
    text: string,
    opts?: { count?: number; timeoutMs?: number; settleMs?: number },
  ): Promise<string[]>;
  /** Waits until the bot has posted at least `n` messages in `roomId` (or the time runs out). */
  waitForPosts(roomId: string, n: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a bot on a fresh mock puppet against `server`, logged in as 进展通助手. */
export async function startMockWorld(server: TestServer, opts: Partial<BotOptions> = {}): Promise<MockWorld> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const posts = new Map<string, string[]>();
  const bot = await startBot({
    puppet,
    apiBaseUrl: server.url,
    botToken: BOT_TOKEN,
    name: BOT_NAME,
    pollMs: 100,
    roomCacheMs: 0,
    log: () => {},
    ...opts,
  });
  const botUser = mocker.createContact({ name: BOT_NAME });
  const member = mocker.createContact({ name: '张老师' });
  puppet.on('message', ({ messageId }) => {
    const payload = mocker.messagePayload(messageId) as { talkerId: string; roomId?: string; text?: string };
    if (payload.talkerId !== botUser.id || !payload.roomId) return;
    posts.set(payload.roomId, [...(posts.get(payload.roomId) ?? []), payload.text ?? '']);
  });
  mocker.scan('mock-qr');
  mocker.login(botUser);
  await sleep(50);
  const posted = (roomId: string) => posts.get(roomId) ?? [];
  // Generous: a first progress count can take seconds while the whole suite shares two cores.
  const waitForPosts = async (roomId: string, n: number, timeoutMs = 30_000) => {
    const until = Date.now() + timeoutMs;
    while (posted(roomId).length < n && Date.now() < until) await sleep(20);
    return posted(roomId);
  };
  return {
    mocker,
    bot,
    botUser,
    member,
    room(topic, id) {
      return mocker.createRoom({ topic, memberIdList: [botUser.id, member.id], ...(id ? { id } : {}) });
    },
    posted,
    waitForPosts,
    async ask(room, text, o = {}) {
      const before = posted(room.id).length;
      member.say(text).to(room);
      const count = o.count ?? 1;
      if (count === 0) {
        await sleep(o.settleMs ?? 400);
        return posted(room.id).slice(before);
      }
      await waitForPosts(room.id, before + count, o.timeoutMs ?? 30_000);
      if (o.settleMs) await sleep(o.settleMs);
      return posted(room.id).slice(before);
    },
    async stop() {
      await bot.stop();
    },
  };
}

/** A one-time binding code for `regionCode`, created by the admin logged in with `token`. */
export async function bindingCode(server: TestServer, token: string, regionCode: string): Promise<string> {
  const res = await server.api('/bot/binding-codes', { token, body: { regionCode } });
  if (res.status !== 201) throw new Error(`binding code: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code as string;
}
