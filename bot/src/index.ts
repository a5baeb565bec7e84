// The group-chat bot: a Wechaty client of the REST server, with no database of its own (issue 11).
// `startBot` runs it on any puppet (a real WeChat/WeCom puppet, or wechaty-puppet-mock in tests and the
// local demo): it answers commands in groups and drains the server's outbox into the bound groups.
import { randomBytes } from 'node:crypto';
import { WechatyBuilder, type Message, type Room, type Wechaty as WechatyInterface } from 'wechaty';
import { ApiClient, ApiError } from './api';
import { HOW_TO_BIND, runCommand, type RoomInfo } from './commands';
import { parse } from './parse';
import { PushWorker, type PushChannel } from './push-worker';
import { DEFAULT_RATE_LIMITS, SendPace, type RateLimits } from './rate-limit';
import { splitMessage } from './replies';
import { SentJournal } from './sent-journal';

export { parse, normaliseCode, normaliseText, COMMANDS } from './parse';
export { DEFAULT_RATE_LIMITS } from './rate-limit';
export type { PushChannel } from './push-worker';

const messages = {
  notInRoom: '机器人不在该群聊中（可能已被移出或群已解散）',
  handlerFailed: 'message handling failed',
};

export const DEFAULT_BOT_NAME = '进展通助手';

export interface BotOptions {
  /** A Wechaty puppet instance or a puppet package name (e.g. 'wechaty-puppet-wechat4u'). */
  puppet: any;
  /** Server root, e.g. http://127.0.0.1:3000 */
  apiBaseUrl: string;
  botToken: string;
  /** The bot's display name in groups (how people @mention it); default 进展通助手. */
  name?: string;
  /** This instance's lease name (default: random); give each running instance its own. */
  consumer?: string;
  /** Where the sent journal is kept across restarts (default: memory only). */
  stateDir?: string;
  rateLimits?: RateLimits;
  /** Drain the outbox (default true). */
  pushes?: boolean;
  pollMs?: number;
  leaseSeconds?: number;
  /** How long a group's binding is cached, ms (default 30 s). */
  roomCacheMs?: number;
  /** The bot's clock (texts such as "还有 2 天"); default the system clock. */
  now?: () => Date;
  /** Where push channel and command errors are logged (default: console.error). */
  log?: (line: string, err?: unknown) => void;
  /** Wechaty instance name (memory-card file for real puppets); default the bot name. */
  wechatyName?: string;
}

export interface RunningBot {
  wechaty: WechatyInterface;
  pushes?: PushWorker;
  api: ApiClient;
  /** Graceful: finishes the message in flight, stops pushing and the puppet. */
  stop(): Promise<void>;
  /** As if the process died: no more sends or acknowledgements (tests of restarts). */
  kill(): Promise<void>;
}

const HINT_EVERY_MS = 3600_000;
const SEEN_IDS = 5000;

/** Starts the bot; resolves once Wechaty is started (login follows the puppet's own flow). */
export async function startBot(opts: BotOptions): Promise<RunningBot> {
  const name = opts.name ?? DEFAULT_BOT_NAME;
  const log = opts.log ?? ((line: string, err?: unknown) => console.error(line, err ?? ''));
  const api = new ApiClient({ apiBaseUrl: opts.apiBaseUrl, botToken: opts.botToken });
  const wechaty = WechatyBuilder.build({ name: opts.wechatyName ?? name, puppet: opts.puppet });
  const roomCacheMs = opts.roomCacheMs ?? 30_000;
  const rooms = new Map<string, { info?: RoomInfo; at: number }>();
  const lastHint = new Map<string, number>();
  const seen = new Set<string>();
  let loginAt: number | undefined;
  let stopped = false;

  async function roomInfo(roomId: string): Promise<RoomInfo | undefined> {
    const cached = rooms.get(roomId);
    if (cached && Date.now() - cached.at < roomCacheMs) return cached.info;
    try {
      const info = await api.call<RoomInfo>('GET', `/bot/rooms/${encodeURIComponent(roomId)}`);
      rooms.set(roomId, { info, at: Date.now() });
      return info;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ROOM_NOT_FOUND') {
        rooms.set(roomId, { info: undefined, at: Date.now() });
        return undefined;
      }
      throw err;
    }
  }

  async function say(room: Room, text: string): Promise<void> {
    for (const part of splitMessage(text)) await room.say(part);
  }

  /** First time a message id is seen (bot-cases F2: the same message delivered twice is answered once). */
  function firstSight(id: string): boolean {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value as string);
    return true;
  }

  async function onMessage(message: Message): Promise<void> {
    if (stopped || !firstSight(message.id)) return;
    if (message.self()) return;
    // Replayed history after a (re)login is not a question asked now.
    if (loginAt === undefined || message.date().getTime() < loginAt - 1000) return;
    if (message.type() !== wechaty.Message.Type.Text) return;
    const room = message.room();
    if (!room) return;
    const parsed = parse(message.text(), name);
    if (!parsed.addressed && parsed.intent === 'unknown') {
      parsed.addressed = await message.mentionSelf().catch(() => false);
      if (!parsed.addressed) return;
    }
    const info = await roomInfo(room.id).catch(() => 'unreachable' as const);
    if (info === 'unreachable') {
      await say(room, '暂时连不上进展通服务器，请稍后再试。');
      return;
    }
    if (!info && parsed.intent !== 'bind') {
      // An unbound group hears at most one short "how to bind" an hour, and nothing else.
      const last = lastHint.get(room.id) ?? 0;
      if (Date.now() - last < HINT_EVERY_MS) return;
      lastHint.set(room.id, Date.now());
      await say(room, HOW_TO_BIND);
      return;
    }
    const topic = await room.topic().catch(() => '');
    const result = await runCommand(
      { api, botName: name, roomId: room.id, roomTopic: topic, room: info },
      parsed,
    );
    if (result.bindingChanged) rooms.delete(room.id);
    if (result.reply && !stopped) await say(room, result.reply);
  }

  wechaty.on('login', () => {
    loginAt = Date.now();
  });
  wechaty.on('message', (message) => {
    onMessage(message).catch((err) => log(messages.handlerFailed, err));
  });
  wechaty.on('room-leave', (room, leavers) => {
    const self = wechaty.currentUser;
    if (!leavers.some((c) => c.id === self?.id)) return;
    // Removed from the group (or it was dissolved): stop pushing there.
    rooms.delete(room.id);
    api.call('DELETE', `/bot/rooms/${encodeURIComponent(room.id)}`).catch(() => {});
  });
  wechaty.on('error', (err) => log('wechaty error', err));

  const channel: PushChannel = {
    async send(roomId, text) {
      const room = await wechaty.Room.find({ id: roomId });
      if (!room) throw new Error(messages.notInRoom);
      await room.say(text);
    },
  };

  await wechaty.start();
  const pushes =
    opts.pushes === false
      ? undefined
      : new PushWorker({
          api,
          channel,
          consumer: opts.consumer ?? `bot-${randomBytes(4).toString('hex')}`,
          pace: new SendPace(opts.rateLimits ?? DEFAULT_RATE_LIMITS),
          journal: new SentJournal(opts.stateDir),
          leaseSeconds: opts.leaseSeconds,
          pollMs: opts.pollMs,
          now: opts.now,
          log,
        });
  // Pushes start once logged in: before that no group can be reached.
  if (pushes) {
    if (wechaty.isLoggedIn) pushes.start();
    else
      wechaty.once('login', () => {
        if (!stopped) pushes.start();
      });
  }

  return {
    wechaty,
    pushes,
    api,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pushes?.stop();
      await wechaty.stop().catch(() => {});
    },
    async kill() {
      stopped = true;
      pushes?.kill();
      await wechaty.stop().catch(() => {});
    },
  };
}
