// The API contract of shared/src/api: one date format (`+08:00`, never UTC `Z`) written by one
// serializer, the error-code union the server's errors are typed with.
import { expect } from 'chai';
import { API_DATE_TIME, ERROR_CODES, apiJsonReplacer, toApiDateTime } from '@eduprogress/shared';
import { ValidationError } from '../../../server/src/http/errors';
import { finishFirstLogin, school } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

/** Every string in `value` that looks like an ISO date-time, with where it was found. */
function dateTimes(value: unknown, at = '$'): { at: string; text: string }[] {
  if (typeof value === 'string')
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? [{ at, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => dateTimes(v, `${at}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => dateTimes(v, `${at}.${k}`));
  return [];
}

describe('API contract: one date format, typed error codes', function () {
  this.timeout(60_000);
  let server: TestServer;
  const instant = new Date('2026-10-05T15:59:59.250Z');

  before(async () => {
    server = await startTestServer('api_contract', {
      options: {
        extraRoutes: [
          {
            method: 'get',
            path: '/test/dates',
            auth: 'public',
            summary: 'probe',
            handler: (ctx) => {
              ctx.status = 201;
              ctx.body = { at: instant, nested: [{ at: instant }], missing: new Date(NaN), text: 'x' };
            },
          },
        ],
      },
    });
  });
  after(async () => {
    await server?.close();
  });

  it('toApiDateTime and the JSON replacer print Shanghai time with +08:00, whole seconds', () => {
    expect(toApiDateTime(instant)).to.equal('2026-10-05T23:59:59+08:00');
    expect(
      JSON.parse(JSON.stringify({ a: instant, b: [instant], c: 'keep' }, apiJsonReplacer)),
    ).to.deep.equal({
      a: '2026-10-05T23:59:59+08:00',
      b: ['2026-10-05T23:59:59+08:00'],
      c: 'keep',
    });
    expect(toApiDateTime(instant)).to.match(API_DATE_TIME);
  });

  it('a Date left in a response body goes out as +08:00, keeping the status and the JSON type', async () => {
    const res = await server.api('/test/dates');
    expect(res.status).to.equal(201);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    expect(res.body).to.deep.equal({
      at: '2026-10-05T23:59:59+08:00',
      nested: [{ at: '2026-10-05T23:59:59+08:00' }],
      missing: null,
      text: 'x',
    });
  });

  it('real answers carry no UTC timestamps: progress, the school list and a school, /me, periods', async () => {
    await finishFirstLogin('admin');
    const token = await server.login('admin', 'Admin12345');
    const created = await school('日期测试小学', '350102', { lastUpdatedAt: instant });
    const bodies = [
      (await server.api('/regions/000000/progress', { token })).body,
      (await server.api('/schools?pageSize=100', { token })).body,
      (await server.api(`/schools/${String(created._id)}`, { token })).body,
      (await server.api('/me', { token })).body,
      (await server.api('/periods/current', { token })).body,
    ];
    const found = bodies.flatMap((b) => dateTimes(b));
    // recountedAt of a counted period is a date-time: the list is not empty.
    expect(found.map((f) => f.at)).to.include.members(['$.recountedAt', '$.lastUpdatedAt', '$.createdAt']);
    // The school list (on FerretDB read from its JSON-encoded index) says the same as the school itself.
    expect(bodies[1].items.find((i: { id: string }) => i.id === String(created._id)).lastUpdatedAt).to.equal(
      '2026-10-05T23:59:59+08:00',
    );
    for (const f of found) expect(f.text, f.at).to.match(API_DATE_TIME);
  });

  it('error codes are one closed, well-formed list; the error classes accept only its members', () => {
    expect(new Set(ERROR_CODES).size).to.equal(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).to.match(/^[A-Z][A-Z0-9_]*$/);
    // @ts-expect-error a code outside the union does not compile (npm run typecheck checks this line)
    const typo = new ValidationError('x', {}, 'VALIDATION_FAIL');
    expect(typo.status).to.equal(400);
  });
});
