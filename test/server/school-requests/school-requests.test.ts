import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEntry } from '../../../server/src/audit/model';
import { audienceOf } from '../../../server/src/bot-api/deliveries';
import type { BotRoomDoc } from '../../../server/src/bot-api/model';
import { OutboxEvent, type OutboxEventDoc } from '../../../server/src/outbox/model';
import { UserMessage } from '../../../server/src/messages/model';
import { SchoolRequest } from '../../../server/src/school-requests/model';
import { settleDecidedRequests } from '../../../server/src/school-requests/service';
import { School, type SchoolDoc } from '../../../server/src/schools/model';
import { PASSWORD, plainSchool, regionUser, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// Seed 001 §11 (确需删除，可向教育部提出申请) and §13 (隶属关系变更 逐级上报至教育部，经审核同意).
describe('school deletion and affiliation-change requests (seed 001 §11, §13)', function () {
  this.timeout(90_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  let initialized: SchoolDoc;
  let fresh: SchoolDoc;
  let outside: SchoolDoc;
  const api: TestServer['api'] = (path, init) => server.api(path, init);
  const file = (who: string, body: Record<string, unknown>) =>
    api('/school-requests', { token: t[who], body });

  before(async () => {
    server = await startTestServer('school_requests');
    initialized = await plainSchool('鼓楼第一中心小学', '350102', { initialized: true });
    fresh = await plainSchool('鼓楼新建小学', '350102');
    outside = await plainSchool('思明实验小学', '350203', { initialized: true });
    await regionUser('gl', '350102', 'admin');
    await regionUser('glInspector', '350102', 'inspector');
    await regionUser('fz', '350100', 'admin');
    await regionUser('xm', '350200', 'admin');
    await regionUser('natl', '000000', 'admin');
    await regionUser('natlAuditor', '000000', 'auditor');
    await schoolAdmin('sA', initialized);
    for (const u of ['gl', 'glInspector', 'fz', 'xm', 'natl', 'natlAuditor', 'sA'])
      t[u] = await server.login(u, PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  describe('filing', () => {
    it('refuses bad input with zh-CN errors, writing nothing', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ kind: 'delete', schoolId: String(initialized._id) }, 400, 'reason'],
        [{ kind: 'delete', schoolId: String(initialized._id), reason: '  ' }, 400, 'reason'],
        [{ kind: 'merge', schoolId: String(initialized._id), reason: '撤并' }, 400, 'kind'],
        [{ kind: 'transfer', schoolId: String(initialized._id), reason: '划转' }, 400, 'targetRegionCode'],
        [
          { kind: 'transfer', schoolId: String(initialized._id), reason: '划转', targetRegionCode: '359999' },
          400,
          'targetRegionCode',
        ],
        [
          { kind: 'transfer', schoolId: String(initialized._id), reason: '划转', targetRegionCode: '000000' },
          400,
          'targetRegionCode',
        ],
        [
          { kind: 'transfer', schoolId: String(initialized._id), reason: '划转', targetRegionCode: '350102' },
          409,
          'targetRegionCode',
        ],
      ];
      for (const [body, status, property] of cases) {
        const res = await file('gl', body);
        expect(res.status, JSON.stringify(body)).to.equal(status);
        expect(res.body.error.details?.property, JSON.stringify(body)).to.equal(property);
        expect(res.body.error.message).to.match(/[\u4e00-\u9fa5]/);
      }
      expect(await SchoolRequest.countDocuments()).to.equal(0);
    });

    it('needs no request to delete a school not yet initialized (409)', async () => {
      const res = await file('gl', { kind: 'delete', schoolId: String(fresh._id), reason: '录入错误' });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('SCHOOL_NOT_INITIALIZED');
    });

    it('is refused to outsiders, non-admins, school admins and the national level (403)', async () => {
      const body = { kind: 'delete', schoolId: String(initialized._id), reason: '学校已撤并' };
      for (const [who, code] of [
        ['xm', 'OUTSIDE_JURISDICTION'],
        ['glInspector', 'ROLE_FORBIDDEN'],
        ['sA', 'ROLE_FORBIDDEN'],
        ['natl', 'ROLE_FORBIDDEN'],
      ]) {
        const res = await file(who, body);
        expect(res.status, who).to.equal(403);
        expect(res.body.error.code, who).to.equal(code);
      }
      const foreign = await file('gl', { kind: 'delete', schoolId: String(outside._id), reason: '撤并' });
      expect(foreign.status).to.equal(403);
      expect(foreign.body.error.code).to.equal('OUTSIDE_JURISDICTION');
      expect(await SchoolRequest.countDocuments()).to.equal(0);
    });

    it('files a deletion request with its reason, once per school, audited', async () => {
      const res = await file('gl', {
        kind: 'delete',
        schoolId: String(initialized._id),
        reason: '学校已撤并',
      });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.include({
        kind: 'delete',
        status: 'pending',
        reason: '学校已撤并',
        decision: null,
      });
      const again = await file('fz', {
        kind: 'delete',
        schoolId: String(initialized._id),
        reason: '再次申请',
      });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('REQUEST_PENDING');
      const audit = await AuditEntry.findOne({ action: 'schoolRequest.delete.file' }).lean();
      expect(audit?.reason).to.equal('学校已撤并');
    });

    it('lists requests inside the caller’s jurisdiction only', async () => {
      const mine = await api('/school-requests?status=pending', { token: t.fz });
      expect(mine.status).to.equal(200);
      expect(mine.body.total).to.equal(1);
      const other = await api('/school-requests', { token: t.xm });
      expect(other.body.total).to.equal(0);
      const id = mine.body.items[0].id;
      expect((await api(`/school-requests/${id}`, { token: t.xm })).status).to.equal(403);
      expect((await api('/school-requests', { token: t.sA })).status).to.equal(403);
      expect((await api('/school-requests?status=maybe', { token: t.gl })).status).to.equal(400);
    });
  });

  describe('deciding', () => {
    let deleteId: string;
    before(async () => {
      deleteId = String((await SchoolRequest.findOne({ kind: 'delete' }).lean())!._id);
    });

    it('is the national admin’s alone (403 for everyone else, nothing changes)', async () => {
      for (const who of ['gl', 'fz', 'natlAuditor', 'xm']) {
        const res = await api(`/school-requests/${deleteId}/approve`, { token: t[who], body: {} });
        expect(res.status, who).to.equal(403);
      }
      expect(await School.exists({ _id: initialized._id })).to.not.equal(null);
      const noReason = await api(`/school-requests/${deleteId}/refuse`, { token: t.natl, body: {} });
      expect(noReason.status).to.equal(400);
      expect(noReason.body.error.details.property).to.equal('comment');
    });

    it('approves a deletion: the school is deleted, audited, the requester told (message and bot push)', async () => {
      const res = await api(`/school-requests/${deleteId}/approve`, {
        token: t.natl,
        body: { comment: '同意' },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.status).to.equal('approved');
      expect(res.body.decision).to.include({ comment: '同意' });
      expect(await School.exists({ _id: initialized._id })).to.equal(null);
      expect(await AuditEntry.countDocuments({ action: 'schoolRequest.delete.approve' })).to.equal(1);
      expect(await AuditEntry.countDocuments({ action: 'school.forceDelete' })).to.equal(1);

      const inbox = await api('/me/messages', { token: t.gl });
      expect(inbox.status).to.equal(200);
      expect(inbox.body.unread).to.equal(1);
      expect(inbox.body.items[0].title).to.include('已批准');
      expect(inbox.body.items[0].link).to.deep.equal({ type: 'school-request', id: deleteId });
      const foreign = await api(`/me/messages/${encodeURIComponent(inbox.body.items[0].id)}/read`, {
        token: t.xm,
        method: 'POST',
      });
      expect(foreign.status).to.equal(404);
      const read = await api(`/me/messages/${encodeURIComponent(inbox.body.items[0].id)}/read`, {
        token: t.gl,
        method: 'POST',
      });
      expect(read.status).to.equal(204);
      expect((await api('/me/messages', { token: t.gl })).body.unread).to.equal(0);

      const event = await OutboxEvent.findById(`school.request.decided:${deleteId}`).lean<OutboxEventDoc>();
      expect(event?.payload).to.include({ approved: true, school: '鼓楼第一中心小学', kind: 'delete' });
      const room = (code: string, path: string[], level: string) =>
        ({ regionCode: code, regionPath: path, regionLevel: level }) as Pick<
          BotRoomDoc,
          'regionCode' | 'regionPath' | 'regionLevel'
        >;
      expect(audienceOf(event!, room('350102', ['000000', '350000', '350100'], 'county'))).to.equal(
        event!._id,
      );
      expect(audienceOf(event!, room('350200', ['000000', '350000'], 'city'))).to.equal(undefined);

      const again = await api(`/school-requests/${deleteId}/refuse`, {
        token: t.natl,
        body: { comment: '驳回' },
      });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('REQUEST_DECIDED');
    });

    it('refuses a transfer (school unchanged), then approves a new request (school moved)', async () => {
      const body = {
        kind: 'transfer',
        schoolId: String(fresh._id),
        reason: '行政区划调整',
        targetRegionCode: '350103',
      };
      const first = await file('gl', body);
      expect(first.status).to.equal(201);
      expect(first.body.target).to.deep.equal({ regionCode: '350103', name: '台江区' });
      const refused = await api(`/school-requests/${first.body.id}/refuse`, {
        token: t.natl,
        body: { comment: '请先完成区划调整' },
      });
      expect(refused.status).to.equal(200);
      expect(refused.body.status).to.equal('refused');
      expect((await School.findById(fresh._id).lean())?.regionCode).to.equal('350102');
      const msg = await UserMessage.findById(`school-request:${first.body.id}:decided`).lean();
      expect(msg?.body).to.include('请先完成区划调整');

      const second = await file('gl', body);
      expect(second.status, 'the refusal released the school').to.equal(201);
      const approved = await api(`/school-requests/${second.body.id}/approve`, { token: t.natl, body: {} });
      expect(approved.status).to.equal(200);
      const moved = await School.findById(fresh._id).lean();
      expect(moved?.regionCode).to.equal('350103');
      expect(moved?.regionPath).to.deep.equal(['000000', '350000', '350100', '350103']);
    });

    it('leaves the request pending when the approval cannot be carried out (409, nothing moved)', async () => {
      const x = await plainSchool('同名小学', '350102');
      await plainSchool('同名小学', '350103');
      const filed = await file('gl', {
        kind: 'transfer',
        schoolId: String(x._id),
        reason: '划转',
        targetRegionCode: '350103',
      });
      const res = await api(`/school-requests/${filed.body.id}/approve`, { token: t.natl, body: {} });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('SCHOOL_NAME_TAKEN');
      const after = await api(`/school-requests/${filed.body.id}`, { token: t.gl });
      expect(after.body.status).to.equal('pending');
      expect(after.body.decision).to.equal(null);
      expect((await School.findById(x._id).lean())?.regionCode).to.equal('350102');
    });

    it('settles a decision a crash left half-done, once', async () => {
      const school = await plainSchool('中断测试学校', '350102', { initialized: true });
      const gl = (await SchoolRequest.findOne({ requesterName: 'gl' }).lean())!;
      const now = new Date();
      const r = await SchoolRequest.create({
        kind: 'delete',
        schoolId: school._id,
        schoolName: school.name,
        regionCode: '350102',
        regionPath: school.regionPath,
        reason: '撤并',
        status: 'approved',
        requestedBy: gl.requestedBy,
        requesterName: 'gl',
        requesterRegionCode: '350102',
        requesterRegionPath: ['000000', '350000', '350100', '350102'],
        requestedAt: new Date(now.getTime() - 600_000),
        decidedBy: new Types.ObjectId(),
        deciderName: 'natl',
        decidedAt: new Date(now.getTime() - 300_000),
      });
      const deps = { clock: () => new Date() };
      expect(await settleDecidedRequests(deps)).to.equal(1);
      expect(await settleDecidedRequests(deps)).to.equal(0);
      expect(await School.exists({ _id: school._id })).to.equal(null);
      expect(await UserMessage.countDocuments({ _id: `school-request:${String(r._id)}:decided` })).to.equal(
        1,
      );
      expect((await SchoolRequest.findById(r._id).lean())?.settledAt).to.be.instanceOf(Date);
    });
  });
});
