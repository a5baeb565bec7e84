// Pushes for a deadline scenario driven by the server's injected clock: window opened, reminders naming
// what is missing, the deadline passed (one digest per group), a return, a withdrawal requested and
// decided, a notice in scope, the weekly digest. Each group hears its own region, each pair exactly once;
// an unbound group hears nothing.
import { expect } from 'chai';
import { DEFAULT_CALENDAR } from '@eduprogress/shared';
import { BotDelivery } from '../../server/src/bot-api/deliveries';
import { emitEvent } from '../../server/src/outbox/service';
import { emitCalendarEvents } from '../../server/src/calendar/events';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../helpers/fixtures';
import { goodSchoolReport } from '../helpers/reports';
import { startTestServer, type TestServer } from '../helpers/server';
import { BOT_TOKEN, bindingCode, startMockWorld, type MockWorld } from '../helpers/bot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bot pushes: a deadline scenario on the injected clock', function () {
  this.timeout(120_000);
  const clock = manualClock('2026-09-30T12:00:00+08:00');
  let server: TestServer;
  let world: MockWorld;
  const tokens: Record<string, string> = {};
  let province: { id: string };
  let city: { id: string };
  let county: { id: string };
  let unbound: { id: string };
  let first: string;

  /** Waits until each room has its expected number of posts, then a little more to catch extras. */
  async function expectPosts(expected: [{ id: string }, number][]): Promise<void> {
    expect(expected).to.not.be.empty;
    for (const [room, n] of expected) await world.waitForPosts(room.id, n, 20_000);
    await sleep(600);
    for (const [room, n] of expected)
      expect(world.posted(room.id), world.posted(room.id).join('\n----\n')).to.have.length(n);
  }
  const last = (room: { id: string }) => world.posted(room.id).at(-1) ?? '';
  /** Moves the clock; sessions are re-opened (access tokens live two hours). */
  async function at(iso: string): Promise<void> {
    clock.set(iso);
    for (const login of Object.keys(tokens)) tokens[login] = await server.login(login, PASSWORD);
  }

  before(async () => {
    server = await startTestServer('bot-pushes', { env: { BOT_TOKEN }, options: { clock } });
    for (const [login, code] of [
      ['fj', '350000'],
      ['fz', '350100'],
      ['gl', '350102'],
    ]) {
      await regionUser(login, code, 'admin');
    }
    const a = await school('鼓楼实验小学', '350102');
    const b = await school('鼓楼第二小学', '350102');
    await school('思明小学', '350203');
    await schoolAdmin('s1', a);
    await schoolAdmin('s2', b);
    for (const login of ['fj', 'fz', 'gl', 's1', 's2']) tokens[login] = '';
    await at('2026-09-30T12:00:00+08:00');
    first = String(a._id);
    world = await startMockWorld(server, {
      now: clock,
      rateLimits: { perMinute: 6000, perGroupPerMinute: 600 },
    });
    province = world.room('福建省群');
    city = world.room('福州市群');
    county = world.room('鼓楼区群');
    unbound = world.room('没绑定的群');
    await world.ask(province as never, `绑定 ${await bindingCode(server, tokens.fj, '350000')}`);
    await world.ask(city as never, `绑定 ${await bindingCode(server, tokens.fz, '350100')}`);
    await world.ask(county as never, `绑定 ${await bindingCode(server, tokens.gl, '350102')}`);
  });
  after(async () => {
    await world?.stop();
    await server?.close();
  });

  it('window opened: every group at or above the level hears it once', async () => {
    clock.set('2026-10-01T00:05:00+08:00');
    await emitCalendarEvents(clock, DEFAULT_CALENDAR);
    await expectPosts([
      [province, 2],
      [city, 2],
      [county, 2],
      [unbound, 0],
    ]);
    expect(last(province)).to.contain(
      '【上报开始】2026年第3季度 县级上报已开始：10月1日 00:00 至 10月5日 24:00 截止',
    );
  });

  it('reminders two days before and on the day name what is still missing, for each group’s region', async () => {
    await at('2026-10-02T10:00:00+08:00');
    expect(
      (
        await server.api(`/schools/${first}/reports/2026Q3`, {
          method: 'PUT',
          token: tokens.s1,
          body: { data: goodSchoolReport },
        })
      ).status,
    ).to.equal(200);
    expect(
      (await server.api(`/schools/${first}/reports/2026Q3/submit`, { method: 'POST', token: tokens.s1 }))
        .status,
    ).to.equal(200);
    clock.set('2026-10-04T00:05:00+08:00');
    await emitCalendarEvents(clock, DEFAULT_CALENDAR);
    await expectPosts([
      [province, 3],
      [city, 3],
      [county, 3],
    ]);
    expect(last(province)).not.to.contain('莆田市');
    expect(last(province))
      .to.contain('【截止提醒】')
      .and.contain('还有 2 天')
      .and.contain('福州市：1 所学校未报')
      .and.contain('厦门市：1 所学校未报');
    expect(last(county)).to.contain('鼓楼第二小学').and.not.contain('鼓楼实验小学');
    // a county group is not told about another city
    expect(last(county)).not.to.contain('厦门');
    clock.set('2026-10-05T00:05:00+08:00');
    await emitCalendarEvents(clock, DEFAULT_CALENDAR);
    await expectPosts([
      [province, 4],
      [city, 4],
      [county, 4],
    ]);
    expect(last(city)).to.contain('今天截止').and.contain('鼓楼区：1 所学校未报');
  });

  it('after the deadline: what was auto-submitted, one digest per group', async () => {
    clock.set('2026-10-06T00:05:00+08:00');
    // What the auto-submission run writes (reports/autosubmit.ts, tested there): one event per parent region.
    for (const [parent, county] of [
      ['350100', '鼓楼区'],
      ['350200', '思明区'],
    ]) {
      await emitEvent(clock, {
        key: `deadline.passed:2026Q3:county:${parent}`,
        type: 'deadline.passed',
        regionCode: parent,
        regionPath: ['000000', '350000'],
        payload: {
          period: '2026Q3',
          level: 'county',
          deadline: '2026-10-06T00:00:00+08:00',
          autoSubmittedRegions: [county],
          autoSubmittedSchools: 1,
        },
      });
    }
    await expectPosts([
      [province, 5],
      [city, 5],
      [county, 5],
      [unbound, 0],
    ]);
    // the province group: one message for both cities, by child region
    expect(last(province)).to.contain('【已截止】').and.contain('地区报表 鼓楼区、思明区；学校 2 所');
    expect(last(city)).to.contain('地区报表 鼓楼区；学校 1 所').and.not.contain('思明');
    expect(last(county)).to.contain('【已截止】').and.contain('鼓楼区').and.not.contain('思明');
  });

  it('a withdrawal requested and decided, and a return, reach the groups that act on them', async () => {
    await at('2026-10-07T09:00:00+08:00');
    const requested = await server.api(`/schools/${first}/reports/2026Q3/withdrawal`, {
      token: tokens.s1,
      body: { reason: '学生数统计错误' },
    });
    expect(requested.status, JSON.stringify(requested.body)).to.equal(200);
    await expectPosts([[county, 6]]);
    expect(last(county)).to.contain('【撤报申请】鼓楼实验小学').and.contain('学生数统计错误');
    const decided = await server.api(`/schools/${first}/reports/2026Q3/withdrawal/decision`, {
      token: tokens.gl,
      body: { approve: false, reason: '请走退回流程' },
    });
    expect(decided.status, JSON.stringify(decided.body)).to.equal(200);
    await expectPosts([[county, 7]]);
    expect(last(county)).to.contain('【撤报审批】鼓楼实验小学').and.contain('未获批准');
    const returned = await server.api(`/schools/${first}/reports/2026Q3/return`, {
      token: tokens.gl,
      body: { reason: '班级数填写有误', deadline: '2026-10-09T18:00:00+08:00' },
    });
    expect(returned.status, JSON.stringify(returned.body)).to.equal(200);
    await expectPosts([
      [county, 8],
      [city, 5],
      [province, 5],
    ]);
    expect(last(county))
      .to.contain('【退回】鼓楼实验小学')
      .and.contain('班级数填写有误')
      .and.contain('10月9日 18:00');
  });

  it('a province notice for 县级管理员 + 小学 reaches the province’s group, the city’s and the county’s', async () => {
    // A notice to 市级管理员 only is not posted in the county's group (below every addressed level).
    const forCities = await server.api('/notices', {
      token: tokens.fj,
      body: {
        title: '关于报送市级工作总结的通知',
        content: '<p>请报送。</p>',
        scope: { levels: ['city'], schoolTypes: [] },
      },
    });
    expect(forCities.status, JSON.stringify(forCities.body)).to.equal(201);
    const notice = await server.api('/notices', {
      token: tokens.fj,
      body: {
        title: '关于核查学校数据的通知',
        content: '<p>请核查。</p>',
        scope: { levels: ['county'], schoolTypes: ['小学'] },
      },
    });
    expect(notice.status, JSON.stringify(notice.body)).to.equal(201);
    await expectPosts([
      [city, 7],
      [county, 9],
      [province, 7],
    ]);
    for (const room of [province, city, county])
      expect(last(room)).to.contain('【公告】福建省 发布《关于核查学校数据的通知》');
    expect(world.posted(county.id).join('\n')).not.to.contain('关于报送市级工作总结的通知');
  });

  it('the weekly progress digest goes out on Monday 09:00, once, to every bound group; a muted topic is skipped', async () => {
    expect((await world.ask(city as never, '退订 周报'))[0]).to.contain('已退订');
    clock.set('2026-10-12T08:59:00+08:00');
    await emitCalendarEvents(clock, DEFAULT_CALENDAR);
    clock.set('2026-10-12T09:00:00+08:00');
    await emitCalendarEvents(clock, DEFAULT_CALENDAR);
    clock.set('2026-10-12T15:00:00+08:00');
    await emitCalendarEvents(clock, DEFAULT_CALENDAR);
    // the province also hears its own window open (Oct 11)
    await expectPosts([
      [province, 9],
      [city, 8],
      [county, 10],
      [unbound, 0],
    ]);
    expect(world.posted(province.id).filter((t) => t.startsWith('【每周进度】'))).to.have.length(1);
    expect(world.posted(province.id).join('\n')).to.contain('【每周进度】福建省 2026年第3季度 上报进度');
    expect(last(province)).to.contain('【上报开始】2026年第3季度 省级上报已开始');
    expect(last(county)).to.contain('【每周进度】鼓楼区');
    expect(last(city)).to.contain('已退订');
  });

  it('every pair was acknowledged, and admins see each group’s last delivery', async () => {
    await at('2026-10-12T15:00:00+08:00');
    const open = await BotDelivery.countDocuments({ deliveredAt: { $exists: false } });
    expect(open).to.equal(0);
    const rooms = await server.api('/bot/rooms', { token: tokens.fz });
    expect(rooms.status).to.equal(200);
    const ids = rooms.body.items.map((r: { roomId: string }) => r.roomId);
    expect(ids).to.include(city.id).and.include(county.id).and.not.include(province.id);
    expect(rooms.body.items[0].lastDeliveryAt).to.be.a('string');
    const school = await server.api('/bot/rooms', { token: tokens.s1 });
    expect(school.status).to.equal(403);
  });
});
