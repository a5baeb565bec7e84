// The bot acting for a group (`Authorization: Bot` + `X-Bot-Room`): a read-only caller of the group's
// region on the ordinary endpoints; 403 outside the subtree, for any write and for routes not meant for it.
import { expect } from 'chai';
import { BotRoom } from '../../../server/src/bot-api/model';
import { regionUser, school, PASSWORD } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const TOKEN = 'bot-caller-secret';

describe('the bot as a caller for a bound group', function () {
  this.timeout(60_000);
  let server: TestServer;
  let schoolId: string;
  let xiamenSchool: string;
  const asRoom = (roomId: string, token = TOKEN) => ({ Authorization: `Bot ${token}`, 'X-Bot-Room': roomId });

  before(async () => {
    server = await startTestServer('bot-caller', { env: { BOT_TOKEN: TOKEN } });
    await regionUser('fz', '350100', 'admin');
    schoolId = String((await school('鼓楼小学', '350102'))._id);
    xiamenSchool = String((await school('思明小学', '350203'))._id);
    const fz = await server.login('fz', PASSWORD);
    const code = await server.api('/bot/binding-codes', { token: fz, body: { regionCode: '350100' } });
    const bound = await server.api('/bot/rooms/bind', {
      headers: { Authorization: `Bot ${TOKEN}` },
      body: { code: code.body.code, roomId: 'fz@chatroom', roomTopic: '福州市群' },
    });
    expect(bound.status).to.equal(200);
  });
  after(async () => {
    await server?.close();
  });

  it('reads inside the bound region: progress, schools, children, periods, notices, trainings', async () => {
    for (const path of [
      '/regions/350100/progress',
      '/regions/350102/progress',
      '/regions/350100/children',
      '/schools?region=350102',
      '/periods/current',
      '/notices',
      '/trainings',
    ]) {
      const res = await server.api(path, { headers: asRoom('fz@chatroom') });
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).to.equal(200);
    }
    const schools = await server.api('/schools', { headers: asRoom('fz@chatroom') });
    expect(schools.body.items.map((s: { id: string }) => s.id))
      .to.include(schoolId)
      .and.not.include(xiamenSchool);
  });

  it('outside the bound region: 403', async () => {
    for (const path of ['/regions/350200/progress', '/regions/350000/progress', '/schools?region=350203']) {
      const res = await server.api(path, { headers: asRoom('fz@chatroom') });
      expect(res.status, path).to.equal(403);
      expect(res.body.error.message).to.match(/[\u4e00-\u9fa5]/);
    }
  });

  it('any write, and routes not meant for the bot: 403', async () => {
    const writes = [
      {
        path: '/notices',
        method: 'POST',
        body: { title: 'x', content: 'y', scope: { levels: ['city'], schoolTypes: [] } },
      },
      { path: `/schools/${schoolId}/reports/2026Q3/submit`, method: 'POST' },
      { path: '/regions/350100/progress/recount', method: 'POST' },
      { path: `/schools/${schoolId}`, method: 'DELETE' },
    ];
    for (const w of writes) {
      const res = await server.api(w.path, {
        method: w.method,
        body: w.body,
        headers: asRoom('fz@chatroom'),
      });
      expect(res.status, w.path).to.equal(403);
      expect(res.body.error.code).to.equal('BOT_READ_ONLY');
    }
    for (const path of ['/me', '/audit', `/schools/${schoolId}/teachers`, '/regions/350100/schools/export']) {
      const res = await server.api(path, { headers: asRoom('fz@chatroom') });
      // Every `auth: 'user'` route knows the bot's room caller and refuses it where it does not belong.
      expect(res.status, path).to.equal(403);
      expect(res.body.error.code, path).to.equal('BOT_ROUTE_FORBIDDEN');
    }
  });

  it('an unbound or missing room is 403; a wrong token 401', async () => {
    expect(
      (await server.api('/regions/350100/progress', { headers: asRoom('nobody@chatroom') })).status,
    ).to.equal(403);
    const noRoom = await server.api('/regions/350100/progress', {
      headers: { Authorization: `Bot ${TOKEN}` },
    });
    expect(noRoom.status).to.equal(403);
    expect(
      (await server.api('/regions/350100/progress', { headers: asRoom('fz@chatroom', 'wrong') })).status,
    ).to.equal(401);
  });

  it('a group that is unbound loses access at once', async () => {
    await BotRoom.create({
      _id: 'gone@chatroom',
      regionCode: '350100',
      regionPath: ['000000', '350000'],
      regionName: '福州市',
      regionLevel: 'city',
      boundAt: new Date(),
      boundBy: { userId: (await BotRoom.findById('fz@chatroom').lean())!.boundBy.userId, name: 'x' },
    });
    expect(
      (await server.api('/regions/350100/progress', { headers: asRoom('gone@chatroom') })).status,
    ).to.equal(200);
    await server.api('/bot/rooms/gone%40chatroom', {
      method: 'DELETE',
      headers: { Authorization: `Bot ${TOKEN}` },
    });
    expect(
      (await server.api('/regions/350100/progress', { headers: asRoom('gone@chatroom') })).status,
    ).to.equal(403);
  });
});
