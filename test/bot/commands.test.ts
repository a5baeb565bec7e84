// Every command in a mock group against the real server: binding (valid, expired, reused, unknown,
// malformed), the unbound group's single hint, each query incl. a named descendant, an ambiguous name and
// one outside the subtree, subscriptions, unbinding with an admin's code.
import { expect } from 'chai';
import { NATIONAL_CODE } from '@eduprogress/shared';
import { regionUser, school, schoolAdmin, PASSWORD, manualClock } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';
import { goodSchoolReport } from '../helpers/reports';
import { BOT_TOKEN, bindingCode, startMockWorld, type MockWorld } from '../helpers/bot';

describe('bot commands in a group (mock puppet, real server)', function () {
  this.timeout(60_000);
  // 2026Q3 is being reported; the county window (Oct 1–5) is open.
  const clock = manualClock('2026-10-03T10:00:00+08:00');
  let server: TestServer;
  let world: MockWorld;
  let fj: string;
  let nat: string;
  let fz: string;

  before(async () => {
    server = await startTestServer('bot-commands', { env: { BOT_TOKEN }, options: { clock } });
    await regionUser('fj', '350000', 'admin');
    await regionUser('nat', NATIONAL_CODE, 'admin');
    await regionUser('fz', '350100', 'admin');
    const gulou = await school('鼓楼实验小学', '350102');
    await school('鼓楼第二小学', '350102');
    await school('仓山小学', '350104');
    await school('思明小学', '350203');
    await schoolAdmin('s-gulou', gulou);
    [fj, nat, fz] = await Promise.all(['fj', 'nat', 'fz'].map((n) => server.login(n, PASSWORD)));
    const sch = await server.login('s-gulou', PASSWORD);
    const put = await server.api(`/schools/${gulou._id}/reports/2026Q3`, {
      method: 'PUT',
      token: sch,
      body: { data: goodSchoolReport },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const submit = await server.api(`/schools/${gulou._id}/reports/2026Q3/submit`, {
      method: 'POST',
      token: sch,
    });
    expect(submit.status, JSON.stringify(submit.body)).to.equal(200);
    world = await startMockWorld(server, { pushes: false });
  });
  after(async () => {
    await world?.stop();
    await server?.close();
  });

  describe('an unbound group', () => {
    it('hears one short "how to bind" an hour, and nothing for ordinary chat', async () => {
      const room = world.room('未绑定的群');
      expect(await world.ask(room, '大家好', { count: 0 })).to.deep.equal([]);
      const first = await world.ask(room, '进度');
      expect(first).to.have.length(1);
      expect(first[0]).to.contain('尚未绑定').and.contain('绑定码');
      expect(await world.ask(room, '@进展通助手 未报', { count: 0 })).to.deep.equal([]);
      expect(await world.ask(room, '帮助', { count: 0 })).to.deep.equal([]);
    });
  });

  describe('binding', () => {
    it('binds with a valid code, whichever way the client spells it (bot-cases F1)', async () => {
      const spellings = [
        (c: string) => `@进展通助手\u2005绑定 ${c}`,
        (c: string) => `@进展通助手 绑定 ${c}`,
        (c: string) => `绑定 ${c} @进展通助手`,
        (c: string) =>
          `@进展通助手\u2005绑定 ${[...c].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('')}`,
        (c: string) => `@进展通助手\u2005绑定 ${c.slice(0, 4).toLowerCase()}-${c.slice(4).toLowerCase()}`,
      ];
      for (const [i, spell] of spellings.entries()) {
        const room = world.room(`福建省管理群 ${i}`);
        const code = await bindingCode(server, fj, '350000');
        const reply = await world.ask(room, spell(code));
        expect(reply[0], spell(code)).to.contain('已绑定到 福建省');
        const bound = await server.api(`/bot/rooms/${encodeURIComponent(room.id)}`, {
          headers: { Authorization: `Bot ${BOT_TOKEN}` },
        });
        expect(bound.body.regionCode).to.equal('350000');
      }
    });

    it('an expired, reused, unknown or malformed code gets a plain answer and binds nothing', async () => {
      const a = world.room('A 群');
      const b = world.room('B 群');
      const code = await bindingCode(server, fj, '350000');
      expect((await world.ask(a, `绑定 ${code}`))[0]).to.contain('已绑定到 福建省');
      expect((await world.ask(b, `绑定 ${code}`))[0]).to.contain('已经用过了');
      expect((await world.ask(b, '@进展通助手 绑定 ZZZZZZZZ'))[0]).to.contain('不存在');
      // U+2005 inside the code, and too short: never the server's regex text
      for (const text of ['@进展通助手 绑定 AB\u200523', '绑定 12', '@进展通助手 绑定 ＡＢ２３ＣＤ４５!!']) {
        const reply = (await world.ask(b, text))[0];
        expect(reply, text)
          .to.contain('绑定码')
          .and.not.match(/匹配模式|pattern|\^/);
      }
      const old = await bindingCode(server, fj, '350000');
      clock.set('2026-10-04T10:30:00+08:00');
      try {
        expect((await world.ask(b, `绑定 ${old}`))[0]).to.contain('已过期');
      } finally {
        clock.set('2026-10-03T10:00:00+08:00');
      }
      const rooms = await server.api('/bot/rooms', { headers: { Authorization: `Bot ${BOT_TOKEN}` } });
      expect(rooms.body.items.map((r: { roomId: string }) => r.roomId)).not.to.include(b.id);
    });
  });

  describe('queries in a province group', () => {
    let room: Awaited<ReturnType<MockWorld['room']>>;
    before(async () => {
      room = world.room('福建省进度群');
      await world.ask(room, `绑定 ${await bindingCode(server, fj, '350000')}`);
    });

    it('帮助 lists the commands and the bound region', async () => {
      const [reply] = await world.ask(room, '@进展通助手\u2005帮助');
      expect(reply)
        .to.contain('进度')
        .and.contain('未报')
        .and.contain('学时')
        .and.contain('本群已绑定：福建省');
    });

    it('进度: the province, its cities by rate', async () => {
      const [reply] = await world.ask(room, '进度');
      expect(reply).to.contain('福建省 2026年第3季度 上报进度');
      expect(reply).to.contain('应报 4，已报 1');
      expect(reply).to.contain('福州市：33.3%（1/3）');
      expect(reply).to.contain('厦门市：0.0%（0/1）');
    });

    it('进度 with a descendant name: 福州 → 福州市, 鼓楼 → 鼓楼区', async () => {
      const [city] = await world.ask(room, '@进展通助手 进度 福州');
      expect(city).to.contain('福州市 2026年第3季度 上报进度').and.contain('鼓楼区：50.0%（1/2）');
      const [county] = await world.ask(room, '进度 鼓楼');
      expect(county).to.contain('鼓楼区 2026年第3季度 上报进度').and.contain('应报 2，已报 1');
    });

    it('a name outside the subtree is refused plainly; an unknown one is not found', async () => {
      const [outside] = await world.ask(room, '进度 南京');
      expect(outside).to.contain('不在本群绑定的 福建省 范围内');
      const [unknown] = await world.ask(room, '进度 不存在的地方');
      expect(unknown).to.contain('没有找到');
    });

    it('an ambiguous name is answered with the choices (a national group asking for 鼓楼)', async () => {
      const national = world.room('全国群');
      await world.ask(national, `绑定 ${await bindingCode(server, nat, NATIONAL_CODE)}`);
      const [reply] = await world.ask(national, '进度 鼓楼');
      expect(reply)
        .to.contain('同名地区')
        .and.contain('福建省 福州市 鼓楼区')
        .and.contain('江苏省 南京市 鼓楼区');
    });

    it('未报: grouped by child region; in a county the school names', async () => {
      const [province] = await world.ask(room, '未报');
      expect(province).to.contain('福建省 2026年第3季度 未上报情况');
      expect(province).to.contain('福州市：2 所学校未报').and.contain('厦门市：1 所学校未报');
      const [county] = await world.ask(room, '未报 鼓楼区');
      expect(county)
        .to.contain('未报学校（共 1 所）')
        .and.contain('鼓楼第二小学')
        .and.not.contain('鼓楼实验小学');
    });

    it('截止: each level’s window', async () => {
      const [reply] = await world.ask(room, '截止');
      expect(reply)
        .to.contain('2026年第3季度 各级上报时间')
        .and.contain('县级：10月1日 00:00')
        .and.contain('（进行中）');
      expect(reply).to.contain('省级');
    });

    it('截止 after every window of the period has closed: the next period’s windows', async () => {
      clock.set('2026-11-30T10:00:00+08:00');
      try {
        const [reply] = await world.ask(room, '截止');
        expect(reply)
          .to.contain('2026年第3季度 各级上报均已截止')
          .and.contain('下一期 2026年第4季度 各级上报时间')
          .and.contain('县级：2027年1月1日 00:00 至 2027年1月5日 24:00 截止（未开始）')
          .and.contain('省级')
          .and.not.contain('（已截止）');
      } finally {
        clock.set('2026-10-03T10:00:00+08:00');
      }
    });

    it('学时: the running training by child region', async () => {
      const created = await server.api('/trainings', {
        token: fj,
        body: {
          name: '2026 年秋季教师研修',
          startAt: '2026-09-01',
          endAt: '2026-12-31',
          hourCap: 50,
          regionCode: '350000',
        },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const [reply] = await world.ask(room, '学时');
      expect(reply).to.contain('2026 年秋季教师研修（进行中）· 福建省 学时统计').and.contain('参训 0 人');
      const [named] = await world.ask(room, '学时 秋季');
      expect(named).to.contain('2026 年秋季教师研修');
      const [none] = await world.ask(room, '学时 不存在的培训');
      expect(none).to.contain('没有找到名称包含「不存在的培训」的培训');
    });

    it('公告: the latest notices addressed to the region', async () => {
      const [empty] = await world.ask(room, '公告');
      expect(empty).to.contain('暂无');
      const notice = await server.api('/notices', {
        token: nat,
        body: {
          title: '关于做好第三季度填报的通知',
          content: '<p>请按时填报。</p>',
          scope: { levels: ['province'], schoolTypes: [] },
        },
      });
      expect(notice.status, JSON.stringify(notice.body)).to.equal(201);
      const [reply] = await world.ask(room, '公告');
      expect(reply).to.contain('《关于做好第三季度填报的通知》');
    });

    it('订阅/退订 a push topic; an unknown topic gets the list', async () => {
      expect((await world.ask(room, '退订 周报'))[0]).to.contain('已退订「周报」');
      expect((await world.ask(room, '帮助'))[0]).to.contain('已退订：周报');
      expect((await world.ask(room, '订阅 周报'))[0]).to.contain('已订阅「周报」');
      expect((await world.ask(room, '退订 天气'))[0]).to.contain('提醒、退回');
    });

    it('unknown text addressed to the bot gets a one-line hint; unaddressed chat nothing', async () => {
      expect(await world.ask(room, '@进展通助手 你好呀')).to.deep.equal([
        '没听懂这句话。发送「帮助」查看可用的命令。',
      ]);
      expect(await world.ask(room, '今天开会吗', { count: 0 })).to.deep.equal([]);
    });
  });

  describe('a city group', () => {
    it('answers inside the city only; the province is outside', async () => {
      const room = world.room('福州市群');
      await world.ask(room, `绑定 ${await bindingCode(server, fz, '350100')}`);
      expect((await world.ask(room, '进度'))[0]).to.contain('福州市 2026年第3季度 上报进度');
      expect((await world.ask(room, '进度 厦门'))[0]).to.contain('不在本群绑定的 福州市 范围内');
      expect((await world.ask(room, '进度 福建'))[0]).to.contain('不在本群绑定的 福州市 范围内');
    });
  });

  describe('解绑', () => {
    it('needs a code from an admin of the region or above; then the group is unbound', async () => {
      const room = world.room('要解绑的群');
      await world.ask(room, `绑定 ${await bindingCode(server, fz, '350100')}`);
      expect((await world.ask(room, '解绑'))[0]).to.contain('管理员');
      // a code of another city's admin cannot unbind this group
      await regionUser('xm', '350200', 'admin');
      const xm = await server.login('xm', PASSWORD);
      expect((await world.ask(room, `解绑 ${await bindingCode(server, xm, '350200')}`))[0]).to.contain(
        '不能用来解绑',
      );
      expect((await world.ask(room, `解绑 ${await bindingCode(server, fj, '350000')}`))[0]).to.contain(
        '已与 福州市 解除绑定',
      );
      expect((await world.ask(room, '进度'))[0]).to.contain('尚未绑定');
    });
  });
});
