import { expect } from 'chai';
import mongoose from 'mongoose';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import { databaseUri } from '../../../server/src/db/provision';
import { syncAllIndexes } from '../../../server/src/db/indexes';
import { JobState, runDueDeadlines } from '../../../server/src/reports/autosubmit';
import { Report } from '../../../server/src/reports/model';
import { Region } from '../../../server/src/regions/model';
import { School } from '../../../server/src/schools/model';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { testServer, uniqueDbName } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

// A deadline run sends no database command that grows with the country (issue 9, jobs sized to the
// work): on FerretDB any filter but `_id` is a scan in one command, and a national one outlasted the
// driver's socket timeout. Reports are read by `_id` only; whole collections by cursors in batches of at
// most 1,000 (a `getMore` without a batch size returns up to 16 MB, i.e. most of a national collection).

interface Seen {
  name: string;
  collection: string;
  filter?: Record<string, unknown>;
  batchSize?: number;
}

describe('a deadline run: no command grows with the country', function () {
  this.timeout(120_000);
  const name = uniqueDbName('deadline_commands');
  const clock = manualClock('2027-01-06T00:00:30+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  const seen: Seen[] = [];
  /** getMore's collection is named in the command; its cursor's first command tells the filter. */
  const record = (e: { commandName: string; command: Record<string, any> }) => {
    const c = e.command;
    if (e.commandName === 'getMore')
      seen.push({ name: 'getMore', collection: c.collection, batchSize: c.batchSize });
    else if (['find', 'aggregate', 'count', 'distinct', 'delete', 'update'].includes(e.commandName))
      seen.push({
        name: e.commandName,
        collection: c[e.commandName],
        filter: c.filter ?? c.query ?? c.updates?.[0]?.q ?? c.deletes?.[0]?.q,
        batchSize: c.batchSize,
      });
  };

  before(async () => {
    await mongoose.connect(databaseUri(testServer().uri, name), { autoIndex: false, monitorCommands: true });
    await syncAllIndexes();
    await Region.insertMany(miniRegions);
    const schools = await School.insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        name: `学校${i}`,
        type: '小学',
        regionCode: i % 2 ? '350102' : '350103',
        regionPath: miniRegionPath(i % 2 ? '350102' : '350103'),
      })),
    );
    await Report.insertMany(
      schools
        .slice(0, 20)
        .map((s, i) =>
          schoolReportDoc('2026Q4', s, { data: goodSchoolReport, state: i % 3 ? 'draft' : 'submitted' }),
        ),
    );
    await JobState.create({ _id: 'autosubmit', since: new Date('2027-01-01T00:00:00+08:00') });
    mongoose.connection.getClient().on('commandStarted', record);
  });
  after(async () => {
    mongoose.connection.getClient().off('commandStarted', record);
    await mongoose.connection.dropDatabase().catch(() => {});
    await mongoose.disconnect();
  });

  it('reads reports by `_id` only, and schools by a batched cursor, and still closes every unit', async () => {
    const runs = await runDueDeadlines(deps, { owner: 'one', scanReports: false });
    expect(runs.map((r) => `${r.level}:${r.outcome}`)).to.deep.equal(['county:ran']);
    const reportReads = seen.filter((c) => c.collection === 'reports' && c.name !== 'update');
    expect(reportReads.length).to.be.greaterThan(0);
    for (const c of reportReads) expect(c.filter, `${c.name} on reports`).to.have.property('_id');
    const schoolScans = seen.filter((c) => c.collection === 'schools' && !(c.filter && '_id' in c.filter));
    expect(schoolScans.length).to.be.greaterThan(0);
    for (const c of schoolScans) expect(c.batchSize, `${c.name} on schools`).to.be.within(1, 1000);
    // list-checked: 30 schools fit in one batch, so a run may send no getMore at all
    for (const c of seen.filter((x) => x.name === 'getMore'))
      expect(c.batchSize, `getMore on ${c.collection}`).to.be.within(1, 1000);
    // To the last unit: every school's report is locked.
    const states = (await Report.find({ unitKind: 'school' }, { state: 1 }).lean()).map((r) => r.state);
    expect(states).to.have.length(30);
    expect(new Set(states)).to.deep.equal(new Set(['locked']));
  });
});
