// Mocha global fixtures: one database server for the whole run (provisioned exactly as `npm start`
// does, but on throw-away storage); each test file then uses a database of its own on it.
import path from 'node:path';
import { provisionDatabase, type ProvisionedDatabase } from '../server/src/db/provision';
import { repoRoot } from '../server/src/config';

let provisioned: ProvisionedDatabase | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  provisioned = await provisionDatabase({
    purpose: 'test',
    dataDir: path.join(repoRoot, 'data'),
    cacheDir: process.env.CACHE_DIR || path.join(repoRoot, '.cache'),
    log: (line) => console.log(`  ${line}`),
  });
  process.env.EDU_TEST_SERVER_URI = provisioned.uri;
  process.env.EDU_TEST_SERVER_KIND = provisioned.kind;
  process.env.EDU_TEST_SERVER_DESCRIPTION = provisioned.description;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await provisioned?.stop();
}
