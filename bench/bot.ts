// Issue 11's figures: command reply time with the server local (p50/p95 over wechaty-puppet-mock), and
// one reminder fanned out to 3,000 bound groups: time to enqueue the pairs, then delivered per minute
// under the default rate limits (and with the limits lifted, what the pipeline itself sustains).
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { log as wechatyLog } from 'wechaty';
import { Types } from 'mongoose';
import { startBot, DEFAULT_RATE_LIMITS } from '../bot/src/index';
import { BotDelivery, fanOutEvents } from '../server/src/bot-api/deliveries';
import { BotRoom } from '../server/src/bot-api/model';
import { systemClock } from '../server/src/clock';
import { writeScale } from '../server/src/demo/scale';
import { toApiDateTime } from '@eduprogress/shared';
import { emitEvent } from '../server/src/outbox/service';
import { Region, type RegionDoc } from '../server/src/regions/model';
import { fmt, percentile, startBenchServer } from './harness';

const TOKEN = 'bench-bot-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchBot(): Promise<void> {
  wechatyLog.level('silent');
  const bench = await startBenchServer('bench_bot', { BOT_TOKEN: TOKEN });
  try {
    const written = await writeScale({
      provinces: ['35'],
      schoolsPerCounty: 20,
      teachersPerSchool: 0,
      seed: 11,
    });
    console.log(`province 350000: schools written in ${fmt(written.elapsedMs)}`);
    const counties = await Region.find({ level: 'county', placeholder: { $ne: true } })
      .limit(3000)
      .lean<RegionDoc[]>();
    const boundBy = { userId: new Types.ObjectId(), name: 'bench' };
    const boundAt = new Date(Date.now() - 3600_000);
    const mocker = new mock.Mocker();
    const puppet = new PuppetMock({ mocker });
    let delivered = 0;
    const bot = await startBot({
      puppet,
      apiBaseUrl: bench.server.url,
      botToken: TOKEN,
      pushes: false,
      log: () => {},
    });
    const botUser = mocker.createContact({ name: '进展通助手' });
    const member = mocker.createContact({ name: '成员' });
    mocker.scan('bench');
    mocker.login(botUser);
    await sleep(100);

    // 1. Command replies in a province group.
    const room = mocker.createRoom({
      id: 'bench-province@chatroom',
      topic: '省群',
      memberIdList: [botUser.id, member.id],
    });
    await BotRoom.create({
      _id: room.id,
      regionCode: '350000',
      regionPath: ['000000'],
      regionName: '福建省',
      regionLevel: 'province',
      boundAt,
      boundBy,
    });
    let waiting: (() => void) | undefined;
    puppet.on('message', ({ messageId }) => {
      const m = mocker.messagePayload(messageId) as { talkerId: string; roomId?: string };
      if (m.talkerId !== botUser.id) return;
      if (m.roomId === room.id) waiting?.();
      else delivered++;
    });
    const commands = ['进度', '未报', '截止', '进度 福州', '未报 鼓楼', '公告', '帮助'];
    const samples: Record<string, number[]> = {};
    const all: number[] = [];
    for (let i = 0; i < 140; i++) {
      const text = commands[i % commands.length];
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        waiting = resolve;
        member.say(text).to(room);
      });
      const ms = performance.now() - t0;
      if (i >= commands.length) {
        (samples[text] ??= []).push(ms);
        all.push(ms);
      }
    }
    console.log(`command reply (server local, mock puppet), ${all.length} replies after one warm-up round:`);
    for (const [text, s] of Object.entries(samples)) {
      console.log(`  ${text.padEnd(6)} p50 ${fmt(percentile(s, 50))}  p95 ${fmt(percentile(s, 95))}`);
    }
    console.log(
      `  all     p50 ${fmt(percentile(all, 50))}  p95 ${fmt(percentile(all, 95))} (target < 300 ms)`,
    );
    await bot.stop();

    // 2. One reminder to 3,000 bound groups.
    const rooms = counties.map((c, i) => ({
      _id: `bench-${i}@chatroom`,
      regionCode: c._id,
      regionPath: c.path,
      regionName: c.name,
      regionLevel: 'county' as const,
      boundAt,
      boundBy,
    }));
    for (let i = 0; i < rooms.length; i += 500) await BotRoom.insertMany(rooms.slice(i, i + 500));
    const now = new Date();
    await emitEvent(systemClock, {
      key: `deadline.reminder:bench:${now.getTime()}`,
      type: 'deadline.reminder',
      regionCode: '000000',
      regionPath: [],
      payload: {
        period: '2026Q3',
        cycle: 'quarterly',
        level: 'county',
        daysBefore: 2,
        opensAt: toApiDateTime(new Date(now.getTime() - 5 * 86_400_000)),
        deadline: toApiDateTime(new Date(now.getTime() + 2 * 86_400_000)),
      },
    });
    const t0 = performance.now();
    await fanOutEvents(systemClock);
    const pairs = await BotDelivery.countDocuments({});
    console.log(
      `fan-out: ${pairs} (event, group) pairs enqueued in ${fmt(performance.now() - t0)} (${rooms.length} county groups)`,
    );

    for (const [label, limits, seconds] of [
      ['default limits', DEFAULT_RATE_LIMITS, 60],
      ['limits lifted', { perMinute: 1_000_000, perGroupPerMinute: 1_000_000 }, 20],
    ] as const) {
      // A fresh mock account in all 3,000 groups (a mocker serves one puppet).
      const m = new mock.Mocker();
      const p = new PuppetMock({ mocker: m });
      const pusher = await startBot({
        puppet: p,
        apiBaseUrl: bench.server.url,
        botToken: TOKEN,
        rateLimits: limits,
        pollMs: 200,
        log: () => {},
        wechatyName: `bench-${label}`,
      });
      const me = m.createContact({ name: '进展通助手' });
      m.scan('bench');
      m.login(me);
      for (const r of rooms) m.createRoom({ id: r._id, topic: r.regionName, memberIdList: [me.id] });
      p.on('message', ({ messageId }) => {
        if ((m.messagePayload(messageId) as { talkerId: string }).talkerId === me.id) delivered++;
      });
      const startCount = delivered;
      const t = performance.now();
      await sleep(seconds * 1000);
      await pusher.stop();
      const n = delivered - startCount;
      const acked = await BotDelivery.countDocuments({ deliveredAt: { $exists: true } });
      console.log(
        `delivery, ${label} (${limits.perMinute}/min overall, ${limits.perGroupPerMinute}/min per group): ` +
          `${n} posted in ${((performance.now() - t) / 1000).toFixed(0)} s = ${((n / (performance.now() - t)) * 60_000).toFixed(0)}/min; acknowledged so far ${acked}`,
      );
    }
  } finally {
    await bench.stop();
  }
}
