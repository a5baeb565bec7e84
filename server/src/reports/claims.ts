// Optimistic concurrency for reports that holds on FerretDB too. There, a conditional update
// (`updateOne({state: 'draft'}, …)`, `findOneAndUpdate`) is a read-modify-write that two requests can
// both pass; an insert of a duplicate `_id`, though, always fails. So every change of a report first
// claims its version (`<reportId>:<version>`) by an insert: exactly one writer gets each version.
import { BSON } from 'mongodb';
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../clock';

const { EJSON } = BSON;
import { ConflictError } from '../http/errors';
import { Report, type ReportDoc } from './model';

interface ClaimDoc {
  _id: string;
  at: Date;
  /** The update the claimant is about to apply (EJSON), so a crash in between can be rolled forward. */
  update: string;
}

const claimSchema = new Schema<ClaimDoc>({ _id: String, at: Date, update: String }, { versionKey: false });
export const ReportClaim = mongoose.model<ClaimDoc>('ReportClaim', claimSchema, 'report_claims');

/** A claimant that has not applied its update within this time is taken to have crashed. */
const STUCK_AFTER_MS = 30_000;

const messages = {
  concurrent: '报表刚被其他操作修改，请刷新后重试',
};

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/** Applies `update` to the report at `before.version`, or throws 409 if someone else changed it first. */
export async function mutateReport(
  clock: Clock,
  before: ReportDoc,
  update: Record<string, any>,
): Promise<ReportDoc> {
  const version = before.version ?? 0;
  const key = `${before._id}:${version}`;
  const full = { ...update, $set: { ...(update.$set ?? {}), version: version + 1 } };
  try {
    await ReportClaim.create({ _id: key, at: clock(), update: EJSON.stringify(full) });
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    await rollForward(clock, before._id, version);
    throw new ConflictError(messages.concurrent, 'REPORT_CHANGED');
  }
  await Report.updateOne({ _id: before._id }, full);
  return (await Report.findById(before._id).lean<ReportDoc>())!;
}

/** Finishes a claimed change whose claimant died before applying it (the report is still at `version`). */
async function rollForward(clock: Clock, id: string, version: number): Promise<void> {
  const claim = await ReportClaim.findById(`${id}:${version}`).lean<ClaimDoc>();
  if (!claim || clock().getTime() - claim.at.getTime() < STUCK_AFTER_MS) return;
  const report = await Report.findById(id, { version: 1 }).lean<ReportDoc>();
  if ((report?.version ?? 0) !== version) return;
  try {
    await ReportClaim.create({ _id: `${id}:${version}:rolled`, at: clock(), update: claim.update });
  } catch (err) {
    if (isDuplicate(err)) return;
    throw err;
  }
  await Report.updateOne(
    { _id: id },
    EJSON.parse(claim.update, { relaxed: false }) as Record<string, unknown>,
  );
}
