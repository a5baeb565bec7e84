// Deleting an initialized school or changing its affiliation by request (seed 001 §11: 学校一旦完成信息
// 填报,将无法实施删除操作。确需删除,可向教育部提出申请,经审核同意后方可删除; §13: 学校隶属关系变更时,
// 由学校上级主管教育行政部门逐级上报至教育部,经审核同意后方可在系统中完成). The school's managing region
// (its 管理员) files a request with a reason; the national 管理员 approves (the deletion or transfer is
// then carried out) or refuses with a reason; both are audited; the requester gets a personal message
// and its admin group a bot push (`school.request.decided`).
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { NATIONAL_CODE } from '@eduprogress/shared';
import type { Binding } from '../accounts/model';
import type { AuthContext } from '../accounts/service';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../db/duplicate-key';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { sendUserMessage } from '../messages/service';
import { emitEvent } from '../outbox/service';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { deleteSchool, transferSchool, type SchoolDeps } from '../schools/service';
import {
  SchoolRequest,
  SchoolRequestClaim,
  type SchoolRequestDoc,
  type SchoolRequestKind,
  type SchoolRequestStatus,
} from './model';

const messages = {
  notRegionAdmin: '只有学校主管地区的管理员可以提出申请',
  nationalDirect: '全国管理员可直接删除学校或调整隶属关系，无需申请',
  nationalOnly: '只有全国管理员可以审批学校删除与隶属关系变更申请',
  notViewer: '只有地区管理员、审核员、视察员可以查看学校申请',
  schoolNotFound: '学校不存在',
  outsideSchool: '该学校不在您的管辖范围内',
  notInitialized: '该学校尚未初始化，可直接删除，无需申请',
  targetRequired: '变更隶属关系须指定新的主管地区',
  targetNotFound: (code: string) => `地区 ${code} 不存在`,
  targetNational: '学校不能直接隶属于全国',
  sameRegion: '新的主管地区与学校当前的主管地区相同',
  pending: '该学校已有一份待审批的申请，请等待全国管理员审批',
  notFound: '申请不存在',
  outside: '该申请不在您的管辖范围内',
  decided: (status: string) => `该申请已${status === 'approved' ? '批准' : '驳回'}，不能再次审批`,
  kind: { delete: '删除学校', transfer: '变更隶属关系' } as Record<SchoolRequestKind, string>,
  messageTitle: (kind: SchoolRequestKind, approved: boolean) =>
    `您提交的${messages.kind[kind]}申请已${approved ? '批准' : '驳回'}`,
  messageBody: (r: SchoolRequestDoc, approved: boolean) =>
    `${r.schoolName}：${messages.kind[r.kind]}${r.targetRegionName ? `（改由${r.targetRegionName}主管）` : ''}` +
    `申请已由${r.deciderName ?? '全国管理员'}${approved ? '批准' : '驳回'}` +
    (r.decisionComment ? `，意见：${r.decisionComment}` : '') +
    (r.applyError ? `。但执行未成功：${r.applyError}，请联系全国管理员` : '。'),
};

export interface RequestContext {
  clock: Clock;
  actor: Actor;
  auth: AuthContext;
}

export interface FileRequestInput {
  kind: SchoolRequestKind;
  schoolId: string;
  reason: string;
  targetRegionCode?: string;
}

export function requestView(r: SchoolRequestDoc) {
  return {
    id: String(r._id),
    kind: r.kind,
    status: r.status,
    school: { id: String(r.schoolId), name: r.schoolName, regionCode: r.regionCode },
    target: r.targetRegionCode ? { regionCode: r.targetRegionCode, name: r.targetRegionName } : null,
    reason: r.reason,
    requester: { id: String(r.requestedBy), name: r.requesterName, regionCode: r.requesterRegionCode },
    requestedAt: r.requestedAt,
    decision: r.decidedAt
      ? { by: r.deciderName ?? null, at: r.decidedAt, comment: r.decisionComment ?? null }
      : null,
    applyError: r.applyError ?? null,
  };
}
export type SchoolRequestView = ReturnType<typeof requestView>;

const isNationalAdmin = (b: Binding | undefined) =>
  b?.kind === 'region' && b.regionCode === NATIONAL_CODE && b.role === 'admin';

/**
 * Files a request (201). 403 ROLE_FORBIDDEN (not a region 管理员, or the national level, which acts
 * directly), 404 SCHOOL_NOT_FOUND, 403 OUTSIDE_JURISDICTION, 409 SCHOOL_NOT_INITIALIZED (a deletion of a
 * school not initialized needs no request), 400 for a missing/unknown/national target, 409 SAME_REGION,
 * 409 REQUEST_PENDING (one open request per school).
 */
export async function fileSchoolRequest(
  rc: RequestContext,
  input: FileRequestInput,
): Promise<SchoolRequestView> {
  const b = rc.auth.binding;
  if (!b || b.kind !== 'region' || b.role !== 'admin' || !b.regionCode)
    throw new ForbiddenError(messages.notRegionAdmin, 'ROLE_FORBIDDEN');
  if (b.regionCode === NATIONAL_CODE) throw new ForbiddenError(messages.nationalDirect, 'ROLE_FORBIDDEN');
  const school = Types.ObjectId.isValid(input.schoolId)
    ? await School.findById(input.schoolId).lean<SchoolDoc>()
    : null;
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  if (!school.regionPath.includes(b.regionCode))
    throw new ForbiddenError(messages.outsideSchool, 'OUTSIDE_JURISDICTION');
  let target: RegionDoc | null = null;
  if (input.kind === 'delete') {
    if (!school.initialized) throw new ConflictError(messages.notInitialized, 'SCHOOL_NOT_INITIALIZED');
  } else {
    if (!input.targetRegionCode)
      throw new ValidationError(messages.targetRequired, { property: 'targetRegionCode' }, 'TARGET_REQUIRED');
    target = await Region.findById(input.targetRegionCode).lean<RegionDoc>();
    if (!target)
      throw new ValidationError(
        messages.targetNotFound(input.targetRegionCode),
        { property: 'targetRegionCode' },
        'REGION_NOT_FOUND',
      );
    if (target.level === 'national')
      throw new ValidationError(
        messages.targetNational,
        { property: 'targetRegionCode' },
        'REGION_NOT_MANAGING',
      );
    if (target._id === school.regionCode)
      throw new ConflictError(messages.sameRegion, 'SAME_REGION', { property: 'targetRegionCode' });
  }
  const now = rc.clock();
  try {
    await SchoolRequestClaim.create({ _id: `open:${String(school._id)}`, at: now });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(messages.pending, 'REQUEST_PENDING');
    throw err;
  }
  const doc = await SchoolRequest.create({
    kind: input.kind,
    schoolId: school._id,
    schoolName: school.name,
    regionCode: school.regionCode,
    regionPath: school.regionPath,
    targetRegionCode: target?._id,
    targetRegionName: target?.name,
    reason: input.reason.trim(),
    status: 'pending',
    requestedBy: rc.auth.user._id,
    requesterName: rc.auth.user.name,
    requesterRegionCode: b.regionCode,
    requesterRegionPath: [...b.regionPath, b.regionCode],
    requestedAt: now,
  });
  const request = doc.toObject() as SchoolRequestDoc;
  await recordAudit(rc.clock, rc.actor, {
    action: `schoolRequest.${input.kind}.file`,
    targetType: 'school',
    targetId: String(school._id),
    regionPath: school.regionPath,
    after: { requestId: String(request._id), kind: input.kind, targetRegionCode: target?._id ?? null },
    reason: request.reason,
  });
  return requestView(request);
}

function requireViewer(b: Binding | undefined): Binding & { regionCode: string } {
  if (!b || b.kind !== 'region' || !b.regionCode)
    throw new ForbiddenError(messages.notViewer, 'ROLE_FORBIDDEN');
  return b as Binding & { regionCode: string };
}

/**
 * Requests about schools in the caller's subtree (national: all), newest first; filters `status`, `kind`.
 * 403 ROLE_FORBIDDEN for school and teacher bindings.
 */
export async function listSchoolRequests(
  auth: AuthContext,
  query: { status?: SchoolRequestStatus; kind?: SchoolRequestKind; page: number; pageSize: number },
): Promise<Page<SchoolRequestView>> {
  const b = requireViewer(auth.binding);
  const filter: Record<string, unknown> = {};
  if (b.regionCode !== NATIONAL_CODE) filter.regionPath = b.regionCode;
  if (query.status) filter.status = query.status;
  if (query.kind) filter.kind = query.kind;
  const [items, total] = await Promise.all([
    SchoolRequest.find(filter)
      .sort({ requestedAt: -1, _id: -1 })
      .skip(skipOf(query.page, query.pageSize))
      .limit(query.pageSize)
      .lean<SchoolRequestDoc[]>(),
    SchoolRequest.countDocuments(filter),
  ]);
  return { items: items.map(requestView), total, page: query.page, pageSize: query.pageSize };
}

async function findVisible(auth: AuthContext, id: string): Promise<SchoolRequestDoc> {
  const b = requireViewer(auth.binding);
  const r = Types.ObjectId.isValid(id) ? await SchoolRequest.findById(id).lean<SchoolRequestDoc>() : null;
  if (!r) throw new NotFoundError(messages.notFound, 'REQUEST_NOT_FOUND');
  if (b.regionCode !== NATIONAL_CODE && !r.regionPath.includes(b.regionCode))
    throw new ForbiddenError(messages.outside, 'OUTSIDE_JURISDICTION');
  return r;
}

/** One request (403 outside the caller's subtree, 404 unknown). */
export async function getSchoolRequest(auth: AuthContext, id: string): Promise<SchoolRequestView> {
  return requestView(await findVisible(auth, id));
}

/** The national admin a decision acts as when it carries out an approval (also from the settle job). */
function deciderCaller(r: SchoolRequestDoc) {
  const binding = {
    _id: new Types.ObjectId(),
    kind: 'region',
    role: 'admin',
    regionCode: NATIONAL_CODE,
    regionPath: [],
    active: true,
  } as Binding;
  return { binding, actor: { userId: r.decidedBy, name: r.deciderName } as Actor };
}

/** A stable audit `_id` per (request, step): a step repeated after a crash writes its entry once. */
function auditId(requestId: Types.ObjectId, step: string): Types.ObjectId {
  return new Types.ObjectId(
    createHash('sha256')
      .update(`${String(requestId)}:${step}`)
      .digest('hex')
      .slice(0, 24),
  );
}

/** Carries out an approved request: the deletion (forced) or the transfer; a deleted school counts as done. */
async function carryOut(deps: SchoolDeps, r: SchoolRequestDoc): Promise<void> {
  const caller = deciderCaller(r);
  try {
    if (r.kind === 'delete')
      await deleteSchool(deps, caller, String(r.schoolId), { force: true, reason: r.reason });
    else await transferSchool(deps, caller, String(r.schoolId), r.targetRegionCode!);
  } catch (err) {
    if (r.kind === 'delete' && err instanceof AppError && err.code === 'SCHOOL_NOT_FOUND') return;
    throw err;
  }
}

/**
 * The follow-ups of a decision, each safe to repeat: carry out an approval, audit, the requester's
 * message, the bot event, release the school's open-request claim, mark settled. `strict`: an approval
 * that cannot be carried out throws (the decision is then undone by the caller); otherwise (the settle
 * job) the failure is kept in `applyError` and told to the requester.
 */
async function settle(deps: SchoolDeps, r: SchoolRequestDoc, strict: boolean): Promise<SchoolRequestDoc> {
  const approved = r.status === 'approved';
  if (approved) {
    try {
      await carryOut(deps, r);
    } catch (err) {
      if (strict || !(err instanceof AppError)) throw err;
      r = { ...r, applyError: err.message };
      await SchoolRequest.updateOne({ _id: r._id }, { $set: { applyError: err.message } });
    }
  }
  await recordAudit(
    deps.clock,
    { userId: r.decidedBy, name: r.deciderName },
    {
      action: `schoolRequest.${r.kind}.${approved ? 'approve' : 'refuse'}`,
      targetType: 'school',
      targetId: String(r.schoolId),
      regionPath: [...new Set([...r.regionPath, ...(r.targetRegionCode ? [r.targetRegionCode] : [])])],
      before: { requestId: String(r._id), status: 'pending' },
      after: { requestId: String(r._id), status: r.status, applyError: r.applyError ?? null },
      reason: r.decisionComment,
    },
    { id: auditId(r._id, 'decided'), at: r.decidedAt },
  ).catch((err) => {
    if (!isDuplicateKey(err)) throw err;
  });
  await sendUserMessage(deps.clock, {
    id: `school-request:${String(r._id)}:decided`,
    userId: r.requestedBy,
    kind: 'school-request.decided',
    title: messages.messageTitle(r.kind, approved),
    body: messages.messageBody(r, approved),
    link: { type: 'school-request', id: String(r._id) },
  });
  await emitEvent(deps.clock, {
    key: `school.request.decided:${String(r._id)}`,
    type: 'school.request.decided',
    regionCode: r.requesterRegionCode,
    regionPath: r.requesterRegionPath.slice(0, -1),
    payload: {
      requestId: String(r._id),
      kind: r.kind,
      approved,
      school: r.schoolName,
      target: r.targetRegionName ?? null,
      comment: r.decisionComment ?? null,
      applyError: r.applyError ?? null,
    },
  });
  await SchoolRequestClaim.deleteOne({ _id: `open:${String(r.schoolId)}` });
  const settledAt = deps.clock();
  await SchoolRequest.updateOne({ _id: r._id }, { $set: { settledAt } });
  return { ...r, settledAt };
}

/**
 * The national 管理员 approves or refuses (a refusal needs a comment, enforced by the route's schema).
 * 403 NATIONAL_ONLY for anyone else, 404, 409 REQUEST_DECIDED once decided (decided exactly once, by a
 * claim). An approval that cannot be carried out (e.g. a school of that name in the target region)
 * answers that error and leaves the request pending.
 */
export async function decideSchoolRequest(
  deps: SchoolDeps,
  rc: RequestContext,
  id: string,
  approve: boolean,
  comment?: string,
): Promise<SchoolRequestView> {
  if (!isNationalAdmin(rc.auth.binding)) throw new ForbiddenError(messages.nationalOnly, 'NATIONAL_ONLY');
  const r = await findVisible(rc.auth, id);
  if (r.status !== 'pending') throw new ConflictError(messages.decided(r.status), 'REQUEST_DECIDED');
  const claim = `decided:${String(r._id)}`;
  try {
    await SchoolRequestClaim.create({ _id: claim, at: rc.clock() });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(messages.decided('approved'), 'REQUEST_DECIDED');
    throw err;
  }
  const decision = {
    status: (approve ? 'approved' : 'refused') as SchoolRequestStatus,
    decidedBy: rc.auth.user._id,
    deciderName: rc.auth.user.name,
    decidedAt: rc.clock(),
    ...(comment?.trim() ? { decisionComment: comment.trim() } : {}),
  };
  await SchoolRequest.updateOne({ _id: r._id }, { $set: decision });
  try {
    return requestView(await settle(deps, { ...r, ...decision }, true));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // Nothing was carried out: the request stays pending for another decision.
    await SchoolRequest.updateOne(
      { _id: r._id },
      {
        $set: { status: 'pending' },
        $unset: { decidedBy: 1, deciderName: 1, decidedAt: 1, decisionComment: 1 },
      },
    );
    await SchoolRequestClaim.deleteOne({ _id: claim });
    throw err;
  }
}

/**
 * Finishes decisions a crash left unsettled (decided more than a minute ago, `settledAt` unset): for the
 * scheduled job. Returns how many were settled.
 */
export async function settleDecidedRequests(deps: SchoolDeps): Promise<number> {
  const before = new Date(deps.clock().getTime() - 60_000);
  const open = await SchoolRequest.find({
    status: { $in: ['approved', 'refused'] },
    settledAt: { $exists: false },
    decidedAt: { $lt: before },
  }).lean<SchoolRequestDoc[]>();
  for (const r of open) await settle(deps, r, false);
  return open.length;
}
