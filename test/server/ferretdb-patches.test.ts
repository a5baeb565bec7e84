// Our patches to FerretDB's SQLite backend (server/src/db/ferretdb-patches), proven on the server the
// run provisioned: `_id` writes cost the same at any collection size, and an update command of many
// matched statements no longer hangs the server.
import { expect } from 'chai';
import { MongoClient, type Collection } from 'mongodb';
import { binaryFolderName, FERRETDB_VERSIONS } from '../../server/src/db/ferretdb';
import { testServer, uniqueDbName } from '../helpers/db';

interface Doc {
  _id: string;
  n: number;
  regionCode: string;
  name: string;
}

function docs(from: number, to: number): Doc[] {
  const out: Doc[] = [];
  for (let i = from; i < to; i++)
    out.push({ _id: `k${String(i).padStart(6, '0')}`, n: 0, regionCode: '110101', name: `学校${i}` });
  return out;
}

async function fill(client: MongoClient, dbName: string, size: number) {
  const coll = client.db(dbName).collection<Doc>(`c${size}`);
  for (let i = 0; i < size; i += 5000) await coll.insertMany(docs(i, Math.min(size, i + 5000)));
  return coll;
}

/**
 * Milliseconds of one `updateOne({_id})` of the `round`-th last document of a collection of `size`;
 * with `versioned`, the filter also holds a condition on another field (`{_id, n: {$gte: 0}}`, as a
 * version check does).
 */
async function updateMs(coll: Collection<Doc>, size: number, round: number, versioned = false) {
  // Late documents: an unindexed look-up reads the whole table before it finds them.
  const id = `k${String(size - 1 - (round % 100)).padStart(6, '0')}`;
  const started = process.hrtime.bigint();
  const res = await coll.updateOne(versioned ? { _id: id, n: { $gte: 0 } } : { _id: id }, { $inc: { n: 1 } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  expect(res.modifiedCount).to.equal(1);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('FerretDB patches', function () {
  this.timeout(180_000);
  const dbName = uniqueDbName('ferretpatch');
  let client: MongoClient;

  before(async () => {
    client = new MongoClient(testServer().uri, { timeoutMS: 60_000 });
    await client.connect();
  });
  after(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('caches the patched binary under a folder of its own, never the unpatched one', () => {
    for (const version of FERRETDB_VERSIONS) {
      const folder = binaryFolderName(version);
      expect(folder).to.match(new RegExp(`^${version.replace(/\./g, '\\.')}-p[0-9a-f]{10}$`));
      expect(binaryFolderName(version, [])).to.not.equal(folder);
    }
  });

  let sized: Promise<[Collection<Doc>, Collection<Doc>]> | undefined;
  const collections = () =>
    (sized ??= Promise.all([fill(client, dbName, 500), fill(client, dbName, 50_000)]));

  /** Alternating sizes, so that the machine's load at any moment weighs on both alike. */
  async function compare(versioned: boolean) {
    const [small, large] = await collections();
    const times = { small: [] as number[], large: [] as number[] };
    for (let round = 0; round < 41; round++) {
      if (round % 2) times.small.push(await updateMs(small, 500, round, versioned));
      times.large.push(await updateMs(large, 50_000, round, versioned));
      if (!(round % 2)) times.small.push(await updateMs(small, 500, round, versioned));
    }
    const [a, b] = [median(times.small.slice(1)), median(times.large.slice(1))];
    expect(b, `median ${b.toFixed(1)} ms at 50,000 vs ${a.toFixed(1)} ms at 500`).to.be.below(
      Math.max(5 * a, 5),
    );
  }

  it('updateOne by _id at 50,000 documents costs within 5× of the same at 500', async () => {
    // Unpatched, SQLite scanned the table for every `_id` (8 ms at 500, 290–800 ms at 50,000).
    await compare(false);
  });

  it('updateOne by _id and a condition on another field (a version check) too', async () => {
    // Before 0003, only a filter of `_id` alone used the index: this one scanned the table.
    await compare(true);
  });

  it('an update command of 600 matched statements answers, and the server keeps answering', async () => {
    const coll = client.db(dbName).collection<Doc>('bulk');
    await coll.insertMany(docs(0, 600));
    // Unpatched, each statement's query kept its SQLite connection until the command ended: at the
    // 100th the pool was empty and the command (and every other client) waited for ever.
    const res = await coll.bulkWrite(
      docs(0, 600).map((d) => ({
        updateOne: { filter: { _id: d._id }, update: { $set: { n: 7 } }, upsert: true },
      })),
      { timeoutMS: 30_000 },
    );
    expect(res.modifiedCount).to.equal(600);
    expect(await coll.countDocuments({ n: 7 }, { timeoutMS: 10_000 })).to.equal(600);
  });
});
