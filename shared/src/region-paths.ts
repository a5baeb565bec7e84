// One meaning per name for region paths. Two kinds of code lists are stored, both root first:
// - an *ancestor path* (`AncestorPath`) stops at the parent: a region's `path`, and the `regionPath` of
//   bindings, bot rooms, notices, outbox events and trainings;
// - a *scope path* (`ScopePath`) goes down to and includes the region itself: the `regionPath` of schools
//   (down to the managing region), teachers, reports, audit entries, permission codes and statistics rows.
// A stored field keeps its name (renaming would need a migration); its type says which kind it holds, and
// the one helper below turns an ancestor path into a scope path.

/** Region codes from the national root down to the parent, the region itself excluded. */
export type AncestorPath = string[];

/** Region codes from the national root down to and including the region itself. */
export type ScopePath = string[];

/** The scope path of the region `code` whose ancestors are `ancestors`: `[...ancestors, code]`. */
export function scopeOf(ancestors: readonly string[], code: string): ScopePath {
  return [...ancestors, code];
}

/** A region document's scope path (its `path` then its own code). */
export function regionScope(region: { _id: string; path: readonly string[] }): ScopePath {
  return scopeOf(region.path, region._id);
}
