import { expect } from 'chai';
import mongoose from 'mongoose';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { createLogger } from '../../../server/src/logger';
import { startTestServer } from '../../helpers/server';

describe('slow database commands are logged (SLOW_COMMAND_MS)', function () {
  this.timeout(60_000);

  async function scanWith(env: Record<string, string>) {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const server = await startTestServer('slow_cmds', { env, options: { logger } });
    try {
      const things = mongoose.connection.collection('things');
      await things.insertMany(Array.from({ length: 3000 }, (_, n) => ({ n, text: `第${n}条` })));
      lines.length = 0;
      expect(await things.find({ n: { $gte: 2990 } }).toArray()).to.have.length(10);
    } finally {
      await server.close();
    }
    return lines.filter((l) => String(l.msg).startsWith('数据库命令较慢'));
  }

  it('names the command, collection, filter and time of a scan over the threshold', async () => {
    const slow = await scanWith({ SLOW_COMMAND_MS: '1' });
    const find = slow.find((l) => l.command === 'find');
    expect(find, JSON.stringify(slow)).to.include({ collection: 'things', failed: false });
    expect(find!.filter).to.equal('{"n":{"$gte":2990}}');
    expect(find!.ms).to.be.a('number').and.at.least(1);
    // One zh-CN sentence saying the same, for people reading a terminal.
    expect(find!.msg).to.equal(
      `数据库命令较慢：things 集合的 find 用时 ${find!.ms} 毫秒，条件 {"n":{"$gte":2990}}`,
    );
  });

  it('in a terminal (npm start) a warning is one readable zh-CN line, not JSON', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const logger = createLogger('info', { readable: true, destination: out });
    logger.warn(
      { command: 'find', collection: 'things', ms: 12 },
      '数据库命令较慢：things 集合的 find 用时 12 毫秒',
    );
    expect(text).to.match(/^\[\d{2}:\d{2}:\d{2}\] 警告: 数据库命令较慢：things 集合的 find 用时 12 毫秒\n$/);
  });

  it('logs nothing when switched off', async () => {
    expect(await scanWith({ SLOW_COMMAND_MS: '0' })).to.deep.equal([]);
  });
});
