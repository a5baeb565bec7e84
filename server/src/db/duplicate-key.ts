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
