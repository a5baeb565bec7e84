// Where the returned reports with a time limit are, without a scan of every report (seed 001 §19: a
// return's time limit passed → the report is reported as it stands). FerretDB/SQLite scans a whole
// collection for any filter but `_id`, so finding them by `{state: 'returned', returnDeadline}` read
// every report of every period each minute (~120 s of a 74,000-school deadline run; at the national
// scale one command longer than the driver's socket timeout). Instead a return notes a hint
// (`report_returns`, `_id` = the report's id, its time limit) *before* the report changes, so a crash
// between the two leaves a hint too many, never one too few; the check reads the hints (as many as
// returns outstanding), each report by `_id`, and drops the hints whose report is no longer waiting.
// Reports returned before hints existed, or written directly (the demo world), are found by the first
// run of each process (`scanReports`: a cursor in bounded batches, never one long command).
import mongoose, { Schema } from 'mongoose';
import { bulkWriteUpserts } from '../db/duplicate-key';
import { Report } from './model';
import { EDITABLE_STATES } from './rules';

interface ReturnHintDoc {
  /** The report's `_id` (`<period>:school:<id>` / `<period>:region:<code>`). */
  _id: string;
  /** The return's time limit as last noted. */
  returnDeadline: Date;
}
const returnHintSchema = new Schema<ReturnHintDoc>(
  { _id: String, returnDeadline: Date },
  { versionKey: false },
);
export const ReturnHint = mongoose.model<ReturnHintDoc>('ReturnHint', returnHintSchema, 'report_returns');

/** Reports per batch of the first-run scan (each `getMore` scans and decodes about this many). */
const SCAN_BATCH = 1_000;

/**
 * Notes that report `reportId` is about to be returned with time limit `deadline` (upsert by `_id`;
 * two racing first writers are retried by `bulkWriteUpserts`). Call before the report's write.
 */
export async function noteReturn(reportId: string, deadline: Date): Promise<void> {
  await bulkWriteUpserts(ReturnHint.collection, [
    {
      updateOne: { filter: { _id: reportId }, update: { $set: { returnDeadline: deadline } }, upsert: true },
    },
  ]);
}

/** The hints whose time limit is at or before `now` (a scan of the hints only: one per open return). */
export async function expiredHints(now: Date): Promise<ReturnHintDoc[]> {
  return ReturnHint.find({ returnDeadline: { $lte: now } })
    .lean<ReturnHintDoc[]>()
    .batchSize(SCAN_BATCH);
}

/**
 * Drops a hint once its report no longer waits on that time limit; kept if a later return noted a new
 * limit meanwhile (the delete matches the limit read).
 */
export async function dropHint(hint: ReturnHintDoc): Promise<void> {
  await ReturnHint.deleteOne({ _id: hint._id, returnDeadline: hint.returnDeadline });
}

/**
 * One pass over every report, in batches of SCAN_BATCH (bounded commands however many reports there
 * are): notes a hint for each returned report with a time limit, and returns the periods that still
 * hold editable reports (where the deadlines must be looked at).
 */
export async function scanReports(): Promise<Set<string>> {
  const periods = new Set<string>();
  const hints: { _id: string; returnDeadline: Date }[] = [];
  const cursor = Report.collection
    .find({}, { projection: { period: 1, state: 1, returnDeadline: 1 }, batchSize: SCAN_BATCH })
    .stream();
  for await (const r of cursor as AsyncIterable<{
    _id: string;
    period: string;
    state: string;
    returnDeadline?: Date;
  }>) {
    if ((EDITABLE_STATES as readonly string[]).includes(r.state)) periods.add(r.period);
    if (r.state === 'returned' && r.returnDeadline)
      hints.push({ _id: r._id, returnDeadline: r.returnDeadline });
  }
  for (let i = 0; i < hints.length; i += SCAN_BATCH)
    await bulkWriteUpserts(
      ReturnHint.collection,
      hints.slice(i, i + SCAN_BATCH).map((h) => ({
        updateOne: {
          filter: { _id: h._id },
          update: { $set: { returnDeadline: h.returnDeadline } },
          upsert: true,
        },
      })),
    );
  return periods;
}
