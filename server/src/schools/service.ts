// School management (seed 000 part 2; rules 001 §11–13, 002 §9–11). Services take typed
// dependencies and the caller's binding, never a Koa context.
//
// No multi-document transactions (FerretDB): every multi-step write puts the main document in a
// state first (`setup: 'pendingAdmin'`, `transfer: {…}`, an import job in `writing`), then writes the
// derived documents, then clears the state. Re-running the same request — or resumeSchoolWrites() / resumeInterruptedImports() — settles a half-done one.
//
// The services live in one file per part (common, list, write, transfer, imports, export); this file is
// their public face, so `./service` stays the one import path for routes and other features.
export {
  INITIAL_PASSWORD,
  lastCompletedQuarter,
  monthRange,
  REPORTED_STATES,
  type Caller,
  publishSchoolChange,
  type SchoolDeps,
} from './common';
export {
  getSchool,
  listFilter,
  listSchools,
  schoolsByUpdatedMonth,
  type ListSchoolsQuery,
  type SchoolList,
  type SchoolListItem,
} from './list';
export {
  createSchool,
  deleteSchool,
  updateSchool,
  type BasicInfoInput,
  type CreatedAdmin,
  type CreateSchoolInput,
  type DeleteSchoolOptions,
  type UpdateSchoolInput,
} from './write';
export { resumeSchoolWrites, transferSchool, type TransferExtras } from './transfer';
export {
  checkImportAccess,
  IMPORT_STALE_MS,
  importSchools,
  resumeInterruptedImports,
  type ImportProblem,
  type ImportResult,
  type ImportRow,
} from './imports';
export {
  exportableRegion,
  regionSchoolsCursor,
  regionsUnder,
  schoolAdminsByRegion,
  templateRegions,
  type SchoolAdminAccount,
} from './export';
