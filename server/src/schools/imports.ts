// Importing schools from a spreadsheet (seed 000 part 2 §2.3) as a resumable `school_imports` job.
// Over 500 lines on purpose: the row checks, the job's steps (writing → indexing → done | rolledBack) and
// its recovery after a crash are one protocol and read best in one place.
import {
  regionScope,
  SCHOOL_OWNERSHIPS,
  SCHOOL_TYPES,
  scopeOf,
  URBAN_RURAL_TYPES,
  type SchoolOwnership,
  type SchoolType,
  type UrbanRuralType,
} from '@eduprogress/shared';
import { Types } from 'mongoose';
import { hostname } from 'node:os';
import { governsRegion, type RegionBinding } from '../access/rules';
import { User, type Binding } from '../accounts/model';
import { hashPassword } from '../accounts/passwords';
import { AuditEntry } from '../audit/model';
import { recordAudit, type Actor } from '../audit/service';
import { isDuplicateKey } from '../db/duplicate-key';
import { cleanCellText } from '../files/text';
import { ConflictError, ValidationError } from '../http/errors';
import { runOnce } from '../jobs/lease';
import { type RegionDoc } from '../regions/model';
import { publishDomainEvent } from '../events';
import {
  adminRegionOf,
  type Caller,
  ERROR_ROWS_SHOWN,
  findRegion,
  INITIAL_PASSWORD,
  loginNamesFor,
  managingProblem,
  managingRegion,
  messages,
  openPeriods,
  requireRegionAdmin,
  type SchoolDeps,
} from './common';
import { reserveSchoolAdminLoginNames } from './login-names';
import {
  School,
  SCHOOL_SYSTEMS,
  SchoolImport,
  type SchoolDoc,
  type SchoolImportDoc,
  type SchoolSystem,
} from './model';
import { optionalText } from './write';

// ---------------------------------------------------------------------------------------------
// Import

/** One data row of an import file, as text, with its spreadsheet row number. */
export interface ImportRow {
  row: number;
  name?: string;
  type?: string;
  regionCode?: string;
  weak?: string;
  schoolSystem?: string;
  ownership?: string;
  urbanRural?: string;
  address?: string;
  postcode?: string;
  /** Cells the file could not give a value for (a formula's error or missing result), by field. */
  cellProblems?: { field: ImportField; problem: string }[];
}

type ImportField = keyof Omit<ImportRow, 'row' | 'cellProblems'>;

export interface ImportProblem {
  row: number;
  field: ImportField;
  message: string;
}

export interface ImportResult {
  created: number;
  initialPassword: string;
  schools: { id: string; name: string; regionCode: string; loginName: string }[];
}

/** Spellings of the seed's own screens (e.g. 「9年一贯制」) mapped to our type names. */
const TYPE_ALIASES: Record<string, SchoolType> = { '9年一贯制': '九年一贯制', '12年一贯制': '十二年一贯制' };
const YES = new Set(['是', 'Y', 'y', '1', 'TRUE', 'true']);
const NO = new Set(['否', 'N', 'n', '0', 'FALSE', 'false']);

interface ValidRow {
  row: number;
  name: string;
  type: SchoolType;
  region: RegionDoc;
  weak: boolean;
  schoolSystem?: SchoolSystem;
  ownership: SchoolOwnership;
  urbanRural: UrbanRuralType;
  address?: string;
  postcode?: string;
}

function enumValue<T extends string>(allowed: readonly T[], raw: string | undefined): T | undefined | null {
  const v = raw?.trim();
  if (!v) return undefined;
  return (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

/** A school name as imports compare it: NFKC, no invisible characters, one space between words. */
function importName(raw: string | undefined): string {
  return cleanCellText(raw ?? '').replace(/\s+/g, ' ');
}

/** Checks every row, collects every problem; writes nothing. */
async function validateImport(
  binding: RegionBinding,
  rows: ImportRow[],
  defaultRegionCode?: string,
): Promise<{ valid: ValidRow[]; problems: ImportProblem[] }> {
  const problems: ImportProblem[] = [];
  const problem = (row: number, field: ImportProblem['field'], reason: string) =>
    problems.push({ row, field, message: messages.row(row, reason) });

  const codes = new Set<string>();
  for (const r of rows) {
    const code = (r.regionCode?.trim() || defaultRegionCode) ?? '';
    if (/^\d{6}$/.test(code)) codes.add(code);
  }
  // Distinct codes are few: one `_id` look-up each.
  const regions = new Map<string, RegionDoc>();
  await Promise.all(
    [...codes].map(async (code) => {
      const region = await findRegion(code);
      if (region) regions.set(code, region);
    }),
  );

  const valid: ValidRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const r of rows) {
    if (r.cellProblems?.length) {
      for (const { field, problem: why } of r.cellProblems)
        problem(r.row, field, messages.cellProblem(messages.importColumns[field] ?? field, why));
      continue;
    }
    const before = problems.length;
    const name = importName(r.name);
    if (!name) problem(r.row, 'name', messages.nameBlank);
    else if (name.length < 2 || name.length > 60) problem(r.row, 'name', messages.nameLength);

    const rawType = r.type?.trim() ?? '';
    const type = TYPE_ALIASES[rawType] ?? enumValue(SCHOOL_TYPES, rawType);
    if (type === undefined) problem(r.row, 'type', messages.typeMissing);
    else if (type === null) problem(r.row, 'type', messages.typeInvalid(rawType));

    const code = r.regionCode?.trim() || defaultRegionCode || '';
    const region = regions.get(code);
    if (!code) problem(r.row, 'regionCode', messages.regionMissing);
    else if (!/^\d{6}$/.test(code)) problem(r.row, 'regionCode', messages.regionFormat(code));
    else if (!region) problem(r.row, 'regionCode', messages.regionUnknown(code));
    else if (!governsRegion(binding, region))
      problem(r.row, 'regionCode', messages.regionOutsideRow(region.name, code));
    else {
      const why = managingProblem(region);
      if (why) problem(r.row, 'regionCode', why);
    }

    const rawWeak = r.weak?.trim() ?? '';
    const weak = rawWeak === '' ? false : YES.has(rawWeak) ? true : NO.has(rawWeak) ? false : null;
    if (weak === null) problem(r.row, 'weak', messages.weakInvalid(rawWeak));

    const schoolSystem = enumValue(SCHOOL_SYSTEMS, r.schoolSystem);
    if (schoolSystem === null)
      problem(r.row, 'schoolSystem', messages.enumInvalid('学制', r.schoolSystem!.trim()));
    const ownership = enumValue(SCHOOL_OWNERSHIPS, r.ownership);
    if (ownership === null) problem(r.row, 'ownership', messages.enumInvalid('办别', r.ownership!.trim()));
    const urbanRural = enumValue(URBAN_RURAL_TYPES, r.urbanRural);
    if (urbanRural === null)
      problem(r.row, 'urbanRural', messages.enumInvalid('城乡类型', r.urbanRural!.trim()));
    const address = optionalText(r.address);
    if (address && address.length > 200) problem(r.row, 'address', messages.addressTooLong);
    const postcode = optionalText(r.postcode);
    if (postcode && !/^\d{6}$/.test(postcode)) problem(r.row, 'postcode', messages.postcodeInvalid(postcode));

    if (name && region) {
      const key = `${region._id}\u0000${name}`;
      const first = firstRowOf.get(key);
      if (first !== undefined) problem(r.row, 'name', messages.duplicateInFile(name, first));
      else firstRowOf.set(key, r.row);
    }
    if (problems.length === before) {
      valid.push({
        row: r.row,
        name,
        type: type!,
        region: region!,
        weak: weak!,
        schoolSystem: schoolSystem ?? undefined,
        ownership: ownership ?? '教育部门',
        urbanRural: urbanRural ?? '城区',
        address,
        postcode,
      });
    }
  }

  // Schools that already exist in the same region: one query over the regions the file names.
  const usedCodes = [...new Set(valid.map((v) => v.region._id))];
  if (usedCodes.length) {
    const existing = await School.find({ regionCode: { $in: usedCodes } }, { regionCode: 1, name: 1 }).lean<
      { regionCode: string; name: string }[]
    >();
    // Names on file compare as the file's do: width-folded, invisible characters removed.
    const taken = new Set(existing.map((s) => `${s.regionCode}\u0000${importName(s.name)}`));
    for (let i = valid.length - 1; i >= 0; i--) {
      const v = valid[i];
      if (taken.has(`${v.region._id}\u0000${v.name}`)) {
        problem(v.row, 'name', messages.nameTaken(v.region.name, v.name));
        valid.splice(i, 1);
      }
    }
  }
  problems.sort((a, b) => a.row - b.row);
  return { valid, problems };
}

async function insertInBatches(
  collection: { insertMany(docs: any[], opts: { ordered: boolean }): Promise<unknown> },
  docs: unknown[],
): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) {
    await collection.insertMany(docs.slice(i, i + 1000), { ordered: false });
  }
}

let defaults: { school: Record<string, unknown>; user: Record<string, unknown> } | undefined;

/** The models' own defaults, read once, so bulk documents need no per-document hydration. */
function modelDefaults() {
  if (!defaults) {
    const { _id: _s, ...school } = new School({}).toObject();
    const { _id: _u, ...user } = new User({}).toObject();
    defaults = { school, user };
  }
  return defaults;
}

function schoolDefaults(): Record<string, unknown> {
  return { ...modelDefaults().school };
}

/** A school admin account as stored, with the model's defaults (for bulk inserts). */
function adminDocument(school: SchoolDoc, loginName: string, passwordHash: string, now: Date) {
  return {
    ...modelDefaults().user,
    _id: new Types.ObjectId(),
    loginName,
    name: messages.schoolAdminName(school.name),
    passwordHash,
    mustChangePassword: true,
    bindings: [
      {
        _id: new Types.ObjectId(),
        kind: 'school',
        role: 'admin',
        schoolId: school._id,
        regionCode: school.regionCode,
        regionPath: school.regionPath,
        active: true,
      },
    ],
    createdAt: now,
    updatedAt: now,
  } as Record<string, unknown>;
}

/** Inserts admin accounts; a login name taken meanwhile is redrawn for just that account. */
async function insertAdmins(docs: Record<string, unknown>[]): Promise<void> {
  let pending = docs;
  for (let attempt = 0; pending.length; attempt++) {
    const failed: Record<string, unknown>[] = [];
    for (let i = 0; i < pending.length; i += 1000) {
      const batch = pending.slice(i, i + 1000);
      try {
        await User.collection.insertMany(batch, { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: { index: number; code: number }[] }).writeErrors;
        if (!writeErrors || attempt >= 5 || !writeErrors.every((e) => isDuplicateKey(e))) throw err;
        for (const e of writeErrors) {
          const doc = batch[e.index];
          const [loginName] = await reserveSchoolAdminLoginNames(adminRegionOf(doc), 1);
          failed.push({ ...doc, loginName });
        }
      }
    }
    pending = failed;
  }
}

/** How often an import in progress shows it is alive, and after how long without a beat it is taken as interrupted. */
const IMPORT_BEAT_MS = 5_000;
export const IMPORT_STALE_MS = 30_000;
const IMPORT_OWNER = `${hostname()}:${process.pid}`;

/** Whether the process that owns an import is known to be gone (it ran on this host and has exited). */
function ownerGone(owner: string | undefined): boolean {
  const at = owner?.lastIndexOf(':') ?? -1;
  if (!owner || at < 0 || owner.slice(0, at) !== hostname()) return false;
  const pid = Number(owner.slice(at + 1));
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Announces a fully written import, one `schools.imported` event per managing region (list rows and
 * progress counts follow), then marks it done; safe to run again after a crash.
 */
async function finishImport(
  deps: SchoolDeps,
  importId: string,
  schools: SchoolDoc[],
  counted: string[],
  beforeDone?: () => Promise<void>,
): Promise<void> {
  const perRegion = new Map<string, SchoolDoc[]>();
  for (const sc of schools) {
    const group = perRegion.get(sc.regionCode) ?? [];
    group.push(sc);
    perRegion.set(sc.regionCode, group);
  }
  // Regions counted are marked at most once a second (a write each would cost more than the counts on
  // FerretDB): a crash counts the regions since the last mark twice, until the progress recount.
  const done = [...counted];
  let markedAt = performance.now();
  for (const [code, group] of perRegion) {
    if (counted.includes(code)) continue;
    await publishDomainEvent('schools.imported', {
      schools: group,
      periods: await openPeriods(deps, group[0]),
    });
    done.push(code);
    if (performance.now() - markedAt >= 1000) {
      await SchoolImport.updateOne({ _id: importId }, { $set: { countedRegions: done } });
      markedAt = performance.now();
    }
  }
  await beforeDone?.();
  await SchoolImport.updateOne(
    { _id: importId },
    {
      $set: { state: 'done', created: schools.length, finishedAt: deps.clock() },
      $unset: { schoolIds: 1, countedRegions: 1 },
    },
  );
}

/** Deletes an unfinished import's accounts, schools and any list rows, and marks it rolled back. */
async function rollBackImport(deps: SchoolDeps, importId: string, ids: Types.ObjectId[]): Promise<void> {
  const written = await School.find({ _id: { $in: ids } }, { regionCode: 1 }).lean<SchoolDoc[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000);
    await User.deleteMany({ 'bindings.schoolId': { $in: batch } });
    await School.deleteMany({ _id: { $in: batch } });
  }
  // Rows only exist if a list rebuild ran meanwhile (the import writes them after `indexing`).
  await publishDomainEvent('schools.discarded', { schools: written });
  await SchoolImport.updateOne(
    { _id: importId },
    { $set: { state: 'rolledBack', created: 0, finishedAt: deps.clock() }, $unset: { schoolIds: 1 } },
  );
}

/**
 * Settles imports a crash (kill -9, power loss) left unfinished, all or nothing: an import stopped
 * while writing is rolled back unless every one of its schools was written (then its missing admin
 * accounts are created); one stopped after writing gets its list rows and progress counts. Imports
 * whose process still beats within `staleMs` (default 30 s, wall clock) and is not known to be gone
 * (same host, no such process) are left alone and counted in
 * `waiting`, with `retryInMs` until the first of them can be taken. Each import is settled once, under
 * a lease, however many instances call this (at start-up, and from the jobs table).
 */
export async function resumeInterruptedImports(
  deps: SchoolDeps,
  opts: { staleMs?: number } = {},
): Promise<{ finished: number; rolledBack: number; waiting: number; retryInMs?: number }> {
  const staleMs = opts.staleMs ?? IMPORT_STALE_MS;
  const out: { finished: number; rolledBack: number; waiting: number; retryInMs?: number } = {
    finished: 0,
    rolledBack: 0,
    waiting: 0,
  };
  const jobs = await SchoolImport.find({ state: { $in: ['writing', 'indexing'] } }).lean<SchoolImportDoc[]>();
  for (const job of jobs) {
    const age = Date.now() - (job.beatAt ?? job.startedAt).getTime();
    if (age < staleMs && !ownerGone(job.owner)) {
      out.waiting++;
      out.retryInMs = Math.min(out.retryInMs ?? Infinity, staleMs - age + 100);
      continue;
    }
    await runOnce(deps.clock, `school-import:${job._id}`, async () => {
      const current = await SchoolImport.findById(job._id).lean<SchoolImportDoc>();
      if (!current || (current.state !== 'writing' && current.state !== 'indexing')) return;
      const ids = current.schoolIds ?? [];
      const schools = await School.find({ _id: { $in: ids } }).lean<SchoolDoc[]>();
      const audit = (action: string, after: Record<string, unknown>) =>
        recordAudit(deps.clock, (current.actor ?? {}) as Actor, {
          action,
          targetType: 'schoolImport',
          targetId: current._id,
          regionPath: current.auditPath ?? [],
          before: null,
          after,
        });
      if (current.state === 'writing' && schools.length < ids.length) {
        await rollBackImport(deps, current._id, ids);
        await audit('school.importRolledBack', { created: 0, written: schools.length, rows: ids.length });
        out.rolledBack++;
        return;
      }
      await SchoolImport.updateOne({ _id: current._id }, { $set: { state: 'indexing' } });
      await ensureImportAdmins(deps, schools);
      await finishImport(deps, current._id, schools, current.countedRegions ?? []);
      // The request's own entry is written after `done`: a crash in between leaves none.
      if (!(await AuditEntry.exists({ action: 'school.import', targetId: current._id }))) {
        await audit('school.import', {
          created: schools.length,
          resumed: true,
          schools: schools.map((sc) => `${String(sc._id)} ${sc.regionCode} ${sc.name}`),
        });
      }
      out.finished++;
    });
  }
  return out;
}

/** Creates the admin account of every school that has none (an import stopped while writing them). */
async function ensureImportAdmins(deps: SchoolDeps, schools: SchoolDoc[]): Promise<void> {
  const ids = schools.map((s) => s._id);
  const served = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const holders = await User.find(
      { 'bindings.schoolId': { $in: ids.slice(i, i + 1000) } },
      { bindings: 1 },
    ).lean<{ bindings: Binding[] }[]>();
    for (const u of holders) for (const b of u.bindings) served.add(String(b.schoolId));
  }
  const missingSchools = schools.filter((s) => !served.has(String(s._id)));
  if (!missingSchools.length) return;
  const passwordHash = await hashPassword(INITIAL_PASSWORD);
  const now = deps.clock();
  const names = await loginNamesFor(missingSchools);
  const missing = missingSchools.map((s, i) => adminDocument(s, names[i], passwordHash, now));
  for (const admin of missing) {
    await publishDomainEvent('school.adminBinding', {
      schoolId: (admin.bindings as Binding[])[0].schoolId!,
      userId: admin._id as Types.ObjectId,
    });
  }
  await insertAdmins(missing);
}

/** Who may import (region admins), checked before the upload is even read. */
export async function checkImportAccess(caller: Caller, defaultRegionCode?: string): Promise<RegionBinding> {
  const binding = requireRegionAdmin(caller.binding);
  if (defaultRegionCode) await managingRegion(binding, defaultRegionCode, 'regionCode');
  return binding;
}

export async function importSchools(
  deps: SchoolDeps,
  caller: Caller,
  rows: ImportRow[],
  opts: { defaultRegionCode?: string } = {},
): Promise<ImportResult> {
  const binding = await checkImportAccess(caller, opts.defaultRegionCode);
  if (!rows.length) throw new ValidationError(messages.importEmpty, { property: 'file' }, 'IMPORT_EMPTY');
  const { valid, problems } = await validateImport(binding, rows, opts.defaultRegionCode);
  if (problems.length) {
    const badRows = new Set(problems.map((p) => p.row)).size;
    throw new ValidationError(
      messages.importInvalid(badRows, problems[0].message),
      {
        property: 'file',
        badRows,
        errorCount: problems.length,
        rows: problems.slice(0, ERROR_ROWS_SHOWN),
      },
      'IMPORT_INVALID',
    );
  }

  const importId = new Types.ObjectId().toHexString();
  const now = deps.clock();
  const passwordHash = await hashPassword(INITIAL_PASSWORD);
  const schools: SchoolDoc[] = valid.map((v) => ({
    ...schoolDefaults(),
    status: '正常' as const,
    initialized: false,
    _id: new Types.ObjectId(),
    name: v.name,
    type: v.type,
    regionCode: v.region._id,
    regionPath: regionScope(v.region),
    weak: v.weak,
    ownership: v.ownership,
    urbanRural: v.urbanRural,
    ...(v.schoolSystem ? { schoolSystem: v.schoolSystem } : {}),
    ...(v.address ? { address: v.address } : {}),
    ...(v.postcode ? { postcode: v.postcode } : {}),
    issueFlags: { basic: [], report: [] },
    createdAt: now,
    updatedAt: now,
  }));
  const names = await loginNamesFor(schools);
  const admins = schools.map((s, i) => adminDocument(s, names[i], passwordHash, now));
  schools.forEach((s, i) => (s.adminIds = [admins[i]._id as Types.ObjectId]));
  const schoolIds = schools.map((s) => s._id);

  const result: ImportResult = {
    created: schools.length,
    initialPassword: INITIAL_PASSWORD,
    schools: schools.map((s, i) => ({
      id: String(s._id),
      name: s.name,
      regionCode: s.regionCode,
      loginName: admins[i].loginName as string,
    })),
  };

  // The job document first (one `_id` write), then schools and accounts side by side, then the list
  // rows and progress counts, then done: marking thousands of schools one by one would cost more than
  // the import itself on FerretDB. A crash anywhere is settled by resumeInterruptedImports().
  await SchoolImport.create({
    _id: importId,
    state: 'writing',
    schoolIds,
    created: 0,
    startedAt: now,
    beatAt: new Date(),
    owner: IMPORT_OWNER,
    actor: { ...caller.actor },
    auditPath: scopeOf(binding.regionPath, binding.regionCode),
  });
  const beat = setInterval(() => {
    SchoolImport.updateOne({ _id: importId }, { $set: { beatAt: new Date() } }).catch(() => {});
  }, IMPORT_BEAT_MS);
  beat.unref();
  try {
    const [schoolsWritten, adminsWritten] = await Promise.allSettled([
      insertInBatches(School.collection, schools),
      insertAdmins(admins),
    ]);
    const failed = [schoolsWritten, adminsWritten].find((r) => r.status === 'rejected');
    // Still ours? A resume that took this import for dead has rolled it back.
    const written =
      !failed &&
      (await SchoolImport.updateOne({ _id: importId, state: 'writing' }, { $set: { state: 'indexing' } }))
        .modifiedCount === 1;
    if (!written) {
      // All or nothing: take back what was written (e.g. a name created meanwhile by someone else).
      await rollBackImport(deps, importId, schoolIds);
      const err = failed?.reason;
      if (schoolsWritten.status === 'rejected' && isDuplicateKey(err)) {
        throw new ConflictError(messages.importConflict, 'IMPORT_CONFLICT');
      }
      throw err ?? new ConflictError(messages.importInterrupted, 'IMPORT_INTERRUPTED');
    }
    // The audit entry before `done`, so a crash after it is found by the resume (which writes it otherwise).
    await finishImport(deps, importId, schools, [], () =>
      recordAudit(deps.clock, caller.actor, {
        action: 'school.import',
        targetType: 'schoolImport',
        targetId: importId,
        regionPath: scopeOf(binding.regionPath, binding.regionCode),
        before: null,
        // One entry for the whole import: thousands of per-school entries would double its cost.
        after: {
          created: result.created,
          schools: result.schools.map((s) => `${s.id} ${s.regionCode} ${s.name} ${s.loginName}`),
        },
      }),
    );
  } finally {
    clearInterval(beat);
  }
  return result;
}
