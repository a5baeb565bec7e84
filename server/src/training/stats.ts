// The training's read models, rebuilt from the records and kept current on every write:
//
// - Rollups: one document per (region, stage or *, subject or *) holding that region's statistics page:
//   participants, learners, completers and hours, split by verified/unverified, of the region, of each
//   child region and of its direct schools. A statistics page is one `_id` read.
// - Roster: every participant as one tab-separated line, in chunks per managing region. The
//   by-teacher list, its export, the school view and the import's "what was there before" read it
//   instead of scanning 150,000 records (on FerretDB/SQLite a scan decodes every field of every
//   document, ~30 s at that size).
//
// Both live in collections of a "view generation": an import or a recount writes a complete new
// generation with batched inserts, then switches Training.viewGen. A single teacher's change
// (verification, moving school) instead $inc's the current rollups and leaves a RosterPatch.
//
// One file per part: roster.ts (region tree, roster lines), rollups.ts (rollup cells, writing a
// generation), recount.ts (a teacher's change, one writer per training, recount, 专任教师数). This file is
// their public face, so `./stats` stays the import path.
export {
  decodeLine,
  encodeLine,
  regionIndex,
  rosterOf,
  streamRoster,
  type RegionIndex,
  type RosterLine,
  type TeacherFacts,
} from './roster';
export { ALL, countsOf, readRollup, rollupId, rollupKind, writeGeneration } from './rollups';
export {
  fullTimeCounts,
  lockTraining,
  recountAllTrainings,
  recountTraining,
  setFullTimeCounts,
  settleGeneration,
  syncTeacherTrainings,
  type RecountResult,
} from './recount';
