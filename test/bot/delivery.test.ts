// Nothing lost, nothing twice: a bot killed between posting and acknowledging, restarted on its sent
// journal; two bot instances draining at once (bot-cases F3); the same message delivered twice and old
// messages replayed after a login (bot-cases F2); 1,000 random strings without a crash.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { BotDelivery } from '../../server/src/bot-api/deliveries';
import { toApiDateTime } from '@eduprogress/shared';
import { emitEvent } from '../../server/src/outbox/service';
import { manualClock, PASSWORD, regionUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';
import { BOT_TOKEN, bindingCode, startMockWorld, type MockWorld } from '../helpers/bot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FAST = { perMinute: 60_000, perGroupPerMinute: 60_000 };

describe('bot delivery: restarts, two instances, repeated messages, random input', function () {
  this.timeout(120_000);
  const clock = manualClock('2026-11-02T10:00:00+08:00');
  let server: TestServer;
  let fj: string;
  let stateDir: string;
  let seq = 0;

  /** `n` notices for the province groups, as the notice service emits them. */
  async function notices(n: number, tag: string): Promise<string[]> {
    const titles: string[] = [];
    for (let i = 0; i < n; i++) {
      const title = `${tag} 第${i + 1}号通知`;
      titles.push(title);
      await emitEvent(clock, {
        key: `notice.published:${tag}:${seq++}`,
        type: 'notice.published',
        regionCode: '350000',
        regionPath: ['000000'],
        payload: {
          noticeId: `${tag}-${i}`,
          title,
          regionCode: '350000',
          regionName: '福建省',
          authorName: '福建省管理员',
          scope: { levels: ['province'], schoolTypes: [] },
          publishedAt: toApiDateTime(clock()),
          attachmentCount: 0,
        },
      });
    }
    return titles;
  }
  const noticesIn = (posts: string[]) => posts.filter((p) => p.startsWith('【公告】'));

  /** A group bound to 福建省 by a bot that only answers (no pushes), so only the tested bots push. */
  async function boundRoom(topic: string): Promise<string> {
    const binder = await startMockWorld(server, { pushes: false });
    try {
      const room = binder.room(topic);
      const [reply] = await binder.ask(room, `绑定 ${await bindingCode(server, fj, '350000')}`);
      expect(reply).to.contain('已绑定');
      return room.id;
    } finally {
      await binder.stop();
    }
  }

  before(async () => {
    server = await startTestServer('bot-delivery', { env: { BOT_TOKEN }, options: { clock } });
    await regionUser('fj', '350000', 'admin');
    fj = await server.login('fj', PASSWORD);
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'bot-state-'));
  });
  after(async () => {
    await server?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('killed between posting and acknowledging, then restarted: nothing lost, nothing posted twice', async () => {
    const roomId = await boundRoom('重启测试群');
    clock.set('2026-11-02T10:01:00+08:00');
    const titles = await notices(8, '重启');
    const botState = path.join(stateDir, 'restart');
    const a = await startMockWorld(server, {
      consumer: 'botA',
      stateDir: botState,
      leaseSeconds: 10,
      rateLimits: FAST,
    });
    a.room('重启测试群', roomId);
    let pushed = 0;
    // Dies inside the third post: the message is out, its acknowledgement never happens.
    a.mocker.puppet.on('message', ({ messageId }) => {
      const m = a.mocker.messagePayload(messageId) as { talkerId: string; text?: string };
      if (m.talkerId === a.botUser.id && m.text?.startsWith('【公告】') && ++pushed === 3) void a.bot.kill();
    });
    await a.waitForPosts(roomId, 3, 20_000);
    await sleep(500);
    const before = noticesIn(a.posted(roomId));
    expect(before).to.have.length(3);
    expect(await BotDelivery.countDocuments({ roomId, deliveredAt: { $exists: true } })).to.equal(2);

    // Restarted (same instance name and journal) once the dead instance's leases ran out.
    clock.set('2026-11-02T10:02:00+08:00');
    const b = await startMockWorld(server, {
      consumer: 'botA',
      stateDir: botState,
      leaseSeconds: 10,
      rateLimits: FAST,
    });
    b.room('重启测试群', roomId);
    try {
      await b.waitForPosts(roomId, 5, 20_000);
      await sleep(800);
      const after = noticesIn(b.posted(roomId));
      const all = [...before, ...after].map((t) => /《(.+)》/.exec(t)![1]);
      expect(all.sort()).to.deep.equal([...titles].sort());
      expect(await BotDelivery.countDocuments({ roomId, deliveredAt: { $exists: false } })).to.equal(0);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it('two bot instances draining at once never post the same pair twice (bot-cases F3)', async () => {
    const roomId = await boundRoom('双实例群');
    clock.set('2026-11-02T10:03:00+08:00');
    const a = await startMockWorld(server, { consumer: 'bot-1', rateLimits: FAST });
    const b = await startMockWorld(server, { consumer: 'bot-2', rateLimits: FAST });
    a.room('双实例群', roomId);
    b.room('双实例群', roomId);
    try {
      const titles = await notices(30, '双实例');
      const until = Date.now() + 30_000;
      while (noticesIn([...a.posted(roomId), ...b.posted(roomId)]).length < 30 && Date.now() < until)
        await sleep(50);
      await sleep(1000);
      const all = noticesIn([...a.posted(roomId), ...b.posted(roomId)]).map((t) => /《(.+)》/.exec(t)![1]);
      expect(all).to.have.length(30);
      expect(new Set(all).size).to.equal(30);
      expect([...all].sort()).to.deep.equal([...titles].sort());
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  describe('incoming messages', () => {
    let world: MockWorld;
    let room: ReturnType<MockWorld['room']>;
    before(async () => {
      world = await startMockWorld(server, { pushes: false });
      room = world.room('消息测试群');
      await world.ask(room, `绑定 ${await bindingCode(server, fj, '350000')}`);
    });
    after(async () => {
      await world?.stop();
    });

    /** A text message in `room` with a given id and time, delivered by the puppet (twice if asked). */
    function deliver(id: string, text: string, timestamp: number, times = 1): void {
      world.mocker.MessageMock.create({
        id,
        talkerId: world.member.id,
        roomId: room.id,
        text,
        timestamp,
        type: 7,
        mentionIdList: [],
      } as never);
      for (let i = 0; i < times; i++) world.mocker.puppet.emit('message', { messageId: id });
    }

    it('the same message id delivered twice is answered once (bot-cases F2)', async () => {
      const n = world.posted(room.id).length;
      deliver('dup-1', '截止', Date.now(), 2);
      await world.waitForPosts(room.id, n + 1);
      await sleep(800);
      expect(world.posted(room.id)).to.have.length(n + 1);
      // a repeated 绑定 yields no second "已绑定"
      const code = await bindingCode(server, fj, '350000');
      const other = world.room('另一个群');
      const before = world.posted(other.id).length;
      world.mocker.MessageMock.create({
        id: 'dup-2',
        talkerId: world.member.id,
        roomId: other.id,
        text: `@进展通助手 绑定 ${code}`,
        timestamp: Date.now(),
        type: 7,
        mentionIdList: [],
      } as never);
      world.mocker.puppet.emit('message', { messageId: 'dup-2' });
      world.mocker.puppet.emit('message', { messageId: 'dup-2' });
      await world.waitForPosts(other.id, before + 1);
      await sleep(800);
      expect(world.posted(other.id).slice(before)).to.have.length(1);
      expect(world.posted(other.id).at(-1)).to.contain('已绑定');
    });

    it('messages from before the login (replayed history) and the bot’s own messages are ignored', async () => {
      const n = world.posted(room.id).length;
      for (let i = 0; i < 20; i++) deliver(`old-${i}`, '进度', Date.now() - 3600_000 - i * 1000);
      world.mocker.MessageMock.create({
        id: 'self-1',
        talkerId: world.botUser.id,
        roomId: room.id,
        text: '帮助',
        timestamp: Date.now(),
        type: 7,
        mentionIdList: [],
      } as never);
      world.mocker.puppet.emit('message', { messageId: 'self-1' });
      await sleep(1000);
      expect(world.posted(room.id)).to.have.length(n + 1); // only the bot's own "帮助" line itself
    });

    it('1,000 random strings: no crash, no unhandled rejection, still answering', async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      const unbound = world.room('随机输入的未绑定群');
      const pieces = [
        '进度',
        '未报',
        '学时',
        '绑定',
        '解绑',
        '订阅',
        '退订',
        '@进展通助手',
        '\u2005',
        '　',
        'ＡＢ',
        '%',
        '$',
        '{',
        '}',
        '\\',
        '"',
        "'",
        '<script>',
        '\u0000',
        '\ud83d',
        '🙂',
        '福州',
        '鼓楼',
        'null',
        'undefined',
        '../',
        '?',
        '？',
        '\n',
      ];
      let rnd = 12345;
      const next = (n: number) => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31), rnd % n);
      try {
        for (let i = 0; i < 1000; i++) {
          let text = '';
          const parts = 1 + next(6);
          for (let j = 0; j < parts; j++) {
            text += next(3) === 0 ? String.fromCharCode(next(0xffff)) : pieces[next(pieces.length)];
          }
          world.member.say(text).to(i % 2 ? room : unbound);
          if (i % 50 === 49) await sleep(300);
        }
        await sleep(3000);
        expect(rejections).to.deep.equal([]);
        const [reply] = await world.ask(room, '帮助', { timeoutMs: 30_000 });
        expect(reply).to.contain('本群已绑定：福建省');
      } finally {
        process.off('unhandledRejection', onRejection);
      }
    });
  });
});
