// Every read model subscribes to the change events (events.ts) here, once per process, before any
// writer runs (createApp and startServer call it). Writers only publish; see docs/ARCHITECTURE.md,
// "Change events", for which rebuild or repair catches what a crash between a write and its event missed.
import { subscribeProgress } from './reports/progress';
import { subscribeAdminHints } from './schools/admins';
import { subscribeSchoolList } from './schools/list-index';
import { subscribeStatistics } from './statistics/rollups';
import { subscribeTeacherDirectory } from './teachers/service';
import { subscribeTrainingRoster } from './training/follow-teachers';

/**
 * Subscribes the school list index, the admin hint list, the teacher directory, the training roster,
 * and the progress and statistics rollups (idempotent: safe to call for every app in one process).
 */
export function subscribeReadModels(): void {
  subscribeAdminHints();
  subscribeSchoolList();
  subscribeProgress();
  subscribeStatistics();
  subscribeTeacherDirectory();
  subscribeTrainingRoster();
}
