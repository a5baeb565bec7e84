import type { Types } from 'mongoose';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../db/duplicate-key';
import { AuditEntry } from './model';

/** Who is acting and from where: built once per request (see actorOf in ../accounts/auth.ts). */
export interface Actor {
  userId?: Types.ObjectId;
  name?: string;
  bindingId?: Types.ObjectId;
  requestId?: string;
  ip?: string;
}

export interface AuditInput {
  action: string;
  targetType: string;
  targetId: string;
  regionPath: string[];
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields whose values differ between before and after (created: before is empty; deleted: after is). */
export function diff(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (key === 'passwordHash' || key === 'updatedAt') continue; // never store secrets; noise
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    if (!same(b, a)) out[key] = { before: b, after: a };
  }
  return out;
}

/**
 * Appends one entry. Audit entries are never updated or deleted. With `opts.id` the entry's `_id` is
 * chosen by the caller, so a step repeated after a crash writes it once (`opts.at`: when it happened).
 */
export async function recordAudit(
  clock: Clock,
  actor: Actor,
  input: AuditInput,
  opts: { id?: Types.ObjectId; at?: Date } = {},
): Promise<void> {
  await AuditEntry.create({
    ...(opts.id ? { _id: opts.id } : {}),
    at: opts.at ?? clock(),
    actorId: actor.userId,
    actorName: actor.name,
    bindingId: actor.bindingId,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    regionPath: input.regionPath,
    changes: diff(input.before, input.after),
    reason: input.reason,
    requestId: actor.requestId,
    ip: actor.ip,
  }).catch((err) => {
    if (!(opts.id && isDuplicateKey(err))) throw err;
  });
}
