import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { DEFAULT_CALENDAR } from '../../../shared/src';
import type { AuthContext } from '../../../server/src/accounts/service';
import type { Binding, UserDoc } from '../../../server/src/accounts/model';
import { databaseUri } from '../../../server/src/db/provision';
import { syncAllIndexes } from '../../../server/src/db/indexes';
import { Report } from '../../../server/src/reports/model';
import { getWorklist } from '../../../server/src/reports/worklist';
import { Region } from '../../../server/src/regions/model';
import { invalidateRegionTree } from '../../../server/src/regions/tree';
import { clearSchoolListCache, rebuildSchoolIndex } from '../../../server/src/schools/list-index';
import {
  readModelListSource,
  schoolListSource,
  useSchoolListSource,
  type SchoolListSource,
} from '../../../server/src/schools/list-source';
import { School } from '../../../server/src/schools/model';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { testServer, uniqueDbName } from '../../helpers/db';
import { manualClock, miniRegionPath, miniRegions } from '../../helpers/fixtures';

// Every region page waits for GET /regions/{code}/worklist, and on FerretDB/SQLite any filter on
// `reports` but `_id` is a scan of the whole collection (a province took 10–23 s on the demo world).
// With the list index as the school list source (FerretDB's), a worklist reads `reports` by `_id` only,
// so its cost follows the region's direct units, not the size of the collection.

interface Seen {
  name: string;
  collection: string;
  filter?: Record<string, unknown>;
}

describe('a worklist: no scan of `reports` with the list index (FerretDB’s source)', function () {
  this.timeout(120_000);
  const name = uniqueDbName('worklist_commands');
  const clock = manualClock('2026-11-30T10:00:00+08:00');
  const deps = { clock, calendar: DEFAULT_CALENDAR };
  const seen: Seen[] = [];
  const record = (e: { commandName: string; command: Record<string, any> }) => {
    const c = e.command;
    if (['find', 'aggregate', 'count', 'distinct'].includes(e.commandName))
      seen.push({ name: e.commandName, collection: c[e.commandName], filter: c.filter ?? c.query });
  };
  const national: AuthContext = {
    user: {} as UserDoc,
    binding: {
      _id: new Types.ObjectId(),
      kind: 'region',
      role: 'inspector',
      regionCode: '000000',
      regionPath: [],
      active: true,
    } as unknown as Binding,
  };
  let chosen: SchoolListSource;

  before(async () => {
    await mongoose.connect(databaseUri(testServer().uri, name), { autoIndex: false, monitorCommands: true });
    await syncAllIndexes();
    await Region.insertMany(miniRegions);
    invalidateRegionTree();
    const schools = await School.insertMany(
      Array.from({ length: 12 }, (_, i) => ({
        name: `学校${i}`,
        type: '小学',
        regionCode: i % 2 ? '350102' : '350103',
        regionPath: miniRegionPath(i % 2 ? '350102' : '350103'),
      })),
    );
    // 350102's schools: 1, 3, 5, 7, 9, 11. Two withdrawal requests and one returned there in 2026Q3.
    const states = {
      1: 'withdrawalRequested',
      3: 'withdrawalRequested',
      5: 'returned',
      7: 'submitted',
    } as const;
    await Report.insertMany([
      ...schools.map((s, i) =>
        schoolReportDoc('2026Q3', s, {
          data: goodSchoolReport,
          state: states[i as keyof typeof states] ?? (i % 2 ? 'draft' : 'withdrawalRequested'),
        }),
      ),
      ...['350102', '350103'].map((code) => ({
        _id: `2026Q3:region:${code}`,
        period: '2026Q3',
        unitKind: 'region',
        regionCode: code,
        regionPath: miniRegionPath(code),
        state: code === '350102' ? 'returned' : 'withdrawalRequested',
        data: {},
        history: [],
        version: 1,
      })),
    ]);
    await rebuildSchoolIndex(clock, '350000');
    clearSchoolListCache();
    chosen = await schoolListSource();
    useSchoolListSource(readModelListSource);
    mongoose.connection.getClient().on('commandStarted', record);
  });
  after(async () => {
    mongoose.connection.getClient().off('commandStarted', record);
    useSchoolListSource(chosen);
    invalidateRegionTree();
    clearSchoolListCache();
    await mongoose.connection.dropDatabase().catch(() => {});
    await mongoose.disconnect();
  });

  it('reads `reports` by `_id` only, and still counts what waits for a county and a city', async () => {
    const county = await getWorklist(deps, national, '350102');
    expect(county.landing).to.equal('2026Q3');
    expect(county.reported).to.deep.include({
      period: '2026Q3',
      withdrawalRequests: 2,
      returned: 1,
      ownState: 'returned',
      pending: 4,
    });
    const city = await getWorklist(deps, national, '350100');
    expect(city.landing).to.equal('2026Q3');
    // The city's direct units are its two counties (no direct schools).
    expect(city.reported).to.deep.include({ withdrawalRequests: 1, returned: 1, ownState: null, pending: 2 });
    const reportReads = seen.filter((c) => c.collection === 'reports');
    expect(reportReads.length).to.be.greaterThan(0);
    for (const c of reportReads) expect(c.filter, `${c.name} on reports`).to.have.property('_id');
  });
});
