// One test for "a unique index said no", whatever shape the driver or FerretDB gives it.

/**
 * True when `err` is a duplicate-key violation: a MongoServerError with code 11000, a bulk write whose
 * every write error is one (a BulkWriteError with `writeErrors`), or FerretDB's SQLite message for a
 * violation it reports without the code (seen on findAndModify: "UNIQUE constraint failed").
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as
    | {
        code?: number;
        message?: string;
        writeErrors?: { code?: number; err?: { code?: number } }[];
      }
    | null
    | undefined;
  if (!e || typeof e !== 'object') return false;
  // A bulk write's own code names only its first error: every write error must be a duplicate.
  if (Array.isArray(e.writeErrors) && e.writeErrors.length > 0)
    return e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
  if (e.code === 11000) return true;
  return /UNIQUE constraint failed|E11000 duplicate key/i.test(e.message ?? '');
}

/** What `bulkWriteUpserts` needs of a collection (the driver's, or a mongoose model's `.collection`). */
interface BulkWritable {
  bulkWrite(ops: any[], opts: { ordered: boolean }): Promise<unknown>;
}

/**
 * Runs a bulk write of upserts by `_id` (unordered) so that racing first writers never fail it. On
 * FerretDB an upsert is a read then an insert: two requests that both build a missing read-model
 * document (the school list's region documents, rollups) both insert it, and one is refused with a
 * duplicate key although nothing is wrong. The statements refused so did nothing, so they are sent
 * again (the document exists now: the upsert updates it); the others are not repeated. Up to
 * `attempts` rounds; any other error, or duplicates that persist, are thrown.
 */
export async function bulkWriteUpserts(collection: BulkWritable, ops: any[], attempts = 5): Promise<void> {
  let pending = ops;
  for (let attempt = 1; pending.length > 0; attempt++) {
    try {
      await collection.bulkWrite(pending, { ordered: false });
      return;
    } catch (err) {
      const failed = (err as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
      if (!failed?.length || !isDuplicateKey(err) || attempt >= attempts) throw err;
      pending = failed.map((w) => pending[w.index]);
    }
  }
}
