// School-admin login names, one format wherever an account is made (create, import, replacement, demo):
// `s` + managing region code + 4-digit sequence (README), e.g. s3501020001. Sequences come from a
// per-region counter document; the unique index on `users.loginName` settles any race (the loser draws
// again past the counter), so no name is ever given twice.
import mongoose, { Schema } from 'mongoose';
import { User } from '../accounts/model';
import { isDuplicateKey } from '../db/duplicate-key';

interface LoginSequenceDoc {
  /** The managing region's code. */
  _id: string;
  /** The highest sequence handed out (or found in use). */
  last: number;
}

export const LoginSequence = mongoose.model<LoginSequenceDoc>(
  'LoginSequence',
  new Schema<LoginSequenceDoc>({ _id: String, last: Number }, { versionKey: false }),
  'login_sequences',
);

/** `s` + region code + the sequence, zero-padded to 4 digits (more past 9999). */
export function schoolAdminLoginName(regionCode: string, seq: number): string {
  return `s${regionCode}${String(seq).padStart(4, '0')}`;
}

/** The highest sequence in use in a region, from the accounts (once per region: a scan on FerretDB). */
async function highestInUse(regionCode: string): Promise<number> {
  const pattern = new RegExp(`^s${regionCode}(\\d{4,})$`);
  let max = 0;
  for (const u of await User.find({ loginName: { $regex: pattern } }, { loginName: 1 }).lean()) {
    max = Math.max(max, Number(pattern.exec(u.loginName)![1]));
  }
  return max;
}

/**
 * Reserves `count` login names of the region, past every name handed out before. Names may still be
 * taken by a concurrent reservation: insert with the unique index and reserve again for the losers.
 */
export async function reserveSchoolAdminLoginNames(regionCode: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const doc = await LoginSequence.findById(regionCode).lean();
  const last = doc ? doc.last : await highestInUse(regionCode);
  await LoginSequence.updateOne(
    { _id: regionCode },
    { $max: { last: last + count } },
    { upsert: true },
  ).catch((err) => {
    if (!isDuplicateKey(err)) throw err; // a concurrent first reservation
  });
  return Array.from({ length: count }, (_, i) => schoolAdminLoginName(regionCode, last + 1 + i));
}

/** Records sequences already used (demo data written in bulk), so reservations start past them. */
export async function noteLoginSequences(lastByRegion: Map<string, number>): Promise<void> {
  for (const [regionCode, last] of lastByRegion) {
    await LoginSequence.updateOne({ _id: regionCode }, { $max: { last } }, { upsert: true });
  }
}
