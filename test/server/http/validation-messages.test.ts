import { expect } from 'chai';
import { FORMAT_EXPECTATIONS, PATTERN_EXPECTATIONS, REGION_FORMS, SCHOOL_FORMS } from '@eduprogress/shared';
import { User } from '../../../server/src/accounts/model';
import { manualClock, PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// Every JSON-Schema error a user sees says in zh-CN what is expected (never a quoted regex, format or type
// name), the field named by its zh-CN title: one rule in the shared describeErrors, so every route has it.
describe('validation messages say what is expected, in zh-CN, on every route', function () {
  this.timeout(60_000);
  const clock = manualClock('2027-01-03T10:00:00+08:00');
  let server: TestServer;
  let token: string;
  let auditor: string;
  // What a message must never show a user: a regex, ajv-i18n's symbols, an English format or type name.
  const machine = /[\^$\\]|\{\d|应当|匹配|<=|>=|string|email"|"uri|date-time/;

  before(async () => {
    server = await startTestServer('validation_messages', { options: { clock } });
    await regionUser('gl', '350102', 'admin');
    await regionUser('glAuditor', '350102', 'auditor');
    // The admin is at the region-form step (routes open to it: /me/profile, the region form);
    // the auditor has no step left.
    await User.updateMany({}, { $set: { mustChangePassword: false, profileCompleted: true } });
    token = await server.login('gl', PASSWORD);
    auditor = await server.login('glAuditor', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  const cases: [string, string, Record<string, unknown>, string, RegExp][] = [
    [
      'POST',
      '/auth/sms-code',
      { mobile: '2380000', purpose: 'profile' },
      'mobile',
      /手机号.*应为以 1 开头的 11 位手机号/,
    ],
    [
      'POST',
      '/auth/register',
      { mobile: '13800000000', code: '12a', password: 'Pass12345', name: '张三' },
      'code',
      /短信验证码.*应为 6 位数字/,
    ],
    ['POST', '/auth/login', { account: 12, password: 'x' }, 'account', /账号.*应为文字/],
    [
      'PUT',
      '/me/profile',
      { name: '张三', gender: 'male', mobile: '13800000000', email: 'zhang.example.com' },
      'email',
      /电子邮箱.*应为电子邮箱地址，如 name@example\.com/,
    ],
    [
      'PUT',
      '/me/profile',
      { name: '张三', gender: 'male', mobile: '13800000000', email: 'z@example.com', postcode: '35' },
      'postcode',
      /邮政编码.*应为 6 位数字/,
    ],
    [
      'PUT',
      '/me/profile',
      { name: '张三', gender: 'other', mobile: '13800000000', email: 'z@example.com' },
      'gender',
      /性别.*应为以下之一：男（male）、女（female）/,
    ],
  ];

  for (const [method, path, body, property, expected] of cases)
    it(`${method} ${path} with a bad ${property}`, async () => {
      const res = await server.api(path, { method, body, token: path.startsWith('/me') ? token : undefined });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.property).to.equal(property);
      expect(res.body.error.message).to.match(expected).and.not.match(machine);
      expect(res.body.error.details.errors.length).to.be.greaterThan(0);
      for (const e of res.body.error.details.errors) expect(e.message).to.not.match(machine);
    });

  it('a query string: a month filter says which month form it wants', async () => {
    const res = await server.api('/schools?updatedMonth=2026-13', { token: auditor });
    expect(res.status).to.equal(400);
    expect(res.body.error.message)
      .to.match(/最后更新月份.*应为月份，如 2026-11/)
      .and.not.match(machine);
  });

  it('the region form (report data): a website must be a full address, a missing answer is named', async () => {
    const res = await server.api('/regions/350102/reports/2026Q4', {
      method: 'PUT',
      token,
      body: { data: { platformUsed: true, platformSource: '自建', platformUrl: 'zy', metroNetwork: false } },
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.message)
      .to.match(/平台网址.*应为完整网址/)
      .and.not.match(machine);
    // A draft may stay empty; 上报 names what is missing.
    const draft = await server.api('/regions/350102/reports/2026Q4', {
      method: 'PUT',
      token,
      body: { data: {} },
    });
    expect(draft.status).to.equal(200);
    const empty = await server.api('/regions/350102/reports/2026Q4/submit', {
      method: 'POST',
      token: auditor,
    });
    expect(empty.status).to.equal(400);
    // The first question on the form, not 平台来源, which is asked only after 是.
    expect(empty.body.error.message).to.include('是否组织统一使用了教育资源公共服务平台');
    expect(empty.body.error.message).not.to.include('平台来源');
    expect(empty.body.error.details.errors.length).to.be.greaterThan(0);
    for (const e of empty.body.error.details.errors) expect(e.message).to.not.match(machine);
  });

  it('every pattern and format in the published schemas and the forms has its zh-CN sentence', async () => {
    const doc = (await server.api('/openapi.json')).body;
    const patterns = new Set<string>();
    const formats = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (typeof n.pattern === 'string') patterns.add(n.pattern);
      if (typeof n.format === 'string') formats.add(n.format);
      Object.values(n).forEach(walk);
    };
    walk(doc.paths);
    walk(Object.values(SCHOOL_FORMS));
    walk(Object.values(REGION_FORMS));
    expect(patterns.size).to.be.greaterThan(10);
    expect([...patterns].filter((p) => !(p in PATTERN_EXPECTATIONS))).to.deep.equal([]);
    // OpenAPI's own formats (int32…) are not checked by ajv; the JSON-Schema string formats are.
    const checked = [...formats].filter((f) => !/^(int|float|double|binary|byte)/.test(f));
    expect(checked.filter((f) => !(f in FORMAT_EXPECTATIONS))).to.deep.equal([]);
  });
});
