// Our patches to FerretDB's SQLite backend (server/src/db/ferretdb-patches), proven on the server the
// run provisioned: `_id` writes cost the same at any collection size, whatever else the filter holds, and an update command of many
// matched statements no longer hangs the server.
import { expect } from 'chai';
import { MongoClient, type Collection } from 'mongodb';
import { binaryFolderName, FERRETDB_VERSIONS } from '../../../server/src/db/ferretdb';
import { testServer, uniqueDbName } from '../../helpers/db';

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

/** The filter of one `_id` look-up, in one of the shapes the code base uses. */
type IdFilter = (id: string) => Record<string, unknown>;

/** Milliseconds of one `updateOne(filter(_id))` of the `round`-th last document of a collection of `size`. */
async function updateMs(
  coll: Collection<Doc>,
  size: number,
  round: number,
  filter: IdFilter = (id) => ({ _id: id }),
) {
  // Late documents: an unindexed look-up reads the whole table before it finds them.
  const id = `k${String(size - 1 - (round % 100)).padStart(6, '0')}`;
  const started = process.hrtime.bigint();
  const res = await coll.updateOne(filter(id), { $inc: { n: 1 } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  expect(res.modifiedCount).to.equal(1);
  return ms;
}

/** Medians of `updateMs` at 500 and 50,000 documents, measured alternately. */
async function mediansBySize(small: Collection<Doc>, large: Collection<Doc>, filter?: IdFilter) {
  // Alternating, so that the machine's load at any moment weighs on both sizes alike.
  const times = { small: [] as number[], large: [] as number[] };
  for (let round = 0; round < 41; round++) {
    if (round % 2) times.small.push(await updateMs(small, 500, round, filter));
    times.large.push(await updateMs(large, 50_000, round, filter));
    if (!(round % 2)) times.small.push(await updateMs(small, 500, round, filter));
  }
  return [median(times.small.slice(1)), median(times.large.slice(1))];
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

  it('updateOne by _id at 50,000 documents costs within 5× of the same at 500', async () => {
    const [a, b] = await mediansBySize(...(await collections()));
    // Unpatched, SQLite scanned the table for every `_id` (8 ms at 500, 290–800 ms at 50,000).
    expect(b, `median ${b.toFixed(1)} ms at 50,000 vs ${a.toFixed(1)} ms at 500`).to.be.below(
      Math.max(5 * a, 5),
    );
  });

  // Only an exact `{_id: <string or ObjectId>}` filter used the index before 0003: the version check of
  // a report change (`{_id, version}`), a lease's owner check and `{_id: {$in}}` scanned the collection
  // (a school's submit took 8.7 s with 20,000 reports filed).
  for (const [shape, filter] of [
    ['{_id, other conditions}', (id: string) => ({ _id: id, n: { $gte: 0 }, regionCode: '110101' })],
    ['{_id: {$in: […]}}', (id: string) => ({ _id: { $in: [id, 'k999999'] } })],
    ['{_id: {$eq}, other conditions}', (id: string) => ({ _id: { $eq: id }, name: { $exists: true } })],
  ] as [string, IdFilter][]) {
    it(`updateOne by ${shape} at 50,000 documents costs within 5× of the same at 500`, async () => {
      const [a, b] = await mediansBySize(...(await collections()), filter);
      expect(b, `median ${b.toFixed(1)} ms at 50,000 vs ${a.toFixed(1)} ms at 500`).to.be.below(
        Math.max(5 * a, 5),
      );
    });
  }

  it('an _id pushed down with other conditions still applies them all', async () => {
    const [small] = await collections();
    const id = 'k000007';
    expect(await small.countDocuments({ _id: id, regionCode: '110101' })).to.equal(1);
    expect(await small.countDocuments({ _id: id, regionCode: '999999' })).to.equal(0);
    expect(await small.countDocuments({ _id: { $in: [id, 'k000008', 'nope'] }, name: '学校8' })).to.equal(1);
    expect((await small.updateOne({ _id: id, name: '学校9' }, { $set: { n: -1 } })).matchedCount).to.equal(0);
    expect((await small.deleteMany({ _id: { $in: [id, 'k000009'] }, name: '学校9' })).deletedCount).to.equal(
      1,
    );
    expect(await small.countDocuments({ _id: { $in: [id, 'k000009'] } })).to.equal(1);
  });

  // 0004: an updateMany wrote each document in a transaction of its own (a commit each); now up to 1,000
  // per transaction. Same effect, counted exactly, across the 1,000-document flushes.
  it('updateMany changes exactly the matching documents, counted exactly, past 1,000 at a time', async () => {
    const coll = client.db(dbName).collection<Doc>('many');
    await coll.insertMany(docs(0, 2_600).map((d, i) => ({ ...d, n: i % 2 })));
    const ids = docs(0, 2_600).map((d) => d._id);
    const res = await coll.updateMany({ n: 1 }, { $set: { name: '改' }, $inc: { n: 10 } });
    expect([res.matchedCount, res.modifiedCount]).to.deep.equal([1_300, 1_300]);
    expect(await coll.countDocuments({ n: 11, name: '改' })).to.equal(1_300);
    expect(await coll.countDocuments({ n: 0, name: { $ne: '改' } })).to.equal(1_300);
    // `_id: {$in}` with a condition (pushed down by 0003), as the deadline's close sends it.
    const some = await coll.updateMany({ _id: { $in: ids.slice(0, 1_000) }, n: 0 }, { $set: { n: 5 } });
    expect([some.matchedCount, some.modifiedCount]).to.deep.equal([500, 500]);
    expect(await coll.countDocuments({ n: 5 })).to.equal(500);
  });

  it('updateMany of 1,000 documents costs less than 200 updateOne of one (one transaction, not 1,000)', async () => {
    const coll = client.db(dbName).collection<Doc>('manycost');
    await coll.insertMany(docs(0, 1_000));
    const ids = docs(0, 1_000).map((d) => d._id);
    const ms = async (fn: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const times = { many: [] as number[], one: [] as number[] };
    for (let round = 1; round <= 5; round++) {
      times.many.push(await ms(() => coll.updateMany({ _id: { $in: ids } }, { $set: { n: round } })));
      times.one.push(
        await ms(async () => {
          for (const id of ids.slice(0, 200)) await coll.updateOne({ _id: id }, { $set: { n: -round } });
        }),
      );
    }
    // Unpatched, the updateMany took ~1.1 ms per document (a commit each): 1.0–1.4 s against 0.7–1.0 s
    // for the 200 single updates; patched 0.1–0.4 s (at load average 12).
    const [many, one] = [median(times.many), median(times.one)];
    expect(many, `updateMany ${many.toFixed(0)} ms vs 200 × updateOne ${one.toFixed(0)} ms`).to.be.below(one);
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
