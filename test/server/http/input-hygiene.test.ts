// What arrives over HTTP is checked before anything changes: identity numbers (GB 11643), names (one
// shared format), oversized or malformed requests (still the zh-CN envelope), bodies where none belong.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { School } from '../../../server/src/schools/model';
import { Teacher } from '../../../server/src/teachers/model';
import { PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const fieldCase = JSON.parse(
  readFileSync(
    new URL('../../fixtures/field-cases/21-id-number-excel-mangled.json', import.meta.url),
    'utf8',
  ),
);

describe('input hygiene over HTTP', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};

  before(async () => {
    server = await startTestServer('input_hygiene');
    await School.create({
      _id: new Types.ObjectId(fieldCase.control.schoolId),
      name: '鼓楼测试中学',
      type: '初中',
      regionCode: '350102',
      regionPath: ['000000', '350000', '350100', '350102'],
    });
    const hash = await hashPassword(PASSWORD);
    for (const [loginName, mobile] of [
      ['teacherA', '19800001111'],
      ['teacherB', '19800002222'],
    ])
      await User.create({
        loginName,
        name: loginName,
        mobile,
        passwordHash: hash,
        mustChangePassword: false,
      });
    await regionUser('gulou', '350102', 'admin');
    for (const name of ['teacherA', 'teacherB', 'gulou']) t[name] = await server.login(name, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  describe('居民身份证 numbers (field case 21)', () => {
    for (const key of ['precisionLost', 'scientific', 'seventeenDigits']) {
      it(`${key}: 400 on idNumber, nothing stored`, async () => {
        const res = await server.api('/me/teacher-application', {
          token: t.teacherA,
          body: { ...fieldCase.control, ...fieldCase[key] },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.details.property).to.equal('idNumber');
        // 3.50102E+17 is not even made of the characters of an ID number: the schema says so first.
        if (key === 'scientific') expect(res.body.error.code).to.equal('VALIDATION_FAILED');
        else expect(res.body.error.message).to.match(/^居民身份证号码不正确/);
        expect(await Teacher.countDocuments({})).to.equal(0);
      });
    }

    it('control: accepted', async () => {
      const res = await server.api('/me/teacher-application', { token: t.teacherA, body: fieldCase.control });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    });
  });

  describe('names: one format for every name field', () => {
    const bad = ['王\u0007明', '王\ud800明', '王\u202e明', '\u200b\u200b\u200b'];

    it('a school name', async () => {
      for (const name of ['鼓楼\u0007小学', '鼓楼\ud800小学', '鼓楼\u202e小学', '\u200b\u200b\u200b']) {
        const res = await server.api('/schools', {
          token: t.gulou,
          body: { name, type: '小学', regionCode: '350102' },
        });
        expect(res.status, JSON.stringify(name)).to.equal(400);
        expect(res.body.error.details.property).to.equal('name');
        expect(res.body.error.message).to.match(/^请求内容不合法：学校名称(不能|包含)/);
      }
      expect(await School.countDocuments({ name: /鼓楼.*小学/ })).to.equal(0);
    });

    it('a person’s name: profile and teacher application', async () => {
      for (const name of bad) {
        const profile = await server.api('/me/profile', {
          method: 'PUT',
          token: t.teacherB,
          body: { name, gender: 'male', mobile: '19800002222', email: 'b@school.cn' },
        });
        expect(profile.status, JSON.stringify(name)).to.equal(400);
        expect(profile.body.error.details.property).to.equal('name');
        const apply = await server.api('/me/teacher-application', {
          token: t.teacherB,
          body: { ...fieldCase.control, name },
        });
        expect(apply.status, JSON.stringify(name)).to.equal(400);
        expect(apply.body.error.details.property).to.equal('name');
      }
    });
  });

  describe('requests the parser rejects keep the error envelope', () => {
    function raw(request: string): Promise<string> {
      const { port } = new URL(server.url);
      return new Promise((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString('utf8')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.write(request);
      });
    }

    it('431 for oversized headers, in Chinese, as JSON', async () => {
      const res = await fetch(`${server.url}/api/v1/health`, { headers: { 'X-Big': 'a'.repeat(20_000) } });
      expect(res.status).to.equal(431);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).to.equal('HEADERS_TOO_LARGE');
      expect(body.error.message).to.match(/^请求头过大/);
    });

    it('400 for a malformed request line', async () => {
      const text = await raw('GARBAGE\r\n\r\n');
      expect(text).to.match(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: unknown };
      expect(body.error).to.deep.include({
        code: 'BAD_REQUEST',
        message: '请求格式不正确，无法解析',
      });
    });
  });

  describe('a body sent to a route that takes none', () => {
    it('is refused (400 BODY_NOT_ALLOWED) and changes nothing', async () => {
      const token = await server.login('gulou', PASSWORD);
      const res = await server.api('/auth/logout', { token, body: { everything: true } });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.deep.include({
        code: 'BODY_NOT_ALLOWED',
        message: '该接口不接受请求体，请不要在请求中附带内容',
      });
      expect((await server.api('/me', { token })).status).to.equal(200); // still logged in
      const form = await server.api('/auth/logout', {
        token,
        body: 'a=1',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).to.equal(400);
    });

    it('an empty body or {} counts as none', async () => {
      const token = await server.login('gulou', PASSWORD);
      expect((await server.api('/auth/logout', { token, body: {} })).status).to.equal(204);
    });
  });
});
