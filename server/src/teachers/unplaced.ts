// The hint list of teachers without a school (「其他」, seed 003 问题 1). On FerretDB a
// `{schoolId: {$exists: false}}` query scans every teacher (a province has 450,000), so these teachers are
// kept in a small collection, `unplaced_teachers` (`_id` teacher id), written by every application and
// placement (`noteUnplaced`) and filled from one scan the first time it is read (placement.ts).
import mongoose, { Schema } from 'mongoose';
import type { TeacherDoc } from './model';

export interface UnplacedDoc {
  /** The teacher's id. */
  _id: string;
  regionPath: string[];
  appliedAt: Date;
}
export const UnplacedTeacher = mongoose.model<UnplacedDoc>(
  'UnplacedTeacher',
  new Schema<UnplacedDoc>({ _id: String, regionPath: [String], appliedAt: Date }, { versionKey: false }),
  'unplaced_teachers',
);
/** `_id` `filled`: the hint list was filled from the teachers once. */
export const UnplacedFill = mongoose.model<{ _id: string; at: Date }>(
  'UnplacedFill',
  new Schema<{ _id: string; at: Date }>({ _id: String, at: Date }, { versionKey: false }),
  'unplaced_teachers_fill',
);

/** Keeps the hint list right for one teacher: listed while it has no school, removed once it has one. */
export async function noteUnplaced(t: TeacherDoc): Promise<void> {
  if (t.schoolId) {
    await UnplacedTeacher.deleteOne({ _id: String(t._id) });
    return;
  }
  await UnplacedTeacher.replaceOne(
    { _id: String(t._id) },
    { regionPath: t.regionPath, appliedAt: t.appliedAt ?? t.createdAt },
    { upsert: true },
  );
}
