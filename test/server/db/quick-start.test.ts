import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { errors } from 'mongodb-memory-server-core';
import { repoRoot } from '../../../server/src/config';
import { FERRETDB_VERSIONS } from '../../../server/src/db/ferretdb';
import { downloadFailure } from '../../../server/src/db/mongod';

const run = promisify(execFile);

// What a newcomer sees running the README's `npm ci && npm start`: no warning about install scripts, a
// start-up line that says why mongod could not be had, and the FerretDB version the README names.
describe('the quick start prints nothing misleading', function () {
  this.timeout(60_000);

  it('npm finds no dependency install script left unreviewed by package.json allowScripts', async () => {
    const { stdout } = await run('npm', ['approve-scripts', '--allow-scripts-pending'], { cwd: repoRoot });
    expect(stdout).to.match(/No packages with unreviewed install scripts/);
  });

  it('a failed mongod download names its cause, not an empty "Details:"', () => {
    // The error mongodb-memory-server throws when the download host cannot be resolved.
    const url = 'https://fastdl.mongodb.org/linux/mongodb-linux-x86_64-debian12-8.2.6.tgz';
    const err = new errors.DownloadError(url, 'getaddrinfo ENOTFOUND fastdl.mongodb.org', 'ENOTFOUND');
    expect(downloadFailure(err)).to.equal(`getaddrinfo ENOTFOUND fastdl.mongodb.org，下载地址 ${url}`);
    expect(downloadFailure(new errors.DownloadError(url, '', 'Status: 403'))).to.match(/^Status: 403，/);
    expect(downloadFailure(new Error('first\nsecond'))).to.equal('first second');
    expect(downloadFailure(new Error(''))).to.equal('原因不明');
  });

  it('the README names the FerretDB version that is built first', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const named = [...readme.matchAll(/FerretDB (v\d+\.\d+\.\d+) \(SQLite\)/g)].map((m) => m[1]);
    expect(named).to.deep.equal([FERRETDB_VERSIONS[0]]);
  });
});
