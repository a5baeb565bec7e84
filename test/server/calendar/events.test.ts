import { regionRoleBinding, schoolAdminBinding, userWith } from '../../helpers/fixtures';
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '@eduprogress/shared';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { requireBot } from '../../../server/src/bot-api/auth';
import { OutboxClaim } from '../../../server/src/bot-api/model';
import { leaseEvents } from '../../../server/src/bot-api/service';
import { OutboxEvent } from '../../../server/src/outbox/model';
import { emitEvent } from '../../../server/src/outbox/service';
import { calendarFromEnv } from '../../../server/src/calendar/calendar-config';
import { dueCalendarEvents, emitCalendarEvents } from '../../../server/src/calendar/events';
import { School } from '../../../server/src/schools/model';
import { startTestServer, type TestServer } from '../../helpers/server';

/** An instant given as Shanghai wall time. */
const at = (local: string) => new Date(`${local}+08:00`);

describe('calendar configuration from the environment', () => {
  it('defaults to the 2019 rules', () => {
    expect(calendarFromEnv({})).to.deep.equal(DEFAULT_CALENDAR);
  });

  it('reads cycle, (partial) windows and reminder days', () => {
    const c = calendarFromEnv({
      REPORT_CYCLE: 'monthly',
      REPORT_WINDOWS: 'city:5-10',
      REMINDER_DAYS: '1, 3',
    });
    expect(c.cycle).to.equal('monthly');
    expect(c.windows).to.deep.equal({
      county: { startDay: 1, endDay: 5 },
      city: { startDay: 5, endDay: 10 },
      province: { startDay: 11, endDay: 15 },
    });
    expect(c.reminderDaysBefore).to.deep.equal([3, 1]);
    expect(calendarFromEnv({ REMINDER_DAYS: 'none' }).reminderDaysBefore).to.deep.equal([]);
  });

  it('refuses a malformed or inconsistent calendar with a Chinese reason', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ REPORT_CYCLE: 'weekly' }, /REPORT_CYCLE 应为 quarterly/],
      [{ REPORT_WINDOWS: 'county=1-5' }, /REPORT_WINDOWS 格式不正确/],
      [{ REPORT_WINDOWS: 'county:1-5,county:2-6' }, /出现了不止一次/],
      [{ REPORT_WINDOWS: 'county:1-31' }, /上报日历配置不合法/],
      [{ REPORT_WINDOWS: 'county:12-20' }, /县 → 市 → 省/],
      [{ REMINDER_DAYS: '2,x' }, /REMINDER_DAYS/],
      [{ REMINDER_DAYS: '0' }, /REMINDER_DAYS/],
    ];
    for (const [env, message] of cases) {
      expect(() => calendarFromEnv(env), JSON.stringify(env)).to.throw(message);
    }
  });
});

describe('due calendar events (pure)', () => {
  it('a window is due while open; of the reminders only the latest due one', () => {
    const keys = (local: string) => dueCalendarEvents(at(local), DEFAULT_CALENDAR).map((e) => e.key);
    expect(keys('2026-12-31T23:59:00')).to.deep.equal([]);
    expect(keys('2027-01-01T00:00:00')).to.deep.equal(['window.opened:2026Q4:county']);
    expect(keys('2027-01-04T08:00:00')).to.deep.equal([
      'window.opened:2026Q4:county',
      'deadline.reminder:2026Q4:county:2',
    ]);
    expect(keys('2027-01-05T08:00:00')).to.deep.equal([
      'window.opened:2026Q4:county',
      'deadline.reminder:2026Q4:county:1',
    ]);
    // County closed at the end of the 5th; the city window opens on the 6th.
    expect(keys('2027-01-06T00:00:00')).to.deep.equal(['window.opened:2026Q4:city']);
  });

  it('a reminder longer than the gap reaches back before its window opens', () => {
    const config = { ...DEFAULT_CALENDAR, reminderDaysBefore: [10] };
    const events = dueCalendarEvents(at('2026-12-28T12:00:00'), config);
    expect(events.map((e) => e.key)).to.deep.equal(['deadline.reminder:2026Q4:county:10']);
    expect(events[0].payload).to.deep.include({
      period: '2026Q4',
      level: 'county',
      daysBefore: 10,
      deadline: '2027-01-06T00:00:00+08:00',
    });
  });

  it('names monthly periods', () => {
    const monthly = calendarFromEnv({ REPORT_CYCLE: 'monthly' });
    expect(dueCalendarEvents(at('2026-12-02T10:00:00'), monthly).map((e) => e.key)).to.deep.equal([
      'window.opened:2026-11:county',
    ]);
  });
});

/** A `report.returned` payload as the reports service writes it, for the `i`-th unit. */
const returned = (i: number) => ({
  period: '2026Q3',
  unit: `单位${i}`,
  unitKind: 'school' as const,
  reason: '数据有误',
  deadline: '2026-11-25T23:59:59+08:00',
});

describe('events for the bot: calendar events, outbox leases, group binding', function () {
  this.timeout(60_000);
  let server: TestServer;
  let now = at('2026-11-20T10:00:00');
  const clock = () => now;
  let fujian: string;
  let xiamen: string;
  let schoolAdmin: string;
  const BOT = { Authorization: 'Bot bot-secret-123' };

  before(async () => {
    server = await startTestServer('events', { env: { BOT_TOKEN: 'bot-secret-123' }, options: { clock } });
    const hash = await hashPassword('Pass12345');
    const school = await School.create({
      name: '思明实验小学',
      type: '小学',
      regionCode: '350203',
      regionPath: ['000000', '350000', '350200', '350203'],
    });
    await User.create([
      userWith('fj', [regionRoleBinding('admin', '350000', ['000000'])], {
        name: '福建省管理员',
        passwordHash: hash,
      }),
      userWith('xm', [regionRoleBinding('admin', '350200', ['000000', '350000'])], {
        name: '厦门市管理员',
        passwordHash: hash,
      }),
      userWith('sch', [schoolAdminBinding(school)], { name: '学校管理员', passwordHash: hash }),
    ]);
    [fujian, xiamen, schoolAdmin] = await Promise.all(
      ['fj', 'xm', 'sch'].map((n) => server.login(n, 'Pass12345')),
    );
  });
  after(async () => {
    await server?.close();
  });

  describe('calendar events in the outbox', () => {
    before(async () => {
      await OutboxEvent.deleteMany({});
    });

    it('two instances running at the same minute write each event exactly once', async () => {
      const tick = () => at('2027-01-01T00:00:30');
      const runs = await Promise.all([
        emitCalendarEvents(tick, DEFAULT_CALENDAR),
        emitCalendarEvents(tick, DEFAULT_CALENDAR),
        emitCalendarEvents(tick, DEFAULT_CALENDAR),
      ]);
      expect(runs.flat()).to.deep.equal(['window.opened:2026Q4:county']);
      const stored = await OutboxEvent.find({}).lean();
      expect(stored.map((e) => e._id)).to.deep.equal(['window.opened:2026Q4:county']);
      expect(stored[0]).to.deep.include({ type: 'window.opened', regionCode: '000000' });
      expect(stored[0].payload).to.deep.include({
        period: '2026Q4',
        level: 'county',
        opensAt: '2027-01-01T00:00:00+08:00',
        deadline: '2027-01-06T00:00:00+08:00',
      });
    });

    it('minute after minute: each reminder once, nothing twice', async () => {
      const written: string[] = [];
      // Every 6 hours from the 1st to the 7th stands in for every minute.
      for (
        let t = at('2027-01-01T00:00:30').getTime();
        t < at('2027-01-07T00:00:00').getTime();
        t += 6 * 3600_000
      ) {
        written.push(...(await emitCalendarEvents(() => new Date(t), DEFAULT_CALENDAR)));
      }
      expect(written).to.deep.equal([
        'deadline.reminder:2026Q4:county:2',
        // Monday 4 January, 09:00 (the 06:00 run is too early; 12:00 writes it, 18:00 finds it there)
        'digest.progress:2027-01-04',
        'deadline.reminder:2026Q4:county:1',
        'window.opened:2026Q4:city',
      ]);
    });

    it('after downtime: what is still relevant is written once, what is moot is skipped', async () => {
      // Down from the end of March until the 7th of April: the county window opened and closed meanwhile.
      const first = await Promise.all([
        emitCalendarEvents(() => at('2027-04-07T12:00:00'), DEFAULT_CALENDAR),
        emitCalendarEvents(() => at('2027-04-07T12:00:05'), DEFAULT_CALENDAR),
      ]);
      expect(first.flat()).to.deep.equal(['window.opened:2027Q1:city']);
      expect(await emitCalendarEvents(() => at('2027-04-07T12:01:00'), DEFAULT_CALENDAR)).to.deep.equal([]);
      // Down again over both city reminders: only "1 day left" still matters.
      expect(await emitCalendarEvents(() => at('2027-04-10T09:00:00'), DEFAULT_CALENDAR)).to.deep.equal([
        'deadline.reminder:2027Q1:city:1',
      ]);
      expect(await OutboxEvent.countDocuments({ _id: /^[a-z.]+:2027Q1:county/ })).to.equal(0);
      expect(await OutboxEvent.exists({ _id: 'deadline.reminder:2027Q1:city:2' })).to.equal(null);
    });
  });

  describe('outbox leases', () => {
    const bot = (path: string, init: { method?: string } = {}) => server.api(path, { ...init, headers: BOT });

    beforeEach(async () => {
      // Each test reuses the same event keys: start from an empty outbox, leases included.
      await OutboxEvent.deleteMany({});
      await OutboxClaim.deleteMany({});
      now = at('2026-11-20T10:00:00');
      for (let i = 0; i < 5; i++) {
        await emitEvent(() => new Date(now.getTime() + i), {
          key: `report.returned:2026Q3:35010${i}`,
          type: 'report.returned',
          regionCode: `35010${i}`,
          regionPath: ['000000', '350000', '350100'],
          payload: returned(i),
        });
      }
    });

    it('bot calls need the bot token; with no token configured the bot API is off', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { Authorization: 'Bot wrong' },
        { Authorization: 'Bearer bot-secret-123' },
      ];
      for (const headers of attempts) {
        const res = await server.api('/bot/events?consumer=a', { headers });
        expect(res.status).to.equal(401);
        expect(res.body.error.message).to.match(/机器人令牌无效/);
      }
      let thrown: any;
      await requireBot(undefined)({ get: () => 'Bot anything' } as any, async () => {}).catch(
        (e: unknown) => (thrown = e),
      );
      expect(thrown?.status).to.equal(401);
      expect(thrown?.code).to.equal('BOT_API_DISABLED');
      expect(thrown?.message).to.equal('机器人接口未启用：服务器未配置 BOT_TOKEN');
    });

    it('two consumers never get the same event while a lease is live', async () => {
      const [a, b] = await Promise.all([
        bot('/bot/events?consumer=bot-a&limit=3'),
        bot('/bot/events?consumer=bot-b&limit=3'),
      ]);
      expect(a.status).to.equal(200);
      expect(b.status).to.equal(200);
      const ids = [...a.body.items, ...b.body.items].map((e: { id: string }) => e.id);
      expect(ids).to.have.length(5);
      expect(new Set(ids).size).to.equal(5);
      expect(a.body.items[0]).to.include.keys(
        'type',
        'regionCode',
        'regionPath',
        'payload',
        'createdAt',
        'attempts',
      );
      // While the leases run, nobody gets anything, the holders included.
      for (const consumer of ['bot-a', 'bot-b', 'bot-c']) {
        expect((await bot(`/bot/events?consumer=${consumer}`)).body.items).to.deep.equal([]);
      }
      const leased = await OutboxEvent.find({}).lean();
      expect(leased.every((e) => e.leaseOwner && e.attempts === 1)).to.equal(true);
    });

    it('many consumers at once, round after round: every event to exactly one of them', async () => {
      for (let i = 5; i < 40; i++) {
        await emitEvent(clock, {
          key: `report.returned:2026Q3:x${i}`,
          type: 'report.returned',
          regionCode: '350100',
          regionPath: ['000000', '350000'],
          payload: returned(i),
        });
      }
      const consumers = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
      const handed: string[] = [];
      for (let round = 0; round < 4; round++) {
        const batches = await Promise.all(
          consumers.map((consumer) => leaseEvents(clock, { consumer, limit: 4, leaseSeconds: 60 })),
        );
        handed.push(...batches.flatMap((b) => b.items.map((e) => e.id)));
      }
      expect(handed).to.have.length(40);
      expect(new Set(handed).size).to.equal(40);
    });

    it('an expired lease is handed out again; acknowledged events never are', async () => {
      const first = await bot('/bot/events?consumer=bot-a&limit=5&leaseSeconds=60');
      expect(first.body.items).to.have.length(5);
      const [done, ...rest] = first.body.items.map((e: { id: string }) => e.id);
      const ack = await bot(`/bot/events/${encodeURIComponent(done)}/ack`, { method: 'POST' });
      expect(ack.status).to.equal(200);
      expect(ack.body).to.deep.include({ id: done, alreadyAcknowledged: false });

      now = new Date(now.getTime() + 59_000);
      expect((await bot('/bot/events?consumer=bot-b')).body.items).to.deep.equal([]);
      now = new Date(now.getTime() + 2_000);
      const again = await bot('/bot/events?consumer=bot-b&limit=10');
      expect(again.body.items.map((e: { id: string }) => e.id)).to.deep.equal(rest);
      expect(again.body.items.every((e: { attempts: number }) => e.attempts === 2)).to.equal(true);
      // The first holder's late acknowledgement still counts: delivered is delivered.
      const late = await bot(`/bot/events/${encodeURIComponent(rest[0])}/ack`, { method: 'POST' });
      expect(late.status).to.equal(200);
      now = new Date(now.getTime() + 10 * 60_000);
      const third = await bot('/bot/events?consumer=bot-c&limit=10');
      expect(third.body.items.map((e: { id: string }) => e.id)).to.deep.equal(rest.slice(1));
    });

    it('acknowledging is idempotent; unknown events are 404', async () => {
      const { body } = await bot('/bot/events?consumer=bot-a&limit=1');
      const id = encodeURIComponent(body.items[0].id);
      const first = await bot(`/bot/events/${id}/ack`, { method: 'POST' });
      now = new Date(now.getTime() + 5_000);
      const second = await bot(`/bot/events/${id}/ack`, { method: 'POST' });
      expect(second.status).to.equal(200);
      expect(second.body).to.deep.equal({ ...first.body, alreadyAcknowledged: true });
      const stored = await OutboxEvent.findById(body.items[0].id).lean();
      expect(stored?.deliveredAt).to.be.instanceOf(Date);
      const missing = await bot('/bot/events/no-such-event/ack', { method: 'POST' });
      expect(missing.status).to.equal(404);
      expect(missing.body.error.message).to.equal('事件不存在');
    });

    it('bad queries are 400 in Chinese', async () => {
      for (const path of [
        '/bot/events',
        '/bot/events?consumer=a&limit=0',
        '/bot/events?consumer=a&limit=abc',
        '/bot/events?consumer=a%20b',
        '/bot/events?consumer=a&leaseSeconds=1',
        '/bot/events?consumer=a&extra=1',
      ]) {
        const res = await bot(path);
        expect(res.status, path).to.equal(400);
        expect(res.body.error.message, path).to.match(/^查询参数不合法/);
      }
    });
  });

  describe('binding group chats to regions', () => {
    const bot = (path: string, body?: unknown, method?: string) =>
      server.api(path, { body, method, headers: BOT });

    beforeEach(() => {
      now = at('2026-11-20T10:00:00');
    });

    const newCode = async (token: string, regionCode: string) =>
      server.api('/bot/binding-codes', { token, body: { regionCode } });

    it('a region admin gets a one-time 8-character code for a region in the jurisdiction', async () => {
      const res = await newCode(fujian, '350200');
      expect(res.status).to.equal(201);
      expect(res.body.code).to.match(/^[2-9A-HJ-NP-Z]{8}$/);
      expect(res.body).to.deep.include({
        regionCode: '350200',
        regionName: '厦门市',
        expiresAt: '2026-11-21T10:00:00+08:00',
      });
      expect(res.body.instruction).to.contain(res.body.code);
    });

    it('outsiders and non-admins get 403; bad input 400; an unknown region 404', async () => {
      const outside = await newCode(xiamen, '350100');
      expect(outside.status).to.equal(403);
      expect(outside.body.error.message).to.equal('该地区不在您的管辖范围内');
      const school = await newCode(schoolAdmin, '350203');
      expect(school.status).to.equal(403);
      expect(school.body.error.message).to.equal('只有地区管理员可以为群聊生成绑定码');
      for (const body of [{}, { regionCode: '35' }, { regionCode: '350200', extra: 1 }]) {
        const res = await server.api('/bot/binding-codes', { token: fujian, body });
        expect(res.status).to.equal(400);
        expect(res.body.error.message).to.match(/^请求内容不合法/);
      }
      expect((await newCode(fujian, '359999')).status).to.equal(404);
      expect((await server.api('/bot/binding-codes', { body: { regionCode: '350200' } })).status).to.equal(
        401,
      );
    });

    it('the bot binds a room with the code once; the same room may retry', async () => {
      const { body: issued } = await newCode(xiamen, '350203');
      const typed = `${issued.code.slice(0, 4).toLowerCase()}-${issued.code.slice(4)}`;
      const bound = await bot('/bot/rooms/bind', {
        code: typed,
        roomId: 'room-1@chatroom',
        roomTopic: '思明区信息化群',
      });
      expect(bound.status).to.equal(200);
      expect(bound.body).to.deep.include({
        roomId: 'room-1@chatroom',
        roomTopic: '思明区信息化群',
        regionCode: '350203',
        regionLevel: 'county',
      });
      expect(bound.body.regionPath).to.deep.equal(['000000', '350000', '350200']);
      const retry = await bot('/bot/rooms/bind', {
        code: issued.code,
        roomId: 'room-1@chatroom',
        roomTopic: '思明区信息化群',
      });
      expect(retry.status).to.equal(200);
      const other = await bot('/bot/rooms/bind', { code: issued.code, roomId: 'room-2@chatroom' });
      expect(other.status).to.equal(409);
      expect(other.body.error.code).to.equal('BINDING_CODE_USED');

      const rooms = await bot('/bot/rooms');
      expect(rooms.status).to.equal(200);
      expect(rooms.body).to.deep.include({ total: 1, page: 1, pageSize: 20 });
      expect(rooms.body.items[0]).to.deep.include({ roomId: 'room-1@chatroom', regionCode: '350203' });

      // A new code moves the room to another region.
      const { body: moved } = await newCode(fujian, '350000');
      const rebound = await bot('/bot/rooms/bind', {
        code: moved.code,
        roomId: 'room-1@chatroom',
        roomTopic: '全省群',
      });
      expect(rebound.body).to.deep.include({ regionCode: '350000', regionLevel: 'province' });
      expect(rebound.body.regionPath).to.deep.equal(['000000']);

      const gone = await bot('/bot/rooms/room-1@chatroom', undefined, 'DELETE');
      expect(gone.status).to.equal(200);
      expect((await bot('/bot/rooms')).body.total).to.equal(0);
      expect((await bot('/bot/rooms/room-1@chatroom', undefined, 'DELETE')).status).to.equal(404);
    });

    it('two rooms racing for one code: exactly one wins', async () => {
      const { body: issued } = await newCode(fujian, '350100');
      const results = await Promise.all(
        ['race-a', 'race-b', 'race-c'].map((roomId) => bot('/bot/rooms/bind', { code: issued.code, roomId })),
      );
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409, 409]);
    });

    it('expired and unknown codes are refused; binding needs the bot token; bad bodies are 400', async () => {
      const { body: issued } = await newCode(fujian, '350100');
      now = at('2026-11-21T10:00:01');
      const expired = await bot('/bot/rooms/bind', { code: issued.code, roomId: 'late-room' });
      expect(expired.status).to.equal(409);
      expect(expired.body.error.message).to.equal('该绑定码已过期，请让地区管理员重新生成');
      const unknown = await bot('/bot/rooms/bind', { code: 'ZZZZZZZZ', roomId: 'r' });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.message).to.equal('绑定码不存在，请核对后重新发送');
      const noToken = await server.api('/bot/rooms/bind', { body: { code: issued.code, roomId: 'r' } });
      expect(noToken.status).to.equal(401);
      for (const body of [
        { code: 'ABC', roomId: 'r' },
        { code: 'ABCDEFGH' },
        { code: 'ABCDEFGH', roomId: 'a b' },
      ]) {
        const res = await bot('/bot/rooms/bind', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.message).to.match(/^请求内容不合法/);
      }
    });
  });
});

describe('the server runs the calendar job itself', function () {
  this.timeout(60_000);
  let server: TestServer | undefined;
  after(async () => {
    await server?.close();
  });

  it('catches up at start and stops with the server', async () => {
    server = await startTestServer('events_job', {
      options: { scheduler: true, clock: () => at('2027-01-06T09:00:00') },
    });
    let found = null;
    for (let i = 0; i < 50 && !found; i++) {
      found = await OutboxEvent.findById('window.opened:2026Q4:city').lean();
      if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found?.payload).to.deep.include({ period: '2026Q4', level: 'city' });
    await server.close();
    server = undefined;
  });
});
