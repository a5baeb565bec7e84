// Notices (seed 000 §6.4 通知公告): a region's managers write to admins of chosen levels and schools of
// chosen types within their subtree; recipients read them (with receipts), the authors follow read counts
// per unit. Publishing writes a `notice.published` outbox event for the bot.
// Over 500 lines: recipients, writing, reading with receipts and read counts share the scope rules below;
// not split yet (issue 10) to keep parallel notice work mergeable.
import { Types } from 'mongoose';
import {
  REGION_LEVEL_LABELS,
  REGION_LEVELS,
  SCHOOL_TYPES,
  regionScope,
  scopeOf,
  toShanghaiIso,
  type RegionLevel,
  type SchoolType,
  type NoticeSummary,
} from '@eduprogress/shared';
import type { Caller as AccessCaller } from '../access/caller';
import { isManager } from '../access/rules';
import { requireRegionManager } from '../schools/admin-accounts';
import { User, type Binding, type UserDoc } from '../accounts/model';
import { recordAudit } from '../audit/service';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { Region, type RegionDoc } from '../regions/model';
import { emitEvent as emitEventOnce } from '../outbox/service';
import { School, type SchoolDoc } from '../schools/model';
import type { AttachmentStore, CheckedName } from './attachments';
import { hasVisibleContent, sanitizeNoticeContent } from './content';
import {
  Notice,
  NoticeReceipt,
  receiptId,
  type NoticeAttachment,
  type NoticeDoc,
  type NoticeReceiptDoc,
  type NoticeScope,
} from './model';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
  notAuthor: '只有地区管理员可以发布通知公告',
  notManager: '只有发布该通知的地区的管理员可以管理该通知',
  notFound: '通知不存在',
  outside: '该通知不在您的接收范围内，无法查看',
  notRecipient: '该通知不在您的接收范围内，无法标记已读',
  regionMissing: (code: string) => `地区 ${code} 不存在`,
  scopeEmpty: '请至少选择一项接收范围：地区管理员级别或学校类型',
  levelAbove: (label: string) => `接收范围超出本地区：不能发给${label}管理员，只能发给本级及下级`,
  contentEmpty: '通知内容不能为空（去掉不安全的内容后没有剩下文字或图片）',
  tooManyAttachments: (n: number) => `每条通知最多 ${n} 个附件，请先删除不需要的附件`,
  attachmentNotFound: '附件不存在',
  fileMissing: '附件文件已丢失，请联系发布通知的管理员重新上传',
  noticeGone: '通知已不存在',
  publishedStays: '已发布的通知不能删除，只有草稿可以删除',
  directUnit: (name: string) => `${name}（本级及直属学校）`,
};

export const ATTACHMENTS_PER_NOTICE = 10;

/** Who is calling (access/caller.ts): the person (id and name for read receipts), binding and actor. */
export type NoticeCaller = Pick<AccessCaller, 'binding' | 'actor'> & { user: Pick<UserDoc, '_id' | 'name'> };

export interface NoticeDeps {
  clock: Clock;
  store: AttachmentStore;
}

// ---------------------------------------------------------------------------------------------
// Who receives what

/** A caller's place as a possible recipient: a region admin of a level, or a school admin of a type. */
interface Recipient {
  kind: 'region' | 'school';
  level?: RegionLevel;
  schoolType?: SchoolType;
  /** Ancestor codes down to the caller's own region (a school: down to its managing region). */
  path: string[];
}

function schoolPath(s: Pick<SchoolDoc, 'regionCode' | 'regionPath'>): string[] {
  return s.regionPath.includes(s.regionCode) ? s.regionPath : scopeOf(s.regionPath, s.regionCode);
}

async function recipientOf(binding: Binding | undefined): Promise<Recipient | undefined> {
  if (binding?.kind === 'region' && binding.regionCode) {
    const region = await Region.findById(binding.regionCode).lean<RegionDoc>();
    return region ? { kind: 'region', level: region.level, path: regionScope(region) } : undefined;
  }
  if (binding?.kind === 'school' && binding.schoolId) {
    const school = await School.findById(binding.schoolId).lean<SchoolDoc>();
    return school ? { kind: 'school', schoolType: school.type, path: schoolPath(school) } : undefined;
  }
  return undefined; // teachers receive no notices
}

function reaches(notice: NoticeDoc, r: Recipient): boolean {
  if (notice.status !== 'published' || !r.path.includes(notice.regionCode)) return false;
  return r.kind === 'region'
    ? notice.scope.levels.includes(r.level!)
    : notice.scope.schoolTypes.includes(r.schoolType!);
}

/** The author region's direct child on the way down to `path`, or the author region itself. */
function unitOf(authorCode: string, path: string[]): string {
  const i = path.indexOf(authorCode);
  return path[i + 1] ?? authorCode;
}

/** Managers of the authoring region run the notice (staff change; the notice belongs to the region). */
function manages(binding: Binding | undefined, notice: NoticeDoc): boolean {
  return isManager(binding) && binding.regionCode === notice.regionCode;
}

async function loadNotice(id: string): Promise<NoticeDoc> {
  const notice = await Notice.findById(id).lean<NoticeDoc>();
  if (!notice) throw new NotFoundError(messages.notFound, 'NOTICE_NOT_FOUND');
  return notice;
}

function assertManager(caller: NoticeCaller, notice: NoticeDoc): void {
  if (!manages(caller.binding, notice)) throw new ForbiddenError(messages.notManager, 'NOTICE_NOT_MANAGER');
}

/** The notice for a manager or a recipient; 403 for everyone else (drafts: managers only). */
async function noticeFor(caller: NoticeCaller, id: string) {
  const notice = await loadNotice(id);
  const manager = manages(caller.binding, notice);
  const recipient = await recipientOf(caller.binding);
  const receives = !!recipient && reaches(notice, recipient);
  if (!manager && !receives) throw new ForbiddenError(messages.outside, 'NOTICE_OUTSIDE_SCOPE');
  return { notice, manager, receives };
}

// ---------------------------------------------------------------------------------------------
// Views

function iso(d: Date | undefined): string | null {
  return d ? toShanghaiIso(d) : null;
}

function attachmentView(noticeId: Types.ObjectId, a: NoticeAttachment) {
  return {
    id: String(a._id),
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    uploadedAt: iso(a.uploadedAt),
    /** Relative to the API base (`/api/v1`). */
    path: `/notices/${String(noticeId)}/attachments/${String(a._id)}`,
  };
}

function summaryView(n: NoticeDoc, receipt: NoticeReceiptDoc | undefined): NoticeSummary {
  return {
    id: String(n._id),
    title: n.title,
    status: n.status,
    regionCode: n.regionCode,
    regionName: n.regionName,
    authorName: n.authorName,
    scope: { levels: n.scope.levels, schoolTypes: n.scope.schoolTypes },
    publishedAt: iso(n.publishedAt),
    createdAt: iso(n.createdAt),
    attachmentCount: n.attachments.length,
    read: !!receipt,
    readAt: iso(receipt?.readAt),
  };
}

function detailView(n: NoticeDoc, receipt: NoticeReceiptDoc | undefined, manager: boolean) {
  return {
    ...summaryView(n, receipt),
    content: n.content,
    attachments: n.attachments.map((a) => attachmentView(n._id, a)),
    canManage: manager,
  };
}

/** What the audit trail compares. */
function auditView(n: NoticeDoc) {
  return {
    title: n.title,
    content: n.content,
    scope: { levels: n.scope.levels, schoolTypes: n.scope.schoolTypes },
    status: n.status,
    publishedAt: n.publishedAt ?? null,
    attachments: n.attachments.map((a) => `${a.filename} (${a.size})`),
  };
}

function auditPath(n: NoticeDoc): string[] {
  return scopeOf(n.regionPath, n.regionCode);
}

// ---------------------------------------------------------------------------------------------
// Create and publish

export interface CreateNoticeInput {
  title: string;
  content: string;
  scope: NoticeScope;
  draft: boolean;
}

/** Own level and below only (seed 000 §6.4: 本级及下级), and at least one recipient group. */
function checkScope(region: RegionDoc, scope: NoticeScope): NoticeScope {
  if (scope.levels.length === 0 && scope.schoolTypes.length === 0) {
    throw new ValidationError(messages.scopeEmpty, { property: 'scope' }, 'NOTICE_SCOPE_EMPTY');
  }
  const rank = (l: RegionLevel) => REGION_LEVELS.indexOf(l);
  const above = scope.levels.find((l) => rank(l) < rank(region.level));
  if (above) {
    throw new ValidationError(
      messages.levelAbove(REGION_LEVEL_LABELS[above]),
      { property: 'scope.levels' },
      'NOTICE_SCOPE_OUTSIDE',
    );
  }
  return {
    levels: [...scope.levels].sort((a, b) => rank(a) - rank(b)),
    schoolTypes: [...scope.schoolTypes].sort((a, b) => SCHOOL_TYPES.indexOf(a) - SCHOOL_TYPES.indexOf(b)),
  };
}

/** Writes the outbox event, then clears the pending mark (a crash in between is finished by the scheduler). */
async function emitPublished(clock: Clock, n: NoticeDoc): Promise<void> {
  await emitEventOnce(clock, {
    key: `notice.published:${String(n._id)}`,
    type: 'notice.published',
    regionCode: n.regionCode,
    regionPath: n.regionPath,
    payload: {
      noticeId: String(n._id),
      title: n.title,
      regionCode: n.regionCode,
      regionName: n.regionName,
      authorName: n.authorName,
      scope: { levels: n.scope.levels, schoolTypes: n.scope.schoolTypes },
      publishedAt: iso(n.publishedAt),
      attachmentCount: n.attachments.length,
    },
  });
  await Notice.updateOne({ _id: n._id }, { $unset: { eventPending: 1 } });
}

export async function createNotice(
  deps: Pick<NoticeDeps, 'clock'>,
  caller: NoticeCaller,
  body: CreateNoticeInput,
) {
  const binding = requireRegionManager(caller.binding, messages.notAuthor);
  const region = await Region.findById(binding.regionCode).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionMissing(binding.regionCode!), 'REGION_NOT_FOUND');
  const scope = checkScope(region, body.scope);
  const content = sanitizeNoticeContent(body.content);
  if (!hasVisibleContent(content)) {
    throw new ValidationError(messages.contentEmpty, { property: 'content' }, 'NOTICE_CONTENT_EMPTY');
  }
  const published = !body.draft;
  const now = deps.clock();
  const created = await Notice.create({
    title: body.title.trim(),
    content,
    scope,
    regionCode: region._id,
    regionPath: region.path,
    regionName: region.name,
    authorId: caller.user._id,
    authorName: caller.user.name,
    status: published ? 'published' : 'draft',
    publishedAt: published ? now : undefined,
    eventPending: published ? true : undefined,
    attachments: [],
  });
  const notice = created.toObject() as NoticeDoc;
  await recordAudit(deps.clock, caller.actor, {
    action: published ? 'notice.publish' : 'notice.create',
    targetType: 'notice',
    targetId: String(notice._id),
    regionPath: auditPath(notice),
    before: null,
    after: auditView(notice),
  });
  if (published) await emitPublished(deps.clock, notice);
  return detailView(notice, undefined, true);
}

/** Publishes a draft; publishing again is a no-op that only finishes a missing event. */
export async function publishNotice(deps: NoticeDeps, caller: NoticeCaller, id: string) {
  const before = await loadNotice(id);
  assertManager(caller, before);
  if (before.status === 'draft') {
    await Notice.updateOne(
      { _id: before._id, status: 'draft' },
      { $set: { status: 'published', publishedAt: deps.clock(), eventPending: true } },
    );
  }
  const after = await loadNotice(id);
  if (before.status === 'draft') {
    await recordAudit(deps.clock, caller.actor, {
      action: 'notice.publish',
      targetType: 'notice',
      targetId: id,
      regionPath: auditPath(after),
      before: auditView(before),
      after: auditView(after),
    });
  }
  if (after.eventPending || before.status === 'draft') await emitPublished(deps.clock, after);
  return detailView(after, undefined, true);
}

/**
 * Deletes a draft (its attachments' files too) for a manager of the authoring region; answers
 * `{ id, deleted: true }`. A published notice stays (409 NOTICE_PUBLISHED): recipients may have read it.
 * The draft goes by a `deleteOne` on `status: 'draft'` (exact on FerretDB too), so a publication racing
 * the deletion either wins (409) or finds the notice gone (404).
 */
export async function deleteDraft(deps: NoticeDeps, caller: NoticeCaller, id: string) {
  const notice = await loadNotice(id);
  assertManager(caller, notice);
  if (notice.status !== 'draft') throw new ConflictError(messages.publishedStays, 'NOTICE_PUBLISHED');
  const { deletedCount } = await Notice.deleteOne({ _id: notice._id, status: 'draft' });
  if (deletedCount !== 1) {
    if (await Notice.exists({ _id: notice._id }))
      throw new ConflictError(messages.publishedStays, 'NOTICE_PUBLISHED');
    throw new NotFoundError(messages.noticeGone, 'NOTICE_NOT_FOUND');
  }
  await deps.store.removeNotice(id);
  await recordAudit(deps.clock, caller.actor, {
    action: 'notice.delete',
    targetType: 'notice',
    targetId: id,
    regionPath: auditPath(notice),
    before: auditView(notice),
    after: null,
  });
  return { id, deleted: true };
}

/** Scheduler step: events of publications that crashed between the notice and its event. */
export async function emitPendingNoticeEvents(clock: Clock): Promise<number> {
  const pending = await Notice.find({ eventPending: true }).limit(100).lean<NoticeDoc[]>();
  let n = 0;
  for (const notice of pending) {
    if (notice.status !== 'published') continue;
    await emitPublished(clock, notice);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Read

export interface ListNoticesQuery {
  box: 'received' | 'sent';
  page: number;
  pageSize: number;
}

export async function listNotices(caller: NoticeCaller, query: ListNoticesQuery) {
  const { page, pageSize } = query;
  let filter: Record<string, unknown>;
  if (query.box === 'sent') {
    const binding = requireRegionManager(caller.binding, messages.notAuthor);
    filter = { regionCode: binding.regionCode };
  } else {
    const r = await recipientOf(caller.binding);
    if (!r) return { items: [], total: 0, page, pageSize } satisfies Page<unknown>;
    filter = {
      status: 'published',
      regionCode: { $in: r.path },
      ...(r.kind === 'region' ? { 'scope.levels': r.level } : { 'scope.schoolTypes': r.schoolType }),
    };
  }
  const [notices, total] = await Promise.all([
    Notice.find(filter, { content: 0 })
      .sort({ publishedAt: -1, createdAt: -1, _id: -1 })
      .skip(skipOf(page, pageSize))
      .limit(pageSize)
      .lean<NoticeDoc[]>(),
    Notice.countDocuments(filter),
  ]);
  const receipts = notices.length
    ? await NoticeReceipt.find({
        _id: { $in: notices.map((n) => receiptId(n._id, caller.user._id)) },
      }).lean<NoticeReceiptDoc[]>()
    : [];
  const byNotice = new Map(receipts.map((r) => [String(r.noticeId), r]));
  return {
    items: notices.map((n) => summaryView(n, byNotice.get(String(n._id)))),
    total,
    page,
    pageSize,
  } satisfies Page<unknown>;
}

export async function getNotice(caller: NoticeCaller, id: string) {
  const { notice, manager } = await noticeFor(caller, id);
  const receipt = await NoticeReceipt.findById(
    receiptId(notice._id, caller.user._id),
  ).lean<NoticeReceiptDoc>();
  return detailView(notice, receipt ?? undefined, manager);
}

/** Idempotent: the first mark writes the receipt (and the audit entry), later ones answer the same. */
export async function markRead(deps: NoticeDeps, caller: NoticeCaller, id: string) {
  const notice = await loadNotice(id);
  const recipient = await recipientOf(caller.binding);
  if (!recipient || !reaches(notice, recipient)) {
    throw new ForbiddenError(messages.notRecipient, 'NOTICE_OUTSIDE_SCOPE');
  }
  const _id = receiptId(notice._id, caller.user._id);
  const existing = await NoticeReceipt.findById(_id).lean<NoticeReceiptDoc>();
  if (existing) return { id, read: true, readAt: iso(existing.readAt), first: false };
  const readAt = deps.clock();
  try {
    await NoticeReceipt.create({
      _id,
      noticeId: notice._id,
      userId: caller.user._id,
      bindingId: caller.binding?._id,
      unitCode: unitOf(notice.regionCode, recipient.path),
      readAt,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // A concurrent mark of the same person won: same answer.
    const winner = await NoticeReceipt.findById(_id).lean<NoticeReceiptDoc>();
    return { id, read: true, readAt: iso(winner?.readAt ?? readAt), first: false };
  }
  await recordAudit(deps.clock, caller.actor, {
    action: 'notice.read',
    targetType: 'notice',
    targetId: id,
    regionPath: recipient.path,
    before: null,
    after: { readAt },
  });
  return { id, read: true, readAt: iso(readAt), first: true };
}

/**
 * Read counts per unit (the author region's direct children, plus the author region itself for its own
 * level and its direct schools). Recipients are counted as people holding an in-scope binding now.
 */
export async function readCounts(caller: NoticeCaller, id: string) {
  const notice = await loadNotice(id);
  assertManager(caller, notice);
  const home = notice.regionCode;
  const subtree = await Region.find({ $or: [{ _id: home }, { path: home }] }).lean<RegionDoc[]>();
  const regionByCode = new Map(subtree.map((r) => [r._id, r]));
  const recipients = new Map<string, Set<string>>();
  const everyone = new Set<string>();
  const count = (unit: string, userId: string) => {
    if (!recipients.has(unit)) recipients.set(unit, new Set());
    recipients.get(unit)!.add(userId);
    everyone.add(userId);
  };

  if (notice.status === 'published') {
    const users = await User.find(
      {
        $or: [{ 'bindings.regionCode': home }, { 'bindings.regionPath': home }],
        'bindings.kind': { $in: ['region', 'school'] },
      },
      { bindings: 1 },
    ).lean<Pick<UserDoc, '_id' | 'bindings'>[]>();
    const schoolIds = notice.scope.schoolTypes.length
      ? users.flatMap((u) => u.bindings.filter((b) => b.active && b.kind === 'school' && b.schoolId))
      : [];
    const schools = new Map<string, SchoolDoc>();
    for (let i = 0; i < schoolIds.length; i += 5000) {
      const batch = schoolIds.slice(i, i + 5000).map((b) => b.schoolId!);
      const found = await School.find(
        { _id: { $in: batch } },
        { type: 1, regionCode: 1, regionPath: 1 },
      ).lean<SchoolDoc[]>();
      for (const s of found) schools.set(String(s._id), s);
    }
    for (const user of users) {
      const userId = String(user._id);
      for (const b of user.bindings) {
        if (!b.active) continue;
        if (b.kind === 'region' && b.regionCode) {
          const region = regionByCode.get(b.regionCode);
          if (region && notice.scope.levels.includes(region.level))
            count(unitOf(home, regionScope(region)), userId);
        } else if (b.kind === 'school' && b.schoolId) {
          const school = schools.get(String(b.schoolId));
          const path = school && schoolPath(school);
          if (school && path!.includes(home) && notice.scope.schoolTypes.includes(school.type)) {
            count(unitOf(home, path!), userId);
          }
        }
      }
    }
  }

  const reads = await NoticeReceipt.aggregate<{ _id: string; read: number }>([
    { $match: { noticeId: notice._id } },
    { $group: { _id: '$unitCode', read: { $sum: 1 } } },
  ]);
  const readByUnit = new Map(reads.map((r) => [r._id, r.read]));
  const self = regionByCode.get(home);
  const children = subtree.filter((r) => r.parentCode === home).sort((a, b) => a._id.localeCompare(b._id));
  const row = (code: string, name: string, level: RegionLevel | null, direct: boolean) => ({
    code,
    name,
    level,
    direct,
    recipients: recipients.get(code)?.size ?? 0,
    read: readByUnit.get(code) ?? 0,
  });
  return {
    notice: { id, title: notice.title, status: notice.status, publishedAt: iso(notice.publishedAt) },
    regionCode: home,
    totals: { recipients: everyone.size, read: reads.reduce((sum, r) => sum + r.read, 0) },
    units: [
      row(home, messages.directUnit(self?.name ?? notice.regionName), self?.level ?? null, true),
      ...children.map((c) => row(c._id, c.name, c.level, false)),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Attachments

/** Checks a manager may add `count` files before any byte of the upload is read. */
export async function attachmentTarget(caller: NoticeCaller, id: string, count = 1): Promise<NoticeDoc> {
  const notice = await loadNotice(id);
  assertManager(caller, notice);
  if (notice.attachments.length + count > ATTACHMENTS_PER_NOTICE) {
    throw new ConflictError(messages.tooManyAttachments(ATTACHMENTS_PER_NOTICE), 'NOTICE_ATTACHMENTS_FULL');
  }
  return notice;
}

/** Streams one file into the store, then records it on the notice (a vanished notice takes the file back). */
export async function storeAttachment(
  deps: NoticeDeps,
  caller: NoticeCaller,
  notice: NoticeDoc,
  name: CheckedName,
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
) {
  const attachmentId = new Types.ObjectId();
  const noticeId = String(notice._id);
  const size = await deps.store.write(
    noticeId,
    String(attachmentId),
    name,
    source as AsyncIterable<Uint8Array>,
  );
  const attachment: NoticeAttachment = {
    _id: attachmentId,
    filename: name.filename,
    contentType: name.type.contentType,
    size,
    uploadedAt: deps.clock(),
  };
  const res = await Notice.updateOne(
    { _id: notice._id, [`attachments.${ATTACHMENTS_PER_NOTICE - 1}`]: { $exists: false } },
    { $push: { attachments: attachment } },
  );
  if (res.matchedCount !== 1) {
    await deps.store.remove(noticeId, String(attachmentId));
    if (await Notice.exists({ _id: notice._id })) {
      throw new ConflictError(messages.tooManyAttachments(ATTACHMENTS_PER_NOTICE), 'NOTICE_ATTACHMENTS_FULL');
    }
    throw new NotFoundError(messages.noticeGone, 'NOTICE_NOT_FOUND');
  }
  await recordAudit(deps.clock, caller.actor, {
    action: 'notice.attachment.add',
    targetType: 'notice',
    targetId: noticeId,
    regionPath: auditPath(notice),
    before: null,
    after: { attachment: { id: String(attachmentId), filename: name.filename, size } },
  });
  return attachmentView(notice._id, attachment);
}

export async function removeAttachment(
  deps: NoticeDeps,
  caller: NoticeCaller,
  id: string,
  attachmentId: string,
) {
  const notice = await loadNotice(id);
  assertManager(caller, notice);
  const attachment = notice.attachments.find((a) => String(a._id) === attachmentId);
  if (!attachment) throw new NotFoundError(messages.attachmentNotFound, 'ATTACHMENT_NOT_FOUND');
  // The exact element: FerretDB's $pull matches whole values, not conditions.
  await Notice.collection.updateOne({ _id: notice._id }, { $pull: { attachments: attachment } } as any);
  await deps.store.remove(id, attachmentId);
  await recordAudit(deps.clock, caller.actor, {
    action: 'notice.attachment.remove',
    targetType: 'notice',
    targetId: id,
    regionPath: auditPath(notice),
    before: { attachment: { id: attachmentId, filename: attachment.filename, size: attachment.size } },
    after: null,
  });
  return { id: attachmentId, deleted: true };
}

export async function openAttachment(
  deps: NoticeDeps,
  caller: NoticeCaller,
  id: string,
  attachmentId: string,
) {
  const { notice } = await noticeFor(caller, id);
  const attachment = notice.attachments.find((a) => String(a._id) === attachmentId);
  if (!attachment) throw new NotFoundError(messages.attachmentNotFound, 'ATTACHMENT_NOT_FOUND');
  const file = await deps.store.open(id, attachmentId);
  if (!file) throw new NotFoundError(messages.fileMissing, 'ATTACHMENT_FILE_MISSING');
  return { filename: attachment.filename, contentType: attachment.contentType, ...file };
}
