// The demo world's generator at benchmark scale: N schools in every county of the chosen provinces,
// M teachers in every school (the nation: 2,978 counties × 168 ≈ 500,000 schools, × 36 ≈ 18 million
// teachers). Documents are produced county by county and written in batches, so memory stays bounded
// however large the figures are.
import type { Collection, Document } from 'mongodb';
import { User, type UserDoc } from '../accounts/model';
import type { RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { Teacher, type TeacherDoc } from '../teachers/model';
import { personName, Rng } from './rng';
import {
  buildSchool,
  buildSchoolAdmin,
  buildTeacher,
  countyLevelRegionsOf,
  countySchoolTypes,
  regionTree,
  schoolNamerFor,
  type SchoolGenContext,
  type TeacherGenContext,
} from './world';

const messages = {
  unknownProvince: (code: string) => `未知的省级行政区划代码：${code}`,
  badCount: (name: string, value: number) => `${name} 应为非负整数，当前为 ${value}`,
  tooManySchools: (n: number) => `每县学校数不能超过 9998（登录名和编号按县内序号编排），当前为 ${n}`,
  tooManyTeachers: (n: number) => `每县教师数（每县学校数 × 每校教师数）不能超过 99999，当前为 ${n}`,
  needsHash: '生成学校管理员账号需要提供 passwordHash',
};

export interface ScaleOptions {
  /** Province codes (`35` or `350000`), or `all` (the default). */
  provinces?: readonly string[] | 'all';
  schoolsPerCounty: number;
  teachersPerSchool: number;
  seed: number;
  /** Also one school-admin user per school; needs `passwordHash` (hash once, reuse). */
  schoolAdmins?: boolean;
  passwordHash?: string;
  /** Documents per yielded batch (and per insertMany); default 1000. */
  batchSize?: number;
}

export type ScaleBatch =
  | { collection: 'schools'; docs: SchoolDoc[] }
  | { collection: 'teachers'; docs: TeacherDoc[] }
  | { collection: 'users'; docs: UserDoc[] };

export type ScaleCollection = ScaleBatch['collection'];

export interface ScaleCounts {
  schools: number;
  teachers: number;
  users: number;
}

export const DEFAULT_BATCH_SIZE = 1000;
/** Teacher mobiles of scale data start 15x/17x/19x; the demo world uses 13x/18x, so both can coexist. */
const SCALE_CARRIERS = ['5', '7', '9'];

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new Error(messages.badCount(name, value));
}

function validate(opts: ScaleOptions): void {
  checkCount('schoolsPerCounty', opts.schoolsPerCounty);
  checkCount('teachersPerSchool', opts.teachersPerSchool);
  checkCount('seed', opts.seed);
  if (opts.schoolsPerCounty > 9998) throw new Error(messages.tooManySchools(opts.schoolsPerCounty));
  const perCounty = opts.schoolsPerCounty * opts.teachersPerSchool;
  if (perCounty > 99_999) throw new Error(messages.tooManyTeachers(perCounty));
  if (opts.schoolAdmins && !opts.passwordHash) throw new Error(messages.needsHash);
}

/** The provinces to generate, in code order. */
export function scaleProvinces(provinces: ScaleOptions['provinces'] = 'all'): RegionDoc[] {
  const tree = regionTree();
  if (provinces === 'all') return tree.all.filter((r) => r.level === 'province');
  return provinces.map((raw) => {
    const code = raw.trim().padEnd(6, '0');
    const region = tree.byCode.get(code);
    if (!region || region.level !== 'province') throw new Error(messages.unknownProvince(raw));
    return region;
  });
}

export function scaleCounties(provinces: ScaleOptions['provinces']): RegionDoc[] {
  const tree = regionTree();
  return scaleProvinces(provinces).flatMap((p) => countyLevelRegionsOf(tree, p._id));
}

/** What a run will produce, known before it starts (progress, and tests). */
export function expectedScaleCounts(opts: ScaleOptions): ScaleCounts {
  const schools = scaleCounties(opts.provinces).length * opts.schoolsPerCounty;
  return { schools, teachers: schools * opts.teachersPerSchool, users: opts.schoolAdmins ? schools : 0 };
}

/**
 * Yields batches of at most `batchSize` documents per collection. Holds one batch per collection and
 * one county's school names at a time; synchronous, so a dry run measures the generator alone.
 */
export function* generateScaleDocuments(opts: ScaleOptions): Generator<ScaleBatch> {
  validate(opts);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const tree = regionTree();
  const { seed } = opts;
  let schools: SchoolDoc[] = [];
  let teachers: TeacherDoc[] = [];
  let users: UserDoc[] = [];

  for (const county of scaleCounties(opts.provinces)) {
    const types = countySchoolTypes(seed, county, opts.schoolsPerCounty);
    const rng = Rng.derive(seed, 'schools', county._id);
    const ctx: SchoolGenContext = {
      seed,
      region: county,
      rng,
      namer: schoolNamerFor(rng, county, types.length),
    };
    const teacherCtx: TeacherGenContext = {
      seed,
      rng: Rng.derive(seed, 'teachers', county._id),
      regionIndex: tree.indexOf.get(county._id)!,
      carriers: SCALE_CARRIERS,
    };
    let teacherSeq = 0;
    for (let seq = 0; seq < types.length; seq++) {
      const school = buildSchool(ctx, seq, types[seq]);
      const admin = opts.schoolAdmins
        ? buildSchoolAdmin(seed, school, seq, personName(rng), opts.passwordHash!)
        : undefined;
      school.adminIds = admin ? [admin._id] : [];
      schools.push(school);
      if (schools.length >= batchSize) {
        yield { collection: 'schools', docs: schools };
        schools = [];
      }
      if (admin) {
        users.push(admin);
        if (users.length >= batchSize) {
          yield { collection: 'users', docs: users };
          users = [];
        }
      }
      // One Date per school, shared by its teachers: fewer allocations, same stored values.
      const joined = new Date(school.createdAt.getTime() + teacherCtx.rng.int(0, 900) * 86_400_000);
      for (let i = 0; i < opts.teachersPerSchool; i++) {
        teachers.push(buildTeacher(teacherCtx, school, teacherSeq++, joined));
        if (teachers.length >= batchSize) {
          yield { collection: 'teachers', docs: teachers };
          teachers = [];
        }
      }
    }
  }
  if (schools.length) yield { collection: 'schools', docs: schools };
  if (users.length) yield { collection: 'users', docs: users };
  if (teachers.length) yield { collection: 'teachers', docs: teachers };
}

export interface ScaleProgress {
  written: ScaleCounts;
  expected: ScaleCounts;
  elapsedMs: number;
}

export interface ScaleResult {
  counts: ScaleCounts;
  elapsedMs: number;
}

/**
 * Streams the generated documents into the database: raw `collection.insertMany` (no mongoose
 * hydration), ordered:false, with at most `concurrency` batches in flight so generation overlaps
 * the writes while memory stays bounded. Meant for an empty database: duplicates are errors.
 */
export async function writeScale(
  opts: ScaleOptions & { concurrency?: number },
  onProgress?: (progress: ScaleProgress) => void,
): Promise<ScaleResult> {
  const started = performance.now();
  const expected = expectedScaleCounts(opts);
  const written: ScaleCounts = { schools: 0, teachers: 0, users: 0 };
  const collections: Record<ScaleCollection, Collection<Document>> = {
    schools: School.collection as unknown as Collection<Document>,
    teachers: Teacher.collection as unknown as Collection<Document>,
    users: User.collection as unknown as Collection<Document>,
  };
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  for (const batch of generateScaleDocuments(opts)) {
    // Never rejects: a failure is kept and rethrown below, so no rejection goes unhandled meanwhile.
    const write: Promise<void> = collections[batch.collection]
      .insertMany(batch.docs as unknown as Document[], { ordered: false })
      .then(
        (result) => {
          written[batch.collection] += result.insertedCount;
          onProgress?.({ written, expected, elapsedMs: performance.now() - started });
        },
        (err: unknown) => {
          failure ??= err;
        },
      )
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) break;
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { counts: written, elapsedMs: performance.now() - started };
}
