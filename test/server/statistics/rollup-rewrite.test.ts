// A recount rewrites the statistics rollups of its subtree while pages read them. Two recounts of
// overlapping subtrees run at once (a first look at a city joins its own build while the province's
// runs): the province's recount must never leave a counted rollup missing, or a page that found the
// city already recounted reads 0 (seen under load: 350100 教学点 answered 0, a moment later the figures).
import { expect } from 'chai';
import { StatisticsRollup, statisticsRollupId } from '../../../server/src/statistics/model';
import { rebuildStatistics } from '../../../server/src/statistics/rollups';
import { manualClock } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { submitStatSchools } from '../../helpers/statistics';

const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

describe('statistics: a recount never leaves a counted rollup missing', function () {
  this.timeout(180_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('statistics_rewrite', { options: { clock } });
    await submitStatSchools(server, P, 'rw', (key) => `重算${key}学校`);
  });
  after(() => server?.close());

  it('writes each counted rollup in place: none is deleted before it is written again', async () => {
    await rebuildStatistics(clock, P, '350100');
    const cityPoint = statisticsRollupId(P, '350100', 'teachingPoint');
    const before = await StatisticsRollup.findById(cityPoint).lean();
    expect(before, 'the city recount wrote the 教学点 rollup').to.not.equal(null);

    // Every write the province recount sends to the rollups, in order, with the ids it touches.
    const log: { op: 'delete' | 'write'; ids: string[] }[] = [];
    const collection = StatisticsRollup.collection as any;
    const original = {
      deleteMany: collection.deleteMany,
      insertMany: collection.insertMany,
      bulkWrite: collection.bulkWrite,
      replaceOne: collection.replaceOne,
    };
    const own = new Set(Object.keys(original).filter((k) => Object.hasOwn(collection, k)));
    const idsIn = (filter: any): string[] => {
      const id = filter?._id;
      if (typeof id === 'string') return [id];
      return Array.isArray(id?.$in) ? id.$in : [];
    };
    collection.deleteMany = function (filter: any, ...rest: unknown[]) {
      log.push({ op: 'delete', ids: idsIn(filter) });
      return original.deleteMany.call(this, filter, ...rest);
    };
    collection.insertMany = function (docs: { _id: string }[], ...rest: unknown[]) {
      log.push({ op: 'write', ids: docs.map((d) => d._id) });
      return original.insertMany.call(this, docs, ...rest);
    };
    collection.bulkWrite = function (ops: any[], ...rest: unknown[]) {
      log.push({ op: 'write', ids: ops.map((o) => o.replaceOne?.filter?._id ?? o.updateOne?.filter?._id) });
      return original.bulkWrite.call(this, ops, ...rest);
    };
    collection.replaceOne = function (filter: any, ...rest: unknown[]) {
      log.push({ op: 'write', ids: idsIn(filter) });
      return original.replaceOne.call(this, filter, ...rest);
    };
    try {
      await rebuildStatistics(clock, P, '350000');
    } finally {
      for (const key of Object.keys(original) as (keyof typeof original)[]) {
        if (own.has(key)) collection[key] = original[key];
        else delete collection[key];
      }
    }

    const written = log.filter((e) => e.op === 'write').flatMap((e) => e.ids);
    expect(written, 'the province recount wrote rollups').to.include(cityPoint);
    const deleted = new Set<string>();
    const deletedThenWritten: string[] = [];
    for (const entry of log) {
      if (entry.op === 'delete') entry.ids.forEach((id) => deleted.add(id));
      else deletedThenWritten.push(...entry.ids.filter((id) => deleted.has(id)));
    }
    expect(deletedThenWritten, 'rollups deleted and written back (missing in between)').to.deep.equal([]);
    const after = await StatisticsRollup.findById(cityPoint).lean();
    expect(after?.data).to.equal(before?.data);
  });
});
