import { expect } from 'chai';
import mongoose from 'mongoose';
import { pino } from 'pino';
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
    return lines.filter((l) => l.msg === 'slow database command');
  }

  it('names the command, collection, filter and time of a scan over the threshold', async () => {
    const slow = await scanWith({ SLOW_COMMAND_MS: '1' });
    const find = slow.find((l) => l.command === 'find');
    expect(find, JSON.stringify(slow)).to.include({ collection: 'things', failed: false });
    expect(find!.filter).to.equal('{"n":{"$gte":2990}}');
    expect(find!.ms).to.be.a('number').and.at.least(1);
  });

  it('logs nothing when switched off', async () => {
    expect(await scanWith({ SLOW_COMMAND_MS: '0' })).to.deep.equal([]);
  });
});
