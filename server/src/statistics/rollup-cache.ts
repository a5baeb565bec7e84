// The statistics pages' in-process cache of decoded rollups (issue 13, "category page p95 < 50 ms"):
// every page still reads its rollup document by `_id` (so another instance's write, a recount or a
// repair shows at the next read), but a document whose encoded rows are the very string decoded before
// is not decoded again, and the rows summed for a filter (学校类型, 城乡类型) are kept with it. Decoding
// a province's 校校通 rollup (~400 cells × ~30 parts) and summing its rows for a filter was most of a
// page's own work and of its garbage (hence of its slow tail).
import { addParts, type Parts } from '@eduprogress/shared';
import { decodeRows, REGION_CELL, type RowCells } from './model';

/** Which school cells a row's sum keeps; region-report parts (`*`) always pass. */
export interface CellFilter {
  schoolType?: string;
  urbanRural?: string;
}

/** A decoded rollup: its rows, and each row summed for a filter (computed once, on first ask). */
export interface DecodedRollup {
  rows: Record<string, RowCells>;
  /** The cells of `row` that pass `filter`, summed. The result is shared: do not change it. */
  sum(row: string, filter: CellFilter): Readonly<Parts>;
}

/** The cells of a row that pass the filter, summed. */
function sumCells(cells: RowCells | undefined, filter: CellFilter): Parts {
  const out: Parts = {};
  for (const [cell, parts] of Object.entries(cells ?? {})) {
    if (cell !== REGION_CELL) {
      const bar = cell.indexOf('|');
      if (filter.schoolType && cell.slice(0, bar) !== filter.schoolType) continue;
      if (filter.urbanRural && cell.slice(bar + 1) !== filter.urbanRural) continue;
    }
    addParts(out, parts);
  }
  return out;
}

function decoded(data: string | undefined): DecodedRollup {
  const rows = decodeRows(data);
  const sums = new Map<string, Parts>();
  return {
    rows,
    sum(row, filter) {
      const key = `${filter.schoolType ?? ''}|${filter.urbanRural ?? ''}|${row}`;
      let parts = sums.get(key);
      if (!parts) sums.set(key, (parts = sumCells(rows[row], filter)));
      return parts;
    },
  };
}

/**
 * Encoded characters the cache keeps at most (the decoded rows take a few times that): a province's
 * largest rollup is ~40,000 characters, a county's a few hundred; the least recently read go first.
 */
export const ROLLUP_CACHE_CHARS = 4_000_000;

const cache = new Map<string, { data: string; decoded: DecodedRollup }>();
let cachedChars = 0;

/**
 * The decoded rows of the rollup `id` whose stored encoding (`StatisticsRollupDoc.data`) is `data`, as
 * read just now: taken from the cache when it holds this very encoding, else decoded and kept. An empty
 * or missing rollup decodes to no rows (not cached). Keyed by content, so never stale: a changed
 * document is a different string.
 */
export function decodedRollup(id: string, data: string | undefined): DecodedRollup {
  if (!data) return decoded(undefined);
  const hit = cache.get(id);
  if (hit && hit.data === data) {
    // Most recently used last (Map keeps insertion order).
    cache.delete(id);
    cache.set(id, hit);
    return hit.decoded;
  }
  if (hit) {
    cache.delete(id);
    cachedChars -= hit.data.length;
  }
  const entry = { data, decoded: decoded(data) };
  cache.set(id, entry);
  cachedChars += data.length;
  for (const [oldest, e] of cache) {
    if (cachedChars <= ROLLUP_CACHE_CHARS || oldest === id) break;
    cache.delete(oldest);
    cachedChars -= e.data.length;
  }
  return entry.decoded;
}
