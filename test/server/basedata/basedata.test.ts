import { expect } from 'chai';
import { AuditEntry } from '../../../server/src/audit/model';
import { BaseDataSync, BaseDataSyncClaim, SchoolCode } from '../../../server/src/basedata/model';
import { resumeInterruptedSyncs } from '../../../server/src/basedata/service';
import { systemClock } from '../../../server/src/clock';
import { Region } from '../../../server/src/regions/model';
import { School } from '../../../server/src/schools/model';
import { finishFirstLogin, manualClock, PASSWORD, regionUser, school } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported.
const clock = manualClock('2027-01-03T10:00:00+08:00');
const P = '2026Q4';
const CSV = 'text/csv';

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const SCHOOL_HEADER = ['学校标识码', '学校名称', '所在地区代码', '学校类型', '状态'];
const REGION_HEADER = ['行政区划代码', '名称', '状态'];

describe('base-data sync and functional zones (issue 15 item 1; seed 002 §9, §10, §12)', function () {
  this.timeout(180_000);
  let server: TestServer;
  const t: Record<string, string> = {};

  async function upload(token: string, kind: string, text: string) {
    const res = await fetch(`${server.url}/api/v1/basedata/imports?kind=${kind}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': CSV },
      body: text,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  before(async () => {
    server = await startTestServer('basedata', { options: { clock } });
    await finishFirstLogin('admin');
    await regionUser('fujian', '350000', 'admin');
    await regionUser('putianAdmin', '350300', 'admin');
    t.national = await server.login('admin', 'Admin12345');
    t.province = await server.login('fujian', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  describe('school shares', () => {
    const ids: Record<string, string> = {};
    before(async () => {
      ids.hand = String((await school('鼓楼手建小学', '350102'))._id);
      ids.renamed = String((await school('鼓楼旧名小学', '350102', { schoolCode: '3501020002' }))._id);
      ids.moved = String((await school('鼓楼迁出小学', '350102', { schoolCode: '3501020003' }))._id);
      ids.closed = String((await school('鼓楼撤销小学', '350102', { schoolCode: '3501020004' }))._id);
      ids.same = String((await school('鼓楼不变小学', '350102', { schoolCode: '3501020005' }))._id);
      for (const [code, id] of [
        ['3501020002', ids.renamed],
        ['3501020003', ids.moved],
        ['3501020004', ids.closed],
        ['3501020005', ids.same],
      ])
        await SchoolCode.create({ _id: code, schoolId: id });
    });

    const share = csv([
      SCHOOL_HEADER,
      ['3501020001', '鼓楼手建小学', '350102', '小学', '正常'],
      ['3501020002', '鼓楼新名小学', '350102', '小学', '正常'],
      ['3501020003', '鼓楼迁出小学', '350103', '小学', '正常'],
      ['3501020004', '鼓楼撤销小学', '350102', '小学', '撤销'],
      ['3501020005', '鼓楼不变小学', '350102', '小学', '正常'],
      ['3501020006', '鼓楼新建中学', '350102', '初中', '正常'],
    ]);

    it('refuses everyone but the national administrator (403), reading nothing', async () => {
      const res = await upload(t.province, 'schools', share);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('NATIONAL_ONLY');
      expect(await BaseDataSync.countDocuments()).to.equal(0);
      for (const [method, path, body] of [
        ['GET', '/basedata/zones', undefined],
        [
          'POST',
          '/basedata/zones',
          { code: '350398', name: '湄洲岛', parentCode: '350300', reportsAt: 'county' },
        ],
      ] as const) {
        const r = await server.api(path, { method, body, token: t.province });
        expect(r.status, path).to.equal(403);
      }
    });

    it('checks every row first and names each problem by row, storing nothing', async () => {
      const res = await upload(
        t.national,
        'schools',
        csv([
          SCHOOL_HEADER,
          ['35010200', '短码小学', '350102', '小学', ''],
          ['3501020007', '甲小学', '359999', '小学', ''],
          ['3501020007', '乙小学', '350102', '小学', ''],
          ['3501020008', '丙小学', '350102', '', ''],
          ['3501020009', '丁小学', '350102', '大学', '停办'],
        ]),
      );
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('SHARE_INVALID');
      const problems = res.body.error.details.problems as { row: number; field: string; message: string }[];
      expect(problems.map((p) => [p.row, p.field])).to.deep.include.members([
        [2, 'code'],
        [3, 'regionCode'],
        [4, 'code'],
        [5, 'type'],
        [6, 'type'],
        [6, 'status'],
      ]);
      expect(problems[0].message).to.match(/^第 2 行：/);
      expect(await BaseDataSync.countDocuments()).to.equal(0);
    });

    it('refuses a file without the header row (400) and a bad kind (400)', async () => {
      const bad = await upload(t.national, 'schools', csv([['名称'], ['x']]));
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('IMPORT_BAD_HEADER');
      const kind = await upload(t.national, 'teachers', share);
      expect(kind.status).to.equal(400);
      expect(kind.body.error.details.property).to.equal('kind');
    });

    let syncId: string;
    it('previews create, link, rename, move, close and unchanged without writing', async () => {
      const res = await upload(t.national, 'schools', share);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.state).to.equal('previewed');
      expect(res.body.counts).to.deep.equal({
        create: 1,
        link: 1,
        rename: 1,
        move: 1,
        close: 1,
        unchanged: 1,
      });
      expect(res.body.items.find((i: any) => i.action === 'rename').before.name).to.equal('鼓楼旧名小学');
      syncId = res.body.id;
      expect(await School.countDocuments({ name: '鼓楼新建中学' })).to.equal(0);
      expect((await School.findById(ids.renamed).lean())!.name).to.equal('鼓楼旧名小学');
      const got = await server.api(`/basedata/imports/${syncId}`, { token: t.national });
      expect(got.status).to.equal(200);
      expect(got.body.counts.create).to.equal(1);
      expect((await server.api(`/basedata/imports/${syncId}`, { token: t.province })).status).to.equal(403);
      expect(
        (await server.api(`/basedata/imports/${syncId}/apply`, { method: 'POST', token: t.province })).status,
      ).to.equal(403);
    });

    it('applies the whole plan in one go, audited, and only once', async () => {
      const res = await server.api(`/basedata/imports/${syncId}/apply`, {
        method: 'POST',
        token: t.national,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ state: 'done', done: 5, failed: 0 });
      const created = await School.findOne({ schoolCode: '3501020006' }).lean();
      expect(created).to.include({ name: '鼓楼新建中学', regionCode: '350102', type: '初中' });
      expect((await School.findById(ids.hand).lean())!.schoolCode).to.equal('3501020001');
      expect((await School.findById(ids.renamed).lean())!.name).to.equal('鼓楼新名小学');
      expect((await School.findById(ids.moved).lean())!.regionCode).to.equal('350103');
      expect((await School.findById(ids.closed).lean())!.status).to.equal('撤销');
      expect(await SchoolCode.countDocuments({ _id: { $in: ['3501020001', '3501020006'] } })).to.equal(2);
      const view = await server.api(`/schools/${ids.hand}`, { token: t.national });
      expect(view.body.schoolCode).to.equal('3501020001');
      const actions = (await AuditEntry.find({}, { action: 1 }).lean()).map((a) => a.action);
      expect(actions).to.include.members([
        'basedata.apply',
        'school.create',
        'school.update',
        'school.transfer',
      ]);
      const again = await server.api(`/basedata/imports/${syncId}/apply`, {
        method: 'POST',
        token: t.national,
      });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('SYNC_APPLIED');
      // The same share again changes nothing.
      const second = await upload(t.national, 'schools', share);
      expect(second.body.counts).to.deep.equal({
        create: 0,
        link: 0,
        rename: 0,
        move: 0,
        close: 0,
        unchanged: 6,
      });
    });

    it('a run a crash interrupted continues from its last finished change, nothing twice', async () => {
      clock.set('2027-01-03T10:05:00+08:00');
      const res = await upload(
        t.national,
        'schools',
        csv([
          SCHOOL_HEADER,
          ['3501020010', '台江新建一小', '350103', '小学', ''],
          ['3501020011', '台江新建二小', '350103', '小学', ''],
          ['3501020002', '鼓楼再改名小学', '350102', '小学', ''],
        ]),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const id = res.body.id as string;
      // As if the process died after the first create and before it counted it done.
      await BaseDataSyncClaim.create({ _id: `${id}:apply`, at: new Date() });
      await school('台江新建一小', '350103');
      await BaseDataSync.updateOne(
        { _id: id },
        { $set: { state: 'applying', done: 0, beatAt: new Date(Date.now() - 120_000) } },
      );
      const busy = await server.api(`/basedata/imports/${id}/apply`, { method: 'POST', token: t.national });
      expect(busy.status).to.equal(409);
      expect(busy.body.error.code).to.equal('SYNC_RUNNING');
      expect(await resumeInterruptedSyncs({ clock: systemClock }, { staleMs: 60_000 })).to.deep.equal({
        resumed: 1,
      });
      expect(await resumeInterruptedSyncs({ clock: systemClock }, { staleMs: 60_000 })).to.deep.equal({
        resumed: 0,
      });
      expect(await School.countDocuments({ name: { $in: ['台江新建一小', '台江新建二小'] } })).to.equal(2);
      expect((await School.findOne({ name: '台江新建一小' }).lean())!.schoolCode).to.equal('3501020010');
      expect((await School.findById(ids.renamed).lean())!.name).to.equal('鼓楼再改名小学');
      expect((await BaseDataSync.findById(id).lean())!.state).to.equal('done');
    });
  });

  describe('the batches', () => {
    it('are listed newest first with their counts, for the national level only', async () => {
      const res = await server.api('/basedata/imports', { token: t.national });
      expect(res.status).to.equal(200);
      expect(res.body.items.length).to.be.at.least(3);
      expect(res.body.items[0].state).to.equal('done');
      expect(res.body.items[0].counts).to.include({ create: 2, rename: 1 });
      expect(res.body.items.map((b: any) => b.state)).to.include('previewed');
      expect((await server.api('/basedata/imports', { token: t.province })).status).to.equal(403);
      expect((await server.api('/basedata/imports?limit=5', { token: t.national })).status).to.equal(400);
    });
  });

  describe('a 学校标识码 set by hand', () => {
    it('is unique across schools, released when cleared or the school is deleted, national only', async () => {
      const a = String((await school('手工甲校', '350102'))._id);
      const b = String((await school('手工乙校', '350102'))._id);
      const put = (id: string, schoolCode: unknown, token = t.national) =>
        server.api(`/basedata/schools/${id}/code`, { method: 'PUT', body: { schoolCode }, token });
      expect((await put(a, '3501029001', t.province)).status).to.equal(403);
      expect((await put(a, '12345')).status).to.equal(400);
      expect((await put(a, '3501029001')).status).to.equal(200);
      const taken = await put(b, '3501029001');
      expect(taken.status).to.equal(409);
      expect(taken.body.error.code).to.equal('SCHOOL_CODE_TAKEN');
      expect((await put(a, null)).status).to.equal(200);
      expect((await put(b, '3501029001')).status).to.equal(200);
      expect((await School.findById(a).lean())!.schoolCode).to.equal(undefined);
      // b is deleted by its county; the code is free for another school.
      await School.deleteOne({ _id: b });
      expect((await put(a, '3501029001')).status).to.equal(200);
      expect(await AuditEntry.countDocuments({ action: 'school.setCode' })).to.equal(4);
    });
  });

  describe('region shares (GB/T 2260 revisions)', () => {
    it('previews and applies new, renamed and closed regions; refuses closing a region with schools', async () => {
      await Region.create({
        _id: '350197',
        name: '将撤销区',
        level: 'county',
        parentCode: '350100',
        path: ['000000', '350000', '350100'],
        countyLevel: true,
      });
      const blocked = await upload(t.national, 'regions', csv([REGION_HEADER, ['350102', '鼓楼区', '撤销']]));
      expect(blocked.status).to.equal(400);
      expect(blocked.body.error.details.problems[0].message).to.match(
        /^第 2 行：地区 350102 不能撤销：仍有 \d+ 所学校/,
      );
      const res = await upload(
        t.national,
        'regions',
        csv([
          REGION_HEADER,
          ['350198', '新设区', '正常'],
          ['350103', '台江新区', ''],
          ['350197', '将撤销区', '撤销'],
          ['350104', '仓山区', ''],
        ]),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.counts).to.deep.include({ create: 1, rename: 1, close: 1, unchanged: 1 });
      const applied = await server.api(`/basedata/imports/${res.body.id}/apply`, {
        method: 'POST',
        token: t.national,
      });
      expect(applied.status, JSON.stringify(applied.body)).to.equal(200);
      expect(await Region.findById('350198').lean()).to.include({
        name: '新设区',
        level: 'county',
        parentCode: '350100',
        countyLevel: true,
      });
      expect((await Region.findById('350103').lean())!.name).to.equal('台江新区');
      expect(await Region.findById('350197').lean()).to.equal(null);
      const children = await server.api('/regions/350100/children', { token: t.national });
      expect(children.body.items.map((c: any) => c.code))
        .to.include('350198')
        .and.not.include('350197');
      expect(
        await AuditEntry.countDocuments({
          action: { $in: ['region.create', 'region.rename', 'region.close'] },
        }),
      ).to.equal(3);
    });
  });

  describe('functional zones (seed 003: 湄洲岛 beside the counties of 莆田市)', () => {
    let moved: string;
    let stays: string;
    it('the national level creates a zone; refusals are clear', async () => {
      const body = { code: '350398', name: '湄洲岛', parentCode: '350300', reportsAt: 'county' };
      const res = await server.api('/basedata/zones', { body, token: t.national });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({
        code: '350398',
        level: 'county',
        countyLevel: true,
        functional: true,
        parentCode: '350300',
      });
      const dup = await server.api('/basedata/zones', {
        body: { ...body, name: '别名岛' },
        token: t.national,
      });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal('ZONE_CODE_TAKEN');
      const underCounty = await server.api('/basedata/zones', {
        body: { ...body, code: '350397', parentCode: '350305' },
        token: t.national,
      });
      expect(underCounty.status).to.equal(400);
      expect(underCounty.body.error.details.property).to.equal('parentCode');
      const bad = await server.api('/basedata/zones', { body: { ...body, code: '35A' }, token: t.national });
      expect(bad.status).to.equal(400);
      const list = await server.api('/basedata/zones', { token: t.national });
      expect(list.body.items.map((z: any) => z.code)).to.deep.equal(['350398']);
    });

    it('schools moved into it count in the parent’s progress and statistics; its admin governs them', async () => {
      moved = String((await school('湄洲岛中心小学', '350305'))._id);
      stays = String((await school('秀屿区实验小学', '350305'))._id);
      const outsider = await server.api('/basedata/zones/350398/schools', {
        body: { schoolIds: [moved] },
        token: t.province,
      });
      expect(outsider.status).to.equal(403);
      const unknown = await server.api('/basedata/zones/350398/schools', {
        body: { schoolIds: [moved, '0123456789abcdef01234567'] },
        token: t.national,
      });
      expect(unknown.status).to.equal(400);
      expect((await School.findById(moved).lean())!.regionCode).to.equal('350305');
      const res = await server.api('/basedata/zones/350398/schools', {
        body: { schoolIds: [moved] },
        token: t.national,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.moved).to.equal(1);

      const putian = await server.login('putianAdmin', PASSWORD);
      const progress = await server.api(`/regions/350300/progress?period=${P}`, { token: putian });
      expect(progress.status, JSON.stringify(progress.body)).to.equal(200);
      const zoneRow = progress.body.children.find((c: any) => c.code === '350398');
      expect(zoneRow, 'zone among 莆田市 children').to.exist;
      expect(zoneRow.units).to.equal(1);
      const stats = await server.api(`/regions/350300/statistics?period=${P}&category=schoolNet`, {
        token: putian,
      });
      expect(stats.status, JSON.stringify(stats.body)).to.equal(200);
      expect(stats.body.children.map((r: any) => r.code)).to.include('350398');

      await regionUser('meizhouAdmin', '350398', 'admin');
      const zoneAdmin = await server.login('meizhouAdmin', PASSWORD);
      expect((await server.api(`/schools/${moved}`, { token: zoneAdmin })).status).to.equal(200);
      expect((await server.api(`/schools/${stays}`, { token: zoneAdmin })).status).to.equal(403);
      expect((await server.api('/regions/350305', { token: zoneAdmin })).status).to.equal(403);
      const zoneProgress = await server.api(`/regions/350398/progress?period=${P}`, { token: zoneAdmin });
      expect(zoneProgress.status).to.equal(200);
    });

    it('a zone is never touched by a GB/T 2260 share', async () => {
      const res = await upload(t.national, 'regions', csv([REGION_HEADER, ['350398', '湄洲岛改名', '']]));
      expect(res.status).to.equal(400);
      expect(res.body.error.details.problems[0].field).to.equal('code');
    });
  });
});
