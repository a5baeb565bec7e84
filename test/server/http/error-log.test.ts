// What the error handler writes to the log: a condition the server names (a 503 time limit, a database
// that did not answer) is one warning line without a stack; only the unexpected gets `unhandled error`.
import { expect } from 'chai';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { errorHandler } from '../../../server/src/http/error-handler';
import { ServiceUnavailableError } from '../../../server/src/http/errors';

async function logOf(thrown: () => unknown): Promise<{ status: number; records: any[] }> {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const log = pino({ level: 'info' }, stream);
  const app = new Koa();
  app.use(async (ctx, next) => {
    ctx.state.log = log;
    await next();
  });
  app.use(errorHandler());
  app.use(() => {
    throw thrown();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/schools`);
    await res.text();
    await new Promise((resolve) => setImmediate(resolve));
    return { status: res.status, records: lines.map((l) => JSON.parse(l)) };
  } finally {
    server.close();
  }
}

describe('error handler log lines', () => {
  it('logs a named 503 (REQUEST_TIMEOUT) as one warning, without a stack', async () => {
    const { status, records } = await logOf(
      () => new ServiceUnavailableError('服务器繁忙，请求未能在 30 秒内完成', 'REQUEST_TIMEOUT'),
    );
    expect(status).to.equal(503);
    expect(records).to.have.length(1);
    expect(records[0].level).to.equal(40);
    expect(records[0].msg).to.equal('服务器繁忙，请求未能在 30 秒内完成');
    expect(records[0]).to.include({ code: 'REQUEST_TIMEOUT', method: 'GET', path: '/api/v1/schools' });
    expect(records[0]).to.not.have.property('err');
  });

  it('logs a database that did not answer as one warning', async () => {
    const { status, records } = await logOf(() =>
      Object.assign(new Error('timed out'), { name: 'MongoNetworkTimeoutError' }),
    );
    expect(status).to.equal(503);
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ level: 40, code: 'DATABASE_UNAVAILABLE' });
    expect(records[0]).to.not.have.property('err');
  });

  it('logs the unexpected as an error with its stack', async () => {
    const { status, records } = await logOf(() => new TypeError('x is undefined'));
    expect(status).to.equal(500);
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ level: 50, msg: 'unhandled error' });
    expect(records[0].err.stack).to.match(/TypeError: x is undefined/);
  });
});
