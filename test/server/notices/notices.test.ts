import { regionRoleBinding, schoolAdminBinding, userWith, type BindingInput } from '../../helpers/fixtures';
import type { SchoolRef } from '../../../server/src/accounts/factories';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { AuditEntry } from '../../../server/src/audit/model';
import { Notice } from '../../../server/src/notices/model';
import { emitPendingNoticeEvents } from '../../../server/src/notices/service';
import { OutboxEvent } from '../../../server/src/outbox/model';
import type { SchoolType } from '@eduprogress/shared';
import { School } from '../../../server/src/schools/model';
import { startTestServer, type TestServer } from '../../helpers/server';

const PASSWORD = 'Pass12345';
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20_000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(100, 1),
]);

describe('notices (通知公告): scope, content, attachments, read receipts', function () {
  this.timeout(60_000);
  let server: TestServer;
  let dataDir: string;
  const tokens: Record<string, string> = {};
  const users: Record<string, string> = {};

  const region = (code: string, regionPath: string[]) => [regionRoleBinding('admin', code, regionPath)];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'notices-'));
    server = await startTestServer('notices', { env: { DATA_DIR: dataDir } });
    const hash = await hashPassword(PASSWORD);
    const schoolIn = (name: string, type: SchoolType, code: string, regionPath: string[]) =>
      School.create({ name, type, regionCode: code, regionPath });
    const [gulouPrimary, gulouMiddle, simingPrimary, fujianDirect, hangzhouPrimary] = await Promise.all([
      schoolIn('鼓楼第一中心小学', '小学', '350102', ['000000', '350000', '350100', '350102']),
      schoolIn('鼓楼初级中学', '初中', '350102', ['000000', '350000', '350100', '350102']),
      schoolIn('思明实验小学', '小学', '350203', ['000000', '350000', '350200', '350203']),
      schoolIn('福建省直属小学', '小学', '350000', ['000000', '350000']),
      schoolIn('上城区小学', '小学', '330102', ['000000', '330000', '330100', '330102']),
    ]);
    const school = (s: SchoolRef) => [schoolAdminBinding(s)];
    const people: [string, string, BindingInput[]][] = [
      ['nat', '全国管理员', region('000000', [])],
      ['fj', '福建省管理员', region('350000', ['000000'])],
      ['fjAuditor', '福建省审核员', [regionRoleBinding('auditor', '350000', ['000000'])]],
      ['fz', '福州市管理员', region('350100', ['000000', '350000'])],
      ['gl', '鼓楼区管理员', region('350102', ['000000', '350000', '350100'])],
      ['xm', '厦门市管理员', region('350200', ['000000', '350000'])],
      ['sm', '思明区管理员', region('350203', ['000000', '350000', '350200'])],
      ['zj', '浙江省管理员', region('330000', ['000000'])],
      ['schGulou', '鼓楼小学管理员', school(gulouPrimary)],
      ['schMiddle', '鼓楼初中管理员', school(gulouMiddle)],
      ['schSiming', '思明小学管理员', school(simingPrimary)],
      ['schDirect', '省直属小学管理员', school(fujianDirect)],
      ['schZj', '浙江小学管理员', school(hangzhouPrimary)],
    ];
    const created = await User.insertMany(
      people.map(([loginName, name, bindings]) =>
        userWith(loginName, bindings, { name, passwordHash: hash }),
      ),
    );
    for (const u of created) users[u.loginName] = String(u._id);
    await Promise.all(
      people.map(async ([loginName]) => {
        tokens[loginName] = await server.login(loginName, PASSWORD);
      }),
    );
  });
  after(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const create = (who: string, body: Record<string, unknown>) =>
    server.api('/notices', { token: tokens[who], body });
  const received = async (who: string) => (await server.api('/notices', { token: tokens[who] })).body;

  /** Raw-body upload, as the mini-program's uploadFile or a script would send it. */
  const upload = (who: string, noticeId: string, filename: string | undefined, body: Buffer, type: string) =>
    fetch(
      `${server.url}/api/v1/notices/${noticeId}/attachments${filename === undefined ? '' : `?filename=${encodeURIComponent(filename)}`}`,
      { method: 'POST', headers: { Authorization: `Bearer ${tokens[who]}`, 'Content-Type': type }, body },
    );
  const uploadForm = (who: string, noticeId: string, files: [string, Buffer, string][]) => {
    const form = new FormData();
    for (const [name, bytes, type] of files) form.append('file', new Blob([bytes], { type }), name);
    return fetch(`${server.url}/api/v1/notices/${noticeId}/attachments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens[who]}` },
      body: form,
    });
  };
  const filesOf = async (noticeId: string) => {
    try {
      return (await readdir(path.join(dataDir, 'attachments', noticeId))).sort();
    } catch {
      return [];
    }
  };

  describe('publishing and scope', () => {
    let noticeId: string;

    it('a province admin publishes to cities, counties and primary schools; the content is sanitised', async () => {
      const res = await create('fj', {
        title: '  关于做好2026年第四季度信息化进展填报工作的通知 ',
        content:
          '<p onclick="steal()" style="color:red">请各地<strong>按时</strong>填报。<script>alert(1)</script></p>' +
          '<iframe src="https://evil.example/"></iframe><style>p{display:none}</style>' +
          '<a href="javascript:alert(1)">坏链接</a><a href="https://www.moe.gov.cn/" target="x">教育部</a>' +
          '<img src="data:image/png;base64,AAAA" onerror="x()"><img src="https://img.example/a.png" alt="图">' +
          '<form action="/x"><input name="p"></form><table><tr><td colspan="2">表</td></tr></table>',
        scope: { levels: ['county', 'city'], schoolTypes: ['小学'] },
      });
      expect(res.status).to.equal(201);
      noticeId = res.body.id;
      expect(res.body).to.deep.include({
        title: '关于做好2026年第四季度信息化进展填报工作的通知',
        status: 'published',
        regionCode: '350000',
        regionName: '福建省',
        authorName: '福建省管理员',
        canManage: true,
      });
      expect(res.body.scope).to.deep.equal({ levels: ['city', 'county'], schoolTypes: ['小学'] });
      const html: string = res.body.content;
      for (const bad of [
        'script',
        'onclick',
        'style',
        'iframe',
        'javascript:',
        'onerror',
        'data:',
        '<form',
        '<input',
      ]) {
        expect(html, bad).not.to.contain(bad);
      }
      expect(html).to.contain('<p>请各地<strong>按时</strong>填报。</p>');
      expect(html).to.contain(
        '<a href="https://www.moe.gov.cn/" target="_blank" rel="noopener noreferrer">教育部</a>',
      );
      expect(html).to.contain('<img src="https://img.example/a.png" alt="图" />');
      expect(html).to.contain('<td colspan="2">表</td>');
      expect(res.body.publishedAt).to.match(/\+08:00$/);

      const event = await OutboxEvent.findById(`notice.published:${noticeId}`).lean();
      expect(event).to.deep.include({ type: 'notice.published', regionCode: '350000' });
      expect(event?.regionPath).to.deep.equal(['000000']);
      expect(event?.payload).to.deep.include({ noticeId, title: res.body.title, regionName: '福建省' });
      expect((await Notice.findById(noticeId).lean())?.eventPending).to.equal(undefined);
      expect(await AuditEntry.countDocuments({ action: 'notice.publish', targetId: noticeId })).to.equal(1);
    });

    it('recipients see it with a read flag; everyone else does not', async () => {
      for (const who of ['fz', 'gl', 'xm', 'sm', 'schGulou', 'schSiming', 'schDirect']) {
        const list = await received(who);
        expect(
          list.items.map((n: { id: string }) => n.id),
          who,
        ).to.deep.equal([noticeId]);
        expect(list.items[0], who).to.deep.include({ read: false, readAt: null, attachmentCount: 0 });
        expect(list.items[0]).not.to.have.property('content');
        expect(list, who).to.deep.include({ total: 1, page: 1, pageSize: 20 });
      }
      // Province level is not in scope; 初中 is not; Zhejiang and the nation are outside the subtree.
      for (const who of ['fj', 'fjAuditor', 'nat', 'zj', 'schMiddle', 'schZj']) {
        expect((await received(who)).total, who).to.equal(0);
      }
      const sent = await server.api('/notices?box=sent', { token: tokens.fj });
      expect(sent.body.items.map((n: { id: string }) => n.id)).to.deep.equal([noticeId]);
    });

    it('the detail is for recipients and the authoring region; outsiders get 403', async () => {
      const ok = await server.api(`/notices/${noticeId}`, { token: tokens.gl });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.include({ id: noticeId, canManage: false, read: false });
      expect(ok.body.content).to.contain('按时');
      expect((await server.api(`/notices/${noticeId}`, { token: tokens.fj })).body.canManage).to.equal(true);
      for (const who of ['nat', 'zj', 'schMiddle', 'schZj', 'fjAuditor']) {
        const res = await server.api(`/notices/${noticeId}`, { token: tokens[who] });
        expect(res.status, who).to.equal(403);
        expect(res.body.error.message, who).to.equal('该通知不在您的接收范围内，无法查看');
      }
      const missing = await server.api('/notices/0123456789abcdef01234567', { token: tokens.gl });
      expect(missing.status).to.equal(404);
      expect(missing.body.error.message).to.equal('通知不存在');
    });

    it('marking read is idempotent, and authors see read counts per unit', async () => {
      const first = await server.api(`/notices/${noticeId}/read`, { token: tokens.gl, method: 'POST' });
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.include({ read: true, first: true });
      const again = await server.api(`/notices/${noticeId}/read`, { token: tokens.gl, method: 'POST' });
      expect(again.body).to.deep.include({ read: true, first: false, readAt: first.body.readAt });
      await Promise.all([
        server.api(`/notices/${noticeId}/read`, { token: tokens.schGulou, method: 'POST' }),
        server.api(`/notices/${noticeId}/read`, { token: tokens.schGulou, method: 'POST' }),
        server.api(`/notices/${noticeId}/read`, { token: tokens.schDirect, method: 'POST' }),
      ]);
      expect(await AuditEntry.countDocuments({ action: 'notice.read', targetId: noticeId })).to.equal(3);
      expect((await received('gl')).items[0]).to.deep.include({ read: true, readAt: first.body.readAt });
      expect((await received('sm')).items[0].read).to.equal(false);

      const reads = await server.api(`/notices/${noticeId}/reads`, { token: tokens.fj });
      expect(reads.status).to.equal(200);
      expect(reads.body.totals).to.deep.equal({ recipients: 7, read: 3 });
      const unit = (code: string) => reads.body.units.find((u: { code: string }) => u.code === code);
      expect(reads.body.units[0]).to.deep.include({ code: '350000', direct: true, recipients: 1, read: 1 });
      expect(reads.body.units[0].name).to.equal('福建省（本级及直属学校）');
      expect(unit('350100')).to.deep.include({ name: '福州市', recipients: 3, read: 2, direct: false });
      expect(unit('350200')).to.deep.include({ name: '厦门市', recipients: 3, read: 0 });
      expect(unit('350300')).to.deep.include({ recipients: 0, read: 0 });
      expect(reads.body.units.length).to.be.greaterThan(9);
    });

    it('only recipients mark read, only the authoring region sees counts: 403 otherwise', async () => {
      for (const who of ['zj', 'schMiddle', 'nat', 'fj']) {
        const res = await server.api(`/notices/${noticeId}/read`, { token: tokens[who], method: 'POST' });
        expect(res.status, who).to.equal(403);
        expect(res.body.error.message).to.equal('该通知不在您的接收范围内，无法标记已读');
      }
      for (const who of ['gl', 'fz', 'zj', 'nat', 'fjAuditor']) {
        const res = await server.api(`/notices/${noticeId}/reads`, { token: tokens[who] });
        expect(res.status, who).to.equal(403);
        expect(res.body.error.message).to.equal('只有发布该通知的地区的管理员可以管理该通知');
      }
    });

    it('a county admin writes to its own level and its schools, never above', async () => {
      const above = await create('gl', {
        title: '越级',
        content: '<p>内容</p>',
        scope: { levels: ['city', 'county'] },
      });
      expect(above.status).to.equal(400);
      expect(above.body.error).to.deep.include({
        code: 'NOTICE_SCOPE_OUTSIDE',
        message: '接收范围超出本地区：不能发给市级管理员，只能发给本级及下级',
      });
      expect(above.body.error.details.property).to.equal('scope.levels');
      const ok = await create('gl', {
        title: '鼓楼区通知',
        content: '请初中学校注意',
        scope: { schoolTypes: ['初中'] },
      });
      expect(ok.status).to.equal(201);
      expect((await received('schMiddle')).items.map((n: { id: string }) => n.id)).to.deep.equal([
        ok.body.id,
      ]);
      expect((await received('schGulou')).total).to.equal(1);
      expect((await received('fz')).total).to.equal(1);
    });
  });

  describe('a publication interrupted before its event', () => {
    it('is finished by the scheduler step, once', async () => {
      const { body } = await create('fz', {
        title: '中断的发布',
        content: '内容',
        scope: { levels: ['county'] },
      });
      await OutboxEvent.deleteOne({ _id: `notice.published:${body.id}` });
      await Notice.updateOne({ _id: body.id }, { $set: { eventPending: true } });
      const clock = () => new Date();
      expect(await emitPendingNoticeEvents(clock)).to.equal(1);
      expect(await emitPendingNoticeEvents(clock)).to.equal(0);
      const event = await OutboxEvent.findById(`notice.published:${body.id}`).lean();
      expect(event?.payload).to.deep.include({ title: '中断的发布', regionCode: '350100' });
    });
  });

  describe('bad input: 400 in Chinese, nothing stored', () => {
    it('rejects malformed bodies and unsafe-only content', async () => {
      const before = await Notice.countDocuments();
      const valid = { title: '标题', content: '<p>内容</p>', scope: { levels: ['county'] } };
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ ...valid, title: '   ' }, 'title', /标题/],
        [{ ...valid, title: 'x'.repeat(101) }, 'title', /标题/],
        [{ ...valid, content: '' }, 'content', /内容/],
        [{ ...valid, content: '<script>alert(1)</script><p> &nbsp; </p>' }, 'content', /通知内容不能为空/],
        [{ ...valid, scope: {} }, 'scope', /请至少选择一项接收范围/],
        [{ ...valid, scope: { levels: ['town'] } }, 'scope.levels.0', /级别/],
        [{ ...valid, scope: { schoolTypes: ['大学'] } }, 'scope.schoolTypes.0', /学校类型/],
        [{ ...valid, scope: { levels: ['county', 'county'] } }, 'scope.levels', /地区管理员级别/],
        [{ ...valid, scope: { levels: ['county'], all: true } }, 'scope.all', /不允许提交未定义的字段/],
        [{ ...valid, author: 'x' }, 'author', /不允许提交未定义的字段/],
        [{ title: '标题', content: '内容' }, 'scope', /缺少必填字段/],
        [{ ...valid, draft: 'yes' }, 'draft', /草稿/],
      ];
      for (const [body, property, message] of cases) {
        const res = await create('fj', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.details.property, JSON.stringify(body)).to.equal(property);
        expect(res.body.error.message, JSON.stringify(body)).to.match(message);
      }
      const badJson = await server.api('/notices', {
        token: tokens.fj,
        body: '{"title":',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(badJson.status).to.equal(400);
      expect(badJson.body.error.message).to.equal('请求体不是合法的 JSON');
      for (const path of ['/notices?box=all', '/notices?page=0', '/notices?q=x', '/notices/not-an-id']) {
        const res = await server.api(path, { token: tokens.fj });
        expect(res.status, path).to.equal(400);
      }
      expect(await Notice.countDocuments()).to.equal(before);
    });

    it('only region managers write notices', async () => {
      const body = { title: '标题', content: '内容', scope: { schoolTypes: ['小学'] } };
      for (const who of ['schGulou', 'fjAuditor']) {
        const res = await create(who, body);
        expect(res.status, who).to.equal(403);
        expect(res.body.error.message).to.equal('只有地区管理员可以发布通知公告');
      }
      expect((await server.api('/notices', { body })).status).to.equal(401);
    });
  });

  describe('attachments', () => {
    let draftId: string;
    let pdfId: string;

    before(async () => {
      const res = await create('fz', {
        title: '福州市培训安排（附件）',
        content: '<p>见附件</p>',
        scope: { levels: ['county'], schoolTypes: ['小学', '初中'] },
        draft: true,
      });
      expect(res.status).to.equal(201);
      expect(res.body.status).to.equal('draft');
      draftId = res.body.id;
    });

    it('a draft is the authoring region’s alone, and writes no event', async () => {
      expect((await received('gl')).items.map((n: { id: string }) => n.id)).not.to.include(draftId);
      expect((await server.api(`/notices/${draftId}`, { token: tokens.gl })).status).to.equal(403);
      expect(await OutboxEvent.exists({ _id: `notice.published:${draftId}` })).to.equal(null);
    });

    it('uploads a raw file (streamed) and multipart files; downloads stream with RFC 5987 names', async () => {
      const raw = await upload('fz', draftId, '培训安排 (定稿).pdf', PDF, 'application/pdf');
      expect(raw.status).to.equal(201);
      const rawBody: any = await raw.json();
      pdfId = rawBody.items[0].id;
      expect(rawBody.items[0]).to.deep.include({
        filename: '培训安排 (定稿).pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        path: `/notices/${draftId}/attachments/${pdfId}`,
      });
      const form = await uploadForm('fz', draftId, [
        ['C:\\Users\\fz\\签到表.png', PNG, 'image/png'],
        ['说明.txt', Buffer.from('第一行\n第二行\n'), 'text/plain'],
      ]);
      expect(form.status).to.equal(201);
      const formBody: any = await form.json();
      expect(formBody.items.map((a: { filename: string }) => a.filename)).to.deep.equal([
        '签到表.png',
        '说明.txt',
      ]);
      expect(await filesOf(draftId)).to.deep.equal(
        [pdfId, ...formBody.items.map((a: { id: string }) => a.id)].sort(),
      );

      const published = await server.api(`/notices/${draftId}/publish`, { token: tokens.fz, method: 'POST' });
      expect(published.status).to.equal(200);
      expect(published.body.status).to.equal('published');
      expect(published.body.attachments).to.have.length(3);
      const event = await OutboxEvent.findById(`notice.published:${draftId}`).lean();
      expect(event?.payload).to.deep.include({ attachmentCount: 3 });
      const republished = await server.api(`/notices/${draftId}/publish`, {
        token: tokens.fz,
        method: 'POST',
      });
      expect(republished.body.publishedAt).to.equal(published.body.publishedAt);

      const download = await fetch(`${server.url}/api/v1/notices/${draftId}/attachments/${pdfId}`, {
        headers: { Authorization: `Bearer ${tokens.schGulou}` },
      });
      expect(download.status).to.equal(200);
      expect(download.headers.get('content-type')).to.equal('application/pdf');
      expect(download.headers.get('content-length')).to.equal(String(PDF.length));
      expect(download.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(download.headers.get('content-disposition')).to.equal(
        `attachment; filename="____ (__).pdf"; filename*=UTF-8''${encodeURIComponent('培训安排')}%20%28${encodeURIComponent('定稿')}%29.pdf`,
      );
      expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).to.equal(true);
    });

    it('refuses bad files with 400/413 in Chinese and leaves no file behind', async () => {
      const before = (await Notice.findById(draftId).lean())!.attachments.length;
      const filesBefore = await filesOf(draftId);
      const cases: [Promise<Response>, number, string, RegExp][] = [
        [
          upload('fz', draftId, 'setup.exe', Buffer.from('MZ\x90\x00'), 'application/octet-stream'),
          400,
          'ATTACHMENT_TYPE_NOT_ALLOWED',
          /不支持的附件类型「\.exe」/,
        ],
        [
          upload('fz', draftId, '无扩展名', PDF, 'application/pdf'),
          400,
          'ATTACHMENT_TYPE_NOT_ALLOWED',
          /不支持的附件类型/,
        ],
        [
          upload('fz', draftId, '伪装.pdf', Buffer.from('MZ\x90\x00 not a pdf'), 'application/pdf'),
          400,
          'ATTACHMENT_CONTENT_MISMATCH',
          /附件内容与文件类型「\.pdf」不符/,
        ],
        [
          upload('fz', draftId, '二进制.txt', Buffer.from([0x41, 0x00, 0x42]), 'text/plain'),
          400,
          'ATTACHMENT_CONTENT_MISMATCH',
          /不符/,
        ],
        [
          upload('fz', draftId, '空.pdf', Buffer.alloc(0), 'application/pdf'),
          400,
          'ATTACHMENT_EMPTY',
          /空文件/,
        ],
        [upload('fz', draftId, undefined, PDF, 'application/pdf'), 400, 'VALIDATION_FAILED', /filename/],
        [
          upload('fz', draftId, 'a\u0001.pdf', PDF, 'application/pdf'),
          400,
          'ATTACHMENT_NAME_INVALID',
          /文件名不合法/,
        ],
        [
          upload(
            'fz',
            draftId,
            '大文件.pdf',
            Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]),
            'application/pdf',
          ),
          413,
          'ATTACHMENT_TOO_LARGE',
          /单个附件不能超过 20 MB/,
        ],
        [
          upload('fz', draftId, '通知.pdf', Buffer.from('{"a":1}'), 'application/json'),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          /不要用 JSON/,
        ],
        // One bad file in a multipart upload: none of them is stored.
        [
          uploadForm('fz', draftId, [
            ['好.png', PNG, 'image/png'],
            ['坏.png', PDF, 'image/png'],
          ]),
          400,
          'ATTACHMENT_CONTENT_MISMATCH',
          /「\.png」不符/,
        ],
        [
          uploadForm('fz', draftId, [['病毒.js', Buffer.from('alert(1)'), 'text/javascript']]),
          400,
          'ATTACHMENT_TYPE_NOT_ALLOWED',
          /「\.js」/,
        ],
        [
          uploadForm('fz', draftId, [
            [
              '大.zip',
              Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(20 * 1024 * 1024)]),
              'application/zip',
            ],
          ]),
          413,
          'ATTACHMENT_TOO_LARGE',
          /20 MB/,
        ],
      ];
      for (const [pending, status, code, message] of cases) {
        const res = await pending;
        const body: any = await res.json();
        expect(res.status, code).to.equal(status);
        expect(body.error.code, `${code}: ${body.error.message}`).to.equal(code);
        expect(body.error.message).to.match(message);
      }
      // A body of unknown length that grows past the limit is cut off while streaming.
      const chunk = Buffer.alloc(1024 * 1024, 0x41);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new Uint8Array(Buffer.from('%PDF-1.7\n')));
          else if (sent > 22) controller.close();
          else controller.enqueue(new Uint8Array(chunk));
          sent++;
        },
      });
      const streamed = await fetch(
        `${server.url}/api/v1/notices/${draftId}/attachments?filename=${encodeURIComponent('流.pdf')}`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${tokens.fz}`, 'Content-Type': 'application/pdf' },
          body: stream,
          duplex: 'half',
        } as RequestInit,
      );
      expect(streamed.status).to.equal(413);
      expect((await Notice.findById(draftId).lean())!.attachments.length).to.equal(before);
      expect(await filesOf(draftId)).to.deep.equal(filesBefore);
    });

    it('outsiders get 403 on every notice endpoint', async () => {
      const pdf = `/notices/${draftId}/attachments/${pdfId}`;
      for (const who of ['zj', 'xm', 'nat', 'schZj']) {
        const token = tokens[who];
        const checks: [string, Promise<{ status: number }>][] = [
          ['detail', server.api(`/notices/${draftId}`, { token })],
          ['read', server.api(`/notices/${draftId}/read`, { token, method: 'POST' })],
          ['reads', server.api(`/notices/${draftId}/reads`, { token })],
          ['publish', server.api(`/notices/${draftId}/publish`, { token, method: 'POST' })],
          ['upload', upload(who, draftId, '外人.pdf', PDF, 'application/pdf')],
          ['upload multipart', uploadForm(who, draftId, [['外人.png', PNG, 'image/png']])],
          ['download', server.api(pdf, { token })],
          ['delete', server.api(pdf, { token, method: 'DELETE' })],
        ];
        for (const [what, pending] of checks) {
          expect((await pending).status, `${who} ${what}`).to.equal(403);
        }
      }
      // Recipients may read and download but not manage.
      expect((await server.api(pdf, { token: tokens.gl, method: 'DELETE' })).status).to.equal(403);
      expect((await upload('gl', draftId, 'x.pdf', PDF, 'application/pdf')).status).to.equal(403);
      expect(await filesOf(draftId)).to.have.length(3);
    });

    it('the authoring region deletes an attachment, file and all', async () => {
      const res = await server.api(`/notices/${draftId}/attachments/${pdfId}`, {
        token: tokens.fz,
        method: 'DELETE',
      });
      expect(res.status).to.equal(200);
      expect(await filesOf(draftId)).not.to.include(pdfId);
      expect((await server.api(`/notices/${draftId}`, { token: tokens.gl })).body.attachments).to.have.length(
        2,
      );
      const gone = await server.api(`/notices/${draftId}/attachments/${pdfId}`, { token: tokens.gl });
      expect(gone.status).to.equal(404);
      expect(gone.body.error.message).to.equal('附件不存在');
      expect(await AuditEntry.countDocuments({ targetId: draftId, action: /^notice\.attachment/ })).to.equal(
        4,
      );
    });
  });
  describe('a draft whose attachment upload failed', () => {
    const tooBig = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20 * 1024 * 1024 + 10, 0x20)]);
    const draft = async (title: string) => {
      const res = await create('gl', {
        title,
        content: '<p>见附件</p>',
        scope: { levels: [], schoolTypes: ['小学'] },
        draft: true,
      });
      expect(res.status).to.equal(201);
      const refused = await uploadForm('gl', res.body.id, [['太大的文件.pdf', tooBig, 'application/pdf']]);
      expect(refused.status).to.equal(413);
      return res.body.id as string;
    };

    it('stays listed and opens for its region, and can still take a file and be published', async () => {
      const id = await draft('附件上传失败后发布的草稿');
      const sent = (await server.api('/notices?box=sent', { token: tokens.gl })).body.items;
      expect(sent.find((n: { id: string }) => n.id === id)).to.deep.include({
        status: 'draft',
        attachmentCount: 0,
      });
      const open = await server.api(`/notices/${id}`, { token: tokens.gl });
      expect(open.status).to.equal(200);
      expect(open.body).to.deep.include({ status: 'draft', canManage: true, attachments: [] });
      expect((await uploadForm('gl', id, [['说明.png', PNG, 'image/png']])).status).to.equal(201);
      const published = await server.api(`/notices/${id}/publish`, { token: tokens.gl, method: 'POST' });
      expect(published.status).to.equal(200);
      expect(published.body).to.deep.include({ status: 'published', attachmentCount: 1 });
    });

    it('is deleted with its files by its region only; a published notice is not deleted', async () => {
      const id = await draft('附件上传失败后删除的草稿');
      expect((await uploadForm('gl', id, [['留下的.png', PNG, 'image/png']])).status).to.equal(201);
      expect(await filesOf(id)).to.have.length(1);
      for (const who of ['sm', 'zj', 'schGulou', 'fz']) {
        const res = await server.api(`/notices/${id}`, { token: tokens[who], method: 'DELETE' });
        expect(res.status, who).to.equal(403);
      }
      const res = await server.api(`/notices/${id}`, { token: tokens.gl, method: 'DELETE' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.equal({ id, deleted: true });
      expect(await Notice.exists({ _id: id })).to.equal(null);
      expect(await filesOf(id)).to.deep.equal([]);
      expect(await AuditEntry.countDocuments({ targetId: id, action: 'notice.delete' })).to.equal(1);
      const again = await server.api(`/notices/${id}`, { token: tokens.gl, method: 'DELETE' });
      expect(again.status).to.equal(404);

      const live = await create('gl', {
        title: '已发布的通知',
        content: '<p>已发</p>',
        scope: { levels: [], schoolTypes: ['小学'] },
      });
      const refused = await server.api(`/notices/${live.body.id}`, { token: tokens.gl, method: 'DELETE' });
      expect(refused.status).to.equal(409);
      expect(refused.body.error).to.deep.include({
        code: 'NOTICE_PUBLISHED',
        message: '已发布的通知不能删除，只有草稿可以删除',
      });
      expect(await Notice.exists({ _id: live.body.id })).to.not.equal(null);
    });
  });
});
