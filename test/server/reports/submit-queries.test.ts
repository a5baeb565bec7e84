// A report change costs the same however many reports are filed (issue 13 §1: a submit took 8.7 s in a
// province with 20,000 filed reports, because its version check `{_id, version}` scanned `reports`).
// Every database command of a school's save and submit — the report, its claim, audit entry, progress
// and statistics rollups, the school list — must select its documents through an index: asked with
// `explain`, FerretDB pushes the filter down to SQLite (`filterPushdown`), MongoDB uses no COLLSCAN.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { goodSchoolReport } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';

interface Selection {
  command: string;
  collection: string;
  filter: Record<string, unknown>;
}

/** The filters a command selects documents by (inserts select none). */
function selections(name: string, cmd: Record<string, any>): Selection[] {
  const collection = String(cmd[name]);
  const one = (filter: unknown) => (filter ? [{ command: name, collection, filter: filter as any }] : []);
  switch (name) {
    case 'find':
    case 'count':
    case 'distinct':
      return one(cmd.filter ?? cmd.query ?? {});
    case 'update':
      return (cmd.updates as { q: unknown }[]).flatMap((u) => one(u.q));
    case 'delete':
      return (cmd.deletes as { q: unknown }[]).flatMap((d) => one(d.q));
    case 'findAndModify':
      return one(cmd.query ?? {});
    case 'aggregate':
      return one(cmd.pipeline?.[0]?.$match ?? {});
    default:
      return [];
  }
}

describe('a report change selects every document through an index (no scan of filed reports)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schoolId: string;
  const t: Record<string, string> = {};

  before(async () => {
    server = await startTestServer('submitqueries', { options: { clock } });
    const doc = await school('索引实验小学', '350102');
    schoolId = String(doc._id);
    await schoolAdmin('idxSchool', doc);
    await regionUser('idxProvince', '350000', 'inspector');
    t.school = await server.login('idxSchool', PASSWORD);
    t.province = await server.login('idxProvince', PASSWORD);
    // Rollups exist (counted), so the change goes through every delta path.
    for (const path of [
      `/regions/350000/statistics?period=${P}&category=schoolNet`,
      `/regions/350000/progress?period=${P}`,
    ]) {
      const res = await server.api(path, { token: t.province });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.counting).to.equal(false);
    }
  });
  after(async () => {
    await server?.close();
  });

  it("a school's save and submit: every command's filter is served by an index", async () => {
    const seen: Selection[] = [];
    const client = mongoose.connection.getClient();
    const record = (e: { commandName: string; command: Record<string, any>; databaseName: string }) => {
      if (e.databaseName === server.dbName) seen.push(...selections(e.commandName, e.command));
    };
    client.on('commandStarted', record);
    try {
      const path = `/schools/${schoolId}/reports/${P}`;
      const put = await server.api(path, {
        method: 'PUT',
        token: t.school,
        body: { data: goodSchoolReport },
      });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      const submit = await server.api(`${path}/submit`, { method: 'POST', token: t.school });
      expect(submit.status, JSON.stringify(submit.body)).to.equal(200);
    } finally {
      client.off('commandStarted', record);
    }
    const collections = new Set(seen.map((s) => s.collection));
    // The paths this test is about were all taken.
    for (const c of [
      'reports',
      'report_claims',
      'progress_rollups',
      'statistics_rollups',
      'statistics_units',
    ])
      expect([...collections], c).to.include(c);

    const db = mongoose.connection.db!;
    const scans: string[] = [];
    for (const s of seen) {
      const plan = (await db.command({ explain: { find: s.collection, filter: s.filter } })) as Record<
        string,
        any
      >;
      const indexed =
        'filterPushdown' in plan
          ? plan.filterPushdown === true // FerretDB: the filter went to SQLite (the `_id` index)
          : !JSON.stringify(plan.queryPlanner?.winningPlan ?? {}).includes('COLLSCAN');
      if (!indexed) scans.push(`${s.command} ${s.collection} ${JSON.stringify(s.filter)}`);
    }
    expect(scans, 'commands that scan their collection').to.deep.equal([]);
  });
});
