import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { databaseUri, type ProvisionedDatabase } from '../../server/src/db/provision';
import { syncAllIndexes } from '../../server/src/db/indexes';

/** The database server the global fixture provisioned for this run. */
export function testServer(): ProvisionedDatabase {
  const uri = process.env.EDU_TEST_SERVER_URI;
  if (!uri) throw new Error('EDU_TEST_SERVER_URI is not set: run tests through mocha (test/setup.ts)');
  return {
    uri,
    kind: (process.env.EDU_TEST_SERVER_KIND as ProvisionedDatabase['kind']) ?? 'external',
    description: process.env.EDU_TEST_SERVER_DESCRIPTION ?? 'test server',
    pids: [],
    // The shared server belongs to the global fixture: test files never stop it.
    stop: async () => {},
  };
}

export function uniqueDbName(label: string): string {
  return `t_${label.replace(/[^A-Za-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
}

/**
 * Connects mongoose to a fresh database for the current `describe` block and drops it afterwards.
 * Not for files that start a whole server (startTestServer connects by itself).
 */
export function useTestDatabase(label: string): { name: string } {
  const handle = { name: uniqueDbName(label) };
  before(async function () {
    this.timeout(60_000);
    await mongoose.connect(databaseUri(testServer().uri, handle.name), { autoIndex: false });
    await syncAllIndexes();
  });
  after(async () => {
    await mongoose.connection.dropDatabase().catch(() => {});
    await mongoose.disconnect();
  });
  return handle;
}
