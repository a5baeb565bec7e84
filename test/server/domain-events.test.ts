import { expect } from 'chai';
import { Types } from 'mongoose';
import { onDomainEvent, publishDomainEvent } from '../../server/src/events';
import { startTestServer, type TestServer } from '../helpers/server';

describe('the change-event bus (issue 10)', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    // The read models subscribed by the app run too (a marked school that does not exist: a no-op).
    server = await startTestServer('domain-events');
  });
  after(() => server.close());

  it('a required listener’s failure fails the publisher; an ordinary one is only reported', async () => {
    const schoolId = new Types.ObjectId();
    const seen: string[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const off = [
      onDomainEvent('school.marked', (e) => {
        if (e.schoolId.equals(schoolId)) throw new Error('ordinary listener broke');
      }),
      onDomainEvent('school.marked', (e) => {
        if (e.schoolId.equals(schoolId)) seen.push('after the broken one');
      }),
    ];
    try {
      await publishDomainEvent('school.marked', { schoolId });
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).to.deep.equal(['after the broken one']);
      expect(warnings.some((w) => w.includes('ordinary listener broke'))).to.equal(true);

      off.push(
        onDomainEvent(
          'school.marked',
          (e) => {
            if (e.schoolId.equals(schoolId)) throw new Error('required listener broke');
          },
          { required: true },
        ),
      );
      let thrown: Error | undefined;
      await publishDomainEvent('school.marked', { schoolId }).catch((err: Error) => (thrown = err));
      expect(thrown?.message).to.equal('required listener broke');
    } finally {
      for (const unsubscribe of off) unsubscribe();
      process.off('warning', onWarning);
    }
  });
});
