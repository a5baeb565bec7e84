// The region tree held in memory: ~3,400 GB/T 2260 regions that change only when the seed, a base-data
// sync or a new functional zone runs (re-read after REGION_TREE_TTL_MS, so another instance's change
// shows), and whose children are asked for on every progress and statistics page. On FerretDB/SQLite a
// `{parentCode}` query scans the whole collection; this answers from a map.
import mongoose from 'mongoose';
import { Region, type RegionDoc } from './model';

let cache: Promise<Map<string, RegionDoc[]>> | undefined;
let loadedAt = 0;
/**
 * How long a process keeps the tree before reading it again (wall clock): regions change rarely (a base-
 * data sync, a new functional zone), and another instance's change shows here within this time.
 */
export const REGION_TREE_TTL_MS = 60_000;
// A new connection may be a different database (tests, reconfiguration): start afresh.
mongoose.connection.on('connected', () => {
  cache = undefined;
});

async function load(): Promise<Map<string, RegionDoc[]>> {
  const byParent = new Map<string, RegionDoc[]>();
  for (const r of await Region.find({}).sort({ _id: 1 }).lean<RegionDoc[]>()) {
    if (!r.parentCode) continue;
    const list = byParent.get(r.parentCode) ?? [];
    list.push(r);
    byParent.set(r.parentCode, list);
  }
  return byParent;
}

/** Direct children of a region, sorted by code. */
export async function cachedChildren(code: string): Promise<RegionDoc[]> {
  if (cache && Date.now() - loadedAt > REGION_TREE_TTL_MS) cache = undefined;
  if (!cache) loadedAt = Date.now();
  cache ??= load().catch((err) => {
    cache = undefined;
    throw err;
  });
  const map = await cache;
  // An empty map means the regions were not seeded when it was loaded: look again next time.
  if (map.size === 0) cache = undefined;
  return map.get(code) ?? [];
}

/** Forget the cached tree (after seeding, and between test databases). */
export function invalidateRegionTree(): void {
  cache = undefined;
}

/** Every region below `code` (not `code` itself), depth first. */
export async function cachedDescendants(code: string): Promise<RegionDoc[]> {
  const out: RegionDoc[] = [];
  const walk = async (c: string) => {
    for (const child of await cachedChildren(c)) {
      out.push(child);
      await walk(child._id);
    }
  };
  await walk(code);
  return out;
}
