import { expect } from 'chai';
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../helpers/server';

describe('graceful shutdown', function () {
  this.timeout(60_000);
  let server: TestServer;
  let releaseSlow: () => void = () => {};

  before(async () => {
    server = await startTestServer('shutdown', {
      options: {
        extraRoutes: [
          {
            method: 'get',
            path: '/test/slow',
            summary: 'test probe: answers when released',
            handler: async (ctx) => {
              await new Promise<void>((resolve) => (releaseSlow = resolve));
              // The database is still usable while the request is in flight.
              const ping = await mongoose.connection.db!.command({ ping: 1 });
              ctx.body = { done: true, ping: ping.ok };
            },
          },
        ],
      },
    });
  });

  it('lets an in-flight request finish, refuses new connections, then closes the database', async () => {
    const inFlight = fetch(`${server.url}/api/v1/test/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await new Promise((r) => setTimeout(r, 200)); // the request has reached the handler
    const closing = server.close();
    await new Promise((r) => setTimeout(r, 100));

    let refused = false;
    try {
      await fetch(`${server.url}/api/v1/health`);
    } catch {
      refused = true;
    }
    expect(refused, 'new connections must be refused while shutting down').to.equal(true);
    expect(mongoose.connection.readyState).to.equal(1); // still connected for the request in flight

    releaseSlow();
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ done: true, ping: 1 });
    await closing;
    expect(mongoose.connection.readyState).to.equal(0);
  });
});
