// Permission codes (seed 003 权限码): binding a code while logged in (once, also on FerretDB), and removing
// a bound region admin (seed 003 Q2).
import { regionScope } from '@eduprogress/shared';
import { Types } from 'mongoose';
import {
  activeAdminsOfSchool,
  deactivateBinding,
  requireRegionManager,
  type ActionContext,
} from '../schools/admin-accounts';
import { meView, setSessionBinding } from '../accounts/bindings';
import { bindingView, User, type Binding, type UserDoc } from '../accounts/model';
import { recordAudit } from '../audit/service';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import { hit } from '../http/rate-limit';
import { getRegionWithin } from '../regions/service';
import { publishDomainEvent } from '../events';
import { claim } from './issue';
import { PermissionCode, PermissionCodeClaim, statusOf, type PermissionCodeDoc } from './model';
import {
  assertMayIssue,
  BIND_LIMIT,
  BIND_WINDOW_SECONDS,
  hashCode,
  messages,
  normaliseCode,
  type Target,
  targetOfCode,
  targetPath,
} from './policy';

// ---------------------------------------------------------------------------------------------
// Binding a code

export interface BindInput {
  code: string;
  name: string;
  mobile?: string;
}

function failureOf(code: PermissionCodeDoc, now: Date): ConflictError {
  const status = statusOf(code, now);
  if (status === 'revoked') return new ConflictError(messages.codeRevoked, 'CODE_REVOKED');
  if (status === 'expired') return new ConflictError(messages.codeExpired, 'CODE_EXPIRED');
  return new ConflictError(messages.codeUsed, 'CODE_USED');
}

function sameRole(a: Pick<Binding, 'kind' | 'role' | 'regionCode' | 'schoolId'>, b: Binding): boolean {
  return (
    a.kind === b.kind &&
    a.role === b.role &&
    (a.kind === 'school'
      ? !!a.schoolId && !!b.schoolId && a.schoolId.equals(b.schoolId)
      : a.regionCode === b.regionCode)
  );
}

async function pushBinding(userId: Types.ObjectId, binding: Binding): Promise<void> {
  if (binding.kind === 'school' && binding.role === 'admin' && binding.schoolId) {
    await publishDomainEvent('school.adminBinding', { schoolId: binding.schoolId, userId: userId });
  }
  await User.updateOne({ _id: userId }, { $push: { bindings: binding } });
}

/**
 * The code leaves `unused` through a claim document keyed by the code's id, so it binds exactly once even
 * when people race; then the pre-allocated binding is appended to the user. A crash between the steps is
 * finished by the same person binding the same code again.
 */
export async function bindCode(ac: ActionContext, user: UserDoc, accessToken: string, body: BindInput) {
  await hit(ac.clock, `permission-code-bind:${String(user._id)}`, BIND_LIMIT, BIND_WINDOW_SECONDS);
  const now = ac.clock();
  const code = await PermissionCode.findOne({
    codeHash: hashCode(normaliseCode(body.code)),
  }).lean<PermissionCodeDoc>();
  if (!code) throw new NotFoundError(messages.codeNotFound, 'CODE_NOT_FOUND');

  // Resume a bind of this person's that claimed the code but did not reach the user document.
  const earlier = await PermissionCodeClaim.findById(String(code._id)).lean();
  if (earlier?.kind === 'bind' && earlier.userId.equals(user._id) && earlier.bindingId) {
    if (!user.bindings.some((b) => b._id.equals(earlier.bindingId!))) {
      const target = await targetOfCode(code);
      return finishBind(ac, user, accessToken, code, body, target, earlier.bindingId, now);
    }
  }
  if (earlier) throw failureOf({ ...code, state: earlier.kind === 'revoke' ? 'revoked' : 'used' }, now);
  if (statusOf(code, now) !== 'unused') throw failureOf(code, now);

  const target = await targetOfCode(code);
  const wanted = {
    kind: target.kind,
    role: target.role,
    regionCode: code.regionCode,
    schoolId: target.kind === 'school' ? target.school._id : undefined,
  };
  if (user.bindings.some((b) => b.active && sameRole(wanted, b))) {
    throw new ConflictError(messages.bindingExists, 'BINDING_EXISTS');
  }
  if (target.kind === 'school' && (await activeAdminsOfSchool(target.school._id)).length > 0) {
    throw new ConflictError(messages.schoolHasAdmin, 'SCHOOL_HAS_ADMIN');
  }

  const bindingId = new Types.ObjectId();
  if (!(await claim(code._id, 'bind', user._id, now, bindingId))) {
    const holder = await PermissionCodeClaim.findById(String(code._id)).lean();
    throw failureOf({ ...code, state: holder?.kind === 'revoke' ? 'revoked' : 'used' }, now);
  }
  return finishBind(ac, user, accessToken, code, body, target, bindingId, now);
}

async function finishBind(
  ac: ActionContext,
  user: UserDoc,
  accessToken: string,
  code: PermissionCodeDoc,
  body: BindInput,
  target: Target,
  bindingId: Types.ObjectId,
  now: Date,
) {
  const usedBy = { userId: user._id, name: body.name.trim(), mobile: body.mobile };
  await PermissionCode.updateOne(
    { _id: code._id },
    { $set: { state: 'used', usedAt: now, usedBy, bindingId } },
  );
  const binding: Binding = {
    _id: bindingId,
    kind: target.kind,
    role: target.role,
    regionCode: target.kind === 'region' ? target.region._id : target.school.regionCode,
    regionPath: target.kind === 'region' ? target.region.path : target.school.regionPath,
    schoolId: target.kind === 'school' ? target.school._id : undefined,
    active: true,
  };
  await pushBinding(user._id, binding);

  // Two different codes for one school bound at the same moment: the earlier binding stays.
  if (target.kind === 'school') {
    const others = (await activeAdminsOfSchool(target.school._id)).filter(
      (a) => !a.binding._id.equals(bindingId),
    );
    if (others.some((a) => String(a.binding._id) < String(bindingId))) {
      const fresh = await User.findById(user._id).lean<UserDoc>();
      if (fresh) await deactivateBinding(fresh, bindingId);
      await PermissionCode.updateOne(
        { _id: code._id },
        { $set: { state: 'unused' }, $unset: { usedAt: 1, usedBy: 1, bindingId: 1 } },
      );
      await PermissionCodeClaim.deleteOne({ _id: String(code._id), bindingId });
      throw new ConflictError(messages.schoolHasAdmin, 'SCHOOL_HAS_ADMIN');
    }
  }

  // A person who had no usable binding starts working in the new one right away.
  if (!ac.binding) await setSessionBinding(accessToken, bindingId);
  const path = targetPath(target);
  await recordAudit(ac.clock, ac.actor, {
    action: 'permissionCode.bind',
    targetType: 'permissionCode',
    targetId: String(code._id),
    regionPath: code.regionPath,
    before: { state: 'unused' },
    after: { state: 'used', usedBy: String(user._id) },
  });
  await recordAudit(ac.clock, ac.actor, {
    action: 'user.addBinding',
    targetType: 'user',
    targetId: String(user._id),
    regionPath: path,
    before: null,
    after: {
      bindingId: String(bindingId),
      kind: binding.kind,
      role: binding.role,
      regionCode: binding.regionCode,
      schoolId: binding.schoolId ? String(binding.schoolId) : null,
      contactName: body.name.trim(),
      contactMobile: body.mobile ?? null,
    },
  });
  const updated = (await User.findById(user._id).lean<UserDoc>()) ?? user;
  const active = ac.binding ? updated.bindings.find((b) => b._id.equals(ac.binding!._id)) : binding;
  return { binding: bindingView(binding), ...(await meView(updated, active)) };
}

// ---------------------------------------------------------------------------------------------
// Removing a bound region admin (seed 003 Q2)

export async function removeRegionAdmin(ac: ActionContext, code: string, userId: string) {
  const caller = requireRegionManager(ac.binding, messages.notIssuer);
  const region = await getRegionWithin(caller, code);
  const user = await User.findById(userId).lean<UserDoc>();
  if (!user) throw new NotFoundError(messages.userNotFound, 'USER_NOT_FOUND');
  const atRegion = user.bindings.filter((b) => b.kind === 'region' && b.active && b.regionCode === code);
  if (atRegion.length === 0) throw new NotFoundError(messages.noAdminAtRegion, 'REGION_ADMIN_NOT_FOUND');
  const removable: Binding[] = [];
  for (const b of atRegion) {
    const ok = await assertMayIssue(caller, { kind: 'region', role: b.role, region }).then(
      () => true,
      () => false,
    );
    if (ok) removable.push(b);
  }
  if (removable.length === 0) throw new ForbiddenError(messages.roleNotAllowed, 'ROLE_FORBIDDEN');
  for (const b of removable) {
    await deactivateBinding(user, b._id);
    await recordAudit(ac.clock, ac.actor, {
      action: 'region.removeAdmin',
      targetType: 'user',
      targetId: String(user._id),
      regionPath: regionScope(region),
      before: { bindingId: String(b._id), role: b.role, regionCode: code, active: true },
      after: { bindingId: String(b._id), role: b.role, regionCode: code, active: false },
    });
  }
  return { removed: removable.map((b) => ({ ...bindingView(b), active: false })) };
}
