// Optimistic concurrency for reports that holds on FerretDB too, and changes that finish after a crash.
// There, a conditional update (`updateOne({state: 'draft'}, …)`, `findOneAndUpdate`) is a read-modify-write
// that two requests can both pass; an insert of a duplicate `_id`, though, always fails. So every change of
// a report first claims its version (`<reportId>:<version>`) by an insert: exactly one writer gets each
// version. The claim carries the update and the change's follow-ups (audit entry, outbox event, locking
// below…) and stays until all of them are done (`settleClaim`); a claim left by a crash is finished by
// `reconcileReports` (reports/reconcile.ts) at the next start and every minute after: the change is then
// done — never applied later over an edit made after the restart.
import { BSON } from 'mongodb';
import mongoose, { Schema, type Types } from 'mongoose';
import type { Actor, AuditInput } from '../audit/service';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError } from '../http/errors';
import type { NewEvent } from '../outbox/service';
import { Report, type ReportDoc } from './model';

const { EJSON } = BSON;

/** What a change of a report must be followed by, stored with its claim so a crash cannot skip it. */
export interface FollowUps {
  /** The audit entry, with its `_id` chosen up front so writing it twice writes it once. */
  audit?: { id: Types.ObjectId; actor: Actor; input: AuditInput };
  /** Outbox events (their keys make a second write a no-op). */
  events?: NewEvent[];
  /** A region's submission locks what it reviewed (service.ts `lockBelow`). */
  lockBelow?: { by?: Types.ObjectId };
  /** A school's first report makes it initialized. */
  markInitialized?: boolean;
}

interface ClaimDoc {
  _id: string;
  at: Date;
  reportId: string;
  version: number;
  /** The update the claimant is about to apply (EJSON), so a crash in between can be rolled forward. */
  update: string;
  /** FollowUps as EJSON (ObjectIds and dates kept). */
  followUps?: string;
}

const claimSchema = new Schema<ClaimDoc>(
  { _id: String, at: Date, reportId: String, version: Number, update: String, followUps: String },
  { versionKey: false },
);
export const ReportClaim = mongoose.model<ClaimDoc>('ReportClaim', claimSchema, 'report_claims');

/** A claim not settled within this time is taken to belong to a claimant that crashed. */
export const STUCK_AFTER_MS = 30_000;

const messages = {
  concurrent: '报表刚被其他操作修改，请刷新后重试',
};

export const claimKey = (reportId: string, version: number) => `${reportId}:${version}`;

/**
 * Step one of a change: claims the report's version `before.version` with the update to apply and its
 * follow-ups. Throws 409 REPORT_CHANGED if someone else claimed it first.
 */
export async function claimChange(
  clock: Clock,
  before: ReportDoc,
  update: Record<string, any>,
  followUps?: FollowUps,
): Promise<{ version: number; full: Record<string, any> }> {
  const version = before.version ?? 0;
  const full = { ...update, $set: { ...(update.$set ?? {}), version: version + 1 } };
  try {
    await ReportClaim.create({
      _id: claimKey(before._id, version),
      at: clock(),
      reportId: before._id,
      version,
      update: EJSON.stringify(full),
      followUps: followUps ? EJSON.stringify(followUps) : undefined,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new ConflictError(messages.concurrent, 'REPORT_CHANGED');
  }
  return { version, full };
}

/**
 * Applies `update` to the report at `before.version`, or throws 409 REPORT_CHANGED if someone else
 * claimed that version first. The claim stays until `settleClaim(after)` (or the reconcile) removes it.
 */
export async function mutateReport(
  clock: Clock,
  before: ReportDoc,
  update: Record<string, any>,
  followUps?: FollowUps,
): Promise<ReportDoc> {
  const { version, full } = await claimChange(clock, before, update, followUps);
  // Conditional on the version: if the reconcile rolled this claim forward already, it applies once.
  await Report.updateOne({ _id: before._id, version: atVersion(version) }, full);
  const after = (await Report.findById(before._id).lean<ReportDoc>())!;
  claims.set(after, { key: claimKey(before._id, version), followUps: followUps ?? {} });
  return after;
}

/** Documents written before versions existed have none: they are at version 0. */
const atVersion = (version: number) => (version === 0 ? { $in: [0, null] } : version);

/** The claim (and its follow-ups) each report returned by `mutateReport` came from. */
const claims = new WeakMap<ReportDoc, { key: string; followUps: FollowUps }>();

/** The claim behind a report `mutateReport` returned. */
export function claimOf(after: ReportDoc): { key: string; followUps: FollowUps } | undefined {
  return claims.get(after);
}

/** The claim `key` is done with, follow-ups included: removed (a stale writer can no longer match its version). */
export async function settleClaim(key: string): Promise<void> {
  await ReportClaim.deleteOne({ _id: key });
}

export interface PendingClaim {
  key: string;
  reportId: string;
  version: number;
  at: Date;
  followUps: FollowUps;
}

/** Up to `limit` claims written before `before` and not settled: the oldest first. */
export async function pendingClaims(before: Date, limit = 500): Promise<PendingClaim[]> {
  // Claims of the earlier format (no reportId) were never removed and are all applied: the purge drops them.
  const docs = await ReportClaim.find({ at: { $lt: before }, reportId: { $exists: true } })
    .sort({ at: 1 })
    .limit(limit)
    .lean<ClaimDoc[]>();
  return docs.map((c) => ({
    key: c._id,
    reportId: c.reportId,
    version: c.version,
    at: c.at,
    followUps: c.followUps ? (EJSON.parse(c.followUps, { relaxed: false }) as FollowUps) : {},
  }));
}

/**
 * Makes sure the claimed update is applied: a report still at the claim's version gets it now.
 * Returns the report as it stands afterwards (null if the report is gone).
 */
export async function rollForward(key: string): Promise<ReportDoc | null> {
  const claim = await ReportClaim.findById(key).lean<ClaimDoc>();
  if (!claim) return null;
  const { reportId, version } = claim;
  const report = await Report.findById(reportId, { version: 1 }).lean<ReportDoc>();
  if (report && (report.version ?? 0) === version) {
    await Report.updateOne(
      { _id: reportId, version: atVersion(version) },
      EJSON.parse(claim.update, { relaxed: false }) as Record<string, unknown>,
    );
  }
  return Report.findById(reportId).lean<ReportDoc>();
}

/** Removes claims of the earlier format (no follow-ups, all applied long ago); returns how many. */
export async function purgeLegacyClaims(): Promise<number> {
  return (await ReportClaim.deleteMany({ reportId: { $exists: false } })).deletedCount;
}
