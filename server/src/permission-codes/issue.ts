// Permission codes (seed 003 权限码): issuing, listing and revoking codes.
import { type Role } from '@eduprogress/shared';
import { Types } from 'mongoose';
import { requireRegionManager, type ActionContext } from '../schools/admin-accounts';
import { type Binding } from '../accounts/model';
import { recordAudit } from '../audit/service';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { getRegionWithin } from '../regions/service';
import {
  PermissionCode,
  PermissionCodeClaim,
  statusOf,
  type PermissionCodeDoc,
  type PermissionCodeStatus,
} from './model';
import {
  assertMayIssue,
  codeView,
  DAY_MS,
  hashCode,
  hintOf,
  loadRegion,
  loadSchool,
  messages,
  newCode,
  type Target,
  targetOfCode,
  targetPath,
} from './policy';

// ---------------------------------------------------------------------------------------------
// Issue, list, revoke

export interface CreateCodeInput {
  kind: 'region' | 'school';
  role: Role;
  regionCode?: string;
  schoolId?: string;
  validDays: number;
}

export async function createCode(ac: ActionContext, body: CreateCodeInput) {
  requireRegionManager(ac.binding, messages.notIssuer);
  let target: Target;
  if (body.kind === 'school') {
    if (body.role !== 'admin') throw new ValidationError(messages.schoolRoleOnlyAdmin, { property: 'role' });
    if (body.regionCode) throw new ValidationError(messages.regionFieldForSchool, { property: 'regionCode' });
    if (!body.schoolId) throw new ValidationError(messages.schoolIdRequired, { property: 'schoolId' });
    target = { kind: 'school', role: 'admin', school: await loadSchool(body.schoolId) };
  } else {
    if (body.schoolId) throw new ValidationError(messages.schoolFieldForRegion, { property: 'schoolId' });
    if (!body.regionCode) throw new ValidationError(messages.regionCodeRequired, { property: 'regionCode' });
    const region = await loadRegion(body.regionCode);
    if (region.placeholder) throw new ValidationError(messages.placeholderRegion, { property: 'regionCode' });
    target = { kind: 'region', role: body.role, region };
  }
  await assertMayIssue(ac.binding, target);

  const now = ac.clock();
  const managing =
    target.kind === 'region' ? target.region : await loadRegion(target.school.regionCode).catch(() => null);
  const fields = {
    kind: target.kind,
    role: target.role,
    regionCode: target.kind === 'region' ? target.region._id : target.school.regionCode,
    regionName: managing?.name ?? (target.kind === 'school' ? target.school.regionCode : ''),
    regionPath: targetPath(target),
    schoolId: target.kind === 'school' ? target.school._id : undefined,
    schoolName: target.kind === 'school' ? target.school.name : undefined,
    state: 'unused' as const,
    expiresAt: new Date(now.getTime() + body.validDays * DAY_MS),
    createdAt: now,
    createdBy: { userId: ac.actor.userId!, name: ac.actor.name, bindingId: ac.binding!._id },
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newCode();
    try {
      const doc = (
        await PermissionCode.create({ ...fields, codeHash: hashCode(code), codeHint: hintOf(code) })
      ).toObject() as PermissionCodeDoc;
      await recordAudit(ac.clock, ac.actor, {
        action: 'permissionCode.create',
        targetType: 'permissionCode',
        targetId: String(doc._id),
        regionPath: doc.regionPath,
        before: null,
        after: {
          kind: doc.kind,
          role: doc.role,
          regionCode: doc.regionCode,
          schoolId: doc.schoolId ? String(doc.schoolId) : null,
          expiresAt: doc.expiresAt,
        },
      });
      // The only time the code itself leaves the server.
      return { ...codeView(doc, now, true), code };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new ConflictError(messages.codeGenerationFailed, 'CODE_GENERATION_FAILED');
}

export interface ListCodesQuery {
  region?: string;
  state?: PermissionCodeStatus;
  kind?: 'region' | 'school';
  page: number;
  pageSize: number;
}

export async function listCodes(
  binding: Binding | undefined,
  query: ListCodesQuery,
  now: Date,
): Promise<Page<ReturnType<typeof codeView>>> {
  const caller = requireRegionManager(binding, messages.notIssuer);
  const region = await getRegionWithin(caller, query.region ?? caller.regionCode!);
  const filter: Record<string, unknown> = { regionPath: region._id };
  if (query.kind) filter.kind = query.kind;
  if (query.state === 'expired') Object.assign(filter, { state: 'unused', expiresAt: { $lte: now } });
  else if (query.state === 'unused') Object.assign(filter, { state: 'unused', expiresAt: { $gt: now } });
  else if (query.state) filter.state = query.state;
  const [docs, total] = await Promise.all([
    PermissionCode.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip(skipOf(query.page, query.pageSize))
      .limit(query.pageSize)
      .lean<PermissionCodeDoc[]>(),
    PermissionCode.countDocuments(filter),
  ]);
  // Issuers manage the people who bound their codes: contact mobiles are shown in full.
  return {
    items: docs.map((d) => codeView(d, now, true)),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** Takes the code out of `unused` for good; false when someone else already did (see PermissionCodeClaim). */
export async function claim(
  codeId: Types.ObjectId,
  kind: 'bind' | 'revoke',
  userId: Types.ObjectId,
  at: Date,
  bindingId?: Types.ObjectId,
): Promise<boolean> {
  try {
    await PermissionCodeClaim.create({ _id: String(codeId), kind, userId, bindingId, at });
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

export async function revokeCode(ac: ActionContext, id: string) {
  const code = await PermissionCode.findById(id).lean<PermissionCodeDoc>();
  if (!code) throw new NotFoundError(messages.codeNotFound, 'CODE_NOT_FOUND');
  await assertMayIssue(ac.binding, await targetOfCode(code));
  const now = ac.clock();
  const alreadyRevoked = () => new ConflictError(messages.alreadyRevoked, 'CODE_REVOKED');
  if (code.state === 'revoked') throw alreadyRevoked();
  if (code.state === 'used') throw new ConflictError(messages.cannotRevokeUsed, 'CODE_USED');
  if (!(await claim(code._id, 'revoke', ac.actor.userId!, now))) {
    const holder = await PermissionCodeClaim.findById(String(code._id)).lean();
    throw holder?.kind === 'revoke'
      ? alreadyRevoked()
      : new ConflictError(messages.cannotRevokeUsed, 'CODE_USED');
  }
  const revokedBy = { userId: ac.actor.userId!, name: ac.actor.name };
  await PermissionCode.updateOne(
    { _id: code._id },
    { $set: { state: 'revoked', revokedAt: now, revokedBy } },
  );
  await recordAudit(ac.clock, ac.actor, {
    action: 'permissionCode.revoke',
    targetType: 'permissionCode',
    targetId: String(code._id),
    regionPath: code.regionPath,
    before: { state: statusOf(code, now) },
    after: { state: 'revoked' },
  });
  return codeView({ ...code, state: 'revoked', revokedAt: now, revokedBy }, now, true);
}
