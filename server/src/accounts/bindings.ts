// Switching the caller's active binding (a person holding several region/school bindings), and the /me view
// with the steps still pending. Split from the school-admin accounts (now schools/admin-accounts.ts).
import { scopeOf } from '@eduprogress/shared';
import { Types } from 'mongoose';
import { createHash } from 'node:crypto';
import type { ActionContext } from '../access/caller';
import { recordAudit } from '../audit/service';
import { ConflictError, ForbiddenError } from '../http/errors';
import { findRegion } from '../schools/common';
import { bindingView, Session, userView, type Binding, type UserDoc } from './model';

const messages = {
  bindingNotYours: '该身份不属于您',
  bindingInactive: '该身份已失效，请联系上级管理员',
};

// ---------------------------------------------------------------------------------------------
// Switching the active binding

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Makes `bindingId` the active binding of the token's whole family (access and refresh tokens). */
export async function setSessionBinding(accessToken: string, bindingId: Types.ObjectId): Promise<void> {
  const session = await Session.findById(tokenHash(accessToken)).lean();
  if (session) await Session.updateMany({ family: session.family }, { $set: { bindingId } });
}

/** A binding view with its region's name (`regionName`, e.g. 福建省; absent for school/teacher bindings). */
export type NamedBindingView = ReturnType<typeof bindingView> & { regionName?: string };

/**
 * The `GET /me` shape, the one place it is built: the user, the active binding and the first-login steps
 * still pending (`extraSteps`: those the first-login guard found, e.g. fillRegionForm). Every region
 * binding carries its region's name beside its code, so 我的身份 reads 福建省 管理员 (seed 003).
 */
export async function meView(
  user: UserDoc,
  binding: Binding | undefined,
  extraSteps: readonly string[] = [],
) {
  const pendingSteps: string[] = [];
  if (user.mustChangePassword) pendingSteps.push('changePassword');
  // Administrators complete their personal info at first login (seed 000 §4.1, §6.3).
  if (!user.profileCompleted && user.bindings.some((b) => b.active && b.kind !== 'teacher')) {
    pendingSteps.push('completeProfile');
  }
  pendingSteps.push(...extraSteps);
  const named = async (b: Binding): Promise<NamedBindingView> => {
    const view: NamedBindingView = bindingView(b);
    const region = b.kind === 'region' && b.regionCode ? await findRegion(b.regionCode) : null;
    if (region) view.regionName = region.name;
    return view;
  };
  const base = userView(user);
  return {
    user: { ...base, bindings: await Promise.all(user.bindings.filter((b) => b.active).map(named)) },
    activeBinding: binding ? await named(binding) : null,
    pendingSteps,
  };
}

export function auditPathOfBinding(b: Binding): string[] {
  if (b.kind === 'region' && b.regionCode) return scopeOf(b.regionPath, b.regionCode);
  return b.regionPath.length > 0 || !b.regionCode ? b.regionPath : [b.regionCode];
}

/** Seed 003: one person may hold several bindings; the token family carries the one in use. */
export async function switchBinding(
  ac: ActionContext,
  user: UserDoc,
  accessToken: string,
  bindingId: string,
): ReturnType<typeof meView> {
  const target = user.bindings.find((b) => b._id.equals(bindingId));
  if (!target) throw new ForbiddenError(messages.bindingNotYours, 'BINDING_FORBIDDEN');
  if (!target.active) throw new ConflictError(messages.bindingInactive, 'BINDING_INACTIVE');
  if (!(ac.binding && ac.binding._id.equals(target._id))) {
    await setSessionBinding(accessToken, target._id);
    await recordAudit(ac.clock, ac.actor, {
      action: 'user.switchBinding',
      targetType: 'user',
      targetId: String(user._id),
      regionPath: auditPathOfBinding(target),
      before: { activeBindingId: ac.binding ? String(ac.binding._id) : null },
      after: { activeBindingId: String(target._id) },
    });
  }
  return meView(user, target);
}
