// Teachers: applying (or re-applying) as a teacher, verification by the school admin (seed 003 part 4
// §2), the teacher's own status, and the teacher directory the training import resolves accounts with.
// Over 500 lines: not split yet (issue 10) while teacher features land in parallel; the sections below
// (directory, applications, verification) are the intended files.
import { Types } from 'mongoose';
import {
  isValidResidentIdNumber,
  maskMobile,
  VERIFICATION_LABELS,
  type VerificationState,
  regionScope,
  toApiDateTime,
} from '@eduprogress/shared';
import { User, type UserDoc } from '../accounts/model';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { Region, type RegionDoc } from '../regions/model';
import type { Caller as AccessCaller } from '../access/caller';
import { reachesSchool } from '../access/rules';
import { School, type SchoolDoc } from '../schools/model';
import { onDomainEvent, publishDomainEvent } from '../events';
import {
  directoryBuckets,
  directorySchools,
  managingRegionOf,
  protectIdNumber,
  Teacher,
  TeacherAccount,
  TeacherDirectory,
  TeacherDirectoryPatch,
  type DirectoryBucketDoc,
  type IdType,
  type TeacherDirectoryDoc,
  type TeacherDoc,
} from './model';
import { noteUnplaced } from './unplaced';

const messages = {
  idNumberInvalid:
    '居民身份证号码不正确：应为 18 位（最后一位可为 X），且校验码符合 GB 11643；从 Excel 复制时请先把单元格设为文本，避免变成科学计数法或末尾变 0',
  teacherNotFound: '教师不存在',
  schoolNotFound: '学校不存在',
  regionNotFound: (code: string) => `地区 ${code} 不存在`,
  notYourSchool: '该教师不属于您管理的学校，无法审核',
  schoolOutside: '该学校不在您的管辖范围内',
  notPending: (label: string) => `该教师的认证状态为「${label}」，只能审核待审核的申请`,
  reasonRequired: '审核不通过时必须填写原因',
  mobileRequired: '请先在个人信息中填写并验证手机号，再申请教师认证',
  schoolNotInRegion: '所选学校不在所选地区，请重新选择',
  regionTooHigh: '请选择学校所在的县（区）或直管学校的市、省',
  alreadyApproved: '您的教师认证已通过，信息没有变化，无需重新申请',
  claimedByOther: '该手机号对应的教师已被其他账号认领，请联系学校管理员',
  notTeacher: '您还没有申请教师认证',
};

/** Who is calling (access/caller.ts): the active binding and the audit actor. */
export type Caller = Pick<AccessCaller, 'binding' | 'actor'>;

export interface TeacherServiceDeps {
  clock: Clock;
}

// ---------------------------------------------------------------------------------------------
// The teacher directory

/** A teacher as the directory holds it: what an import needs, and what the verification page lists. */
export interface DirectoryEntry {
  mobile: string;
  teacherId: string;
  name: string;
  /** Managing region (the school's, or the one chosen with 「其他」). */
  region: string;
  schoolId: string;
  schoolName: string;
  stage: string;
  subject: string;
  verification: VerificationState;
  /** 1 when approved: what the statistics call verified. */
  verified: 0 | 1;
  title: string;
  reason: string;
  idType: string;
  idNumberMasked: string;
  /** ms since epoch; 0 when unknown. */
  appliedAt: number;
}

const clean = (s: string | undefined) => (s ?? '').replace(/[\t\r\n]/g, ' ');
const VERIFICATION_CODES: Record<VerificationState, string> = { pending: 'p', approved: 'a', rejected: 'r' };
const VERIFICATION_OF: Record<string, VerificationState> = { p: 'pending', a: 'approved', r: 'rejected' };

export function directoryLine(e: DirectoryEntry): string {
  return [
    e.mobile,
    e.teacherId,
    clean(e.name),
    e.region,
    e.schoolId,
    clean(e.schoolName),
    clean(e.stage),
    clean(e.subject),
    VERIFICATION_CODES[e.verification],
    clean(e.title),
    clean(e.reason),
    clean(e.idType),
    clean(e.idNumberMasked),
    e.appliedAt,
  ].join('\t');
}

export function parseDirectoryLine(line: string): DirectoryEntry {
  const f = line.split('\t');
  const verification = VERIFICATION_OF[f[8]] ?? 'pending';
  return {
    mobile: f[0],
    teacherId: f[1],
    name: f[2],
    region: f[3],
    schoolId: f[4],
    schoolName: f[5],
    stage: f[6],
    subject: f[7],
    verification,
    verified: verification === 'approved' ? 1 : 0,
    title: f[9] ?? '',
    reason: f[10] ?? '',
    idType: f[11] ?? '',
    idNumberMasked: f[12] ?? '',
    appliedAt: Number(f[13] ?? 0) || 0,
  };
}

export function directoryEntryOf(t: TeacherDoc, schoolName: string): DirectoryEntry {
  return {
    mobile: t.mobile,
    teacherId: String(t._id),
    name: t.name,
    region: managingRegionOf(t),
    schoolId: t.schoolId ? String(t.schoolId) : '',
    schoolName,
    stage: t.stage,
    subject: t.subject,
    verification: t.verification,
    verified: t.verification === 'approved' ? 1 : 0,
    title: t.title ?? '',
    reason: t.verificationReason ?? '',
    idType: t.idType ?? '',
    idNumberMasked: t.idNumberMasked ?? '',
    appliedAt: new Date(t.appliedAt ?? t.createdAt ?? 0).getTime() || 0,
  };
}

export function directoryBucketOf(mobile: string): string {
  return `b:${mobile.slice(-3).padStart(3, '0')}`;
}

/** Account → teacher, lines parsed on first use (an import touches a third of a province's teachers). */
export class TeacherLookup {
  constructor(
    private readonly lines: Map<string, string>,
    private readonly patches: Map<string, string>,
  ) {}
  get(mobile: string): DirectoryEntry | undefined {
    const line = this.patches.get(mobile) ?? this.lines.get(mobile);
    return line ? parseDirectoryLine(line) : undefined;
  }
}

/** Above this many buckets an import reads the whole generation in one pass: on FerretDB/SQLite only a
 * single `{_id}` is a look-up (an `$in` over ids is a scan), so many buckets cost one round trip each. */
const PARTIAL_LOAD_MAX_BUCKETS = 4;

async function currentDirectory(clock: Clock): Promise<TeacherDirectoryDoc> {
  const meta = await TeacherDirectory.findById('meta').lean<TeacherDirectoryDoc>();
  if (meta) return meta;
  await rebuildTeacherDirectory(clock);
  return (await TeacherDirectory.findById('meta').lean<TeacherDirectoryDoc>())!;
}

/**
 * The directory (built first if it never was) with the patches laid over. Given the mobiles a file
 * names, a small import reads only their buckets; a large one reads the whole generation in one pass
 * (~1,000 single-field documents: cheap everywhere, unlike 150,000 look-ups).
 */
export async function loadTeacherDirectory(clock: Clock, mobiles?: Iterable<string>): Promise<TeacherLookup> {
  const meta = await currentDirectory(clock);
  const buckets = directoryBuckets(meta.gen);
  // Only the teachers asked for are kept: a province's directory is three times its participants.
  const keep = mobiles ? new Set(mobiles) : undefined;
  const lines = new Map<string, string>();
  const take = (doc: DirectoryBucketDoc | null) => {
    if (!doc?.data) return;
    for (const line of doc.data.split('\n')) {
      const mobile = line.slice(0, line.indexOf('\t'));
      if (!keep || keep.has(mobile)) lines.set(mobile, line);
    }
  };
  const wanted = keep ? new Set([...keep].map(directoryBucketOf)) : undefined;
  if (wanted && wanted.size <= PARTIAL_LOAD_MAX_BUCKETS) {
    for (const doc of await Promise.all([...wanted].map((id) => buckets.findOne({ _id: id })))) take(doc);
  } else {
    for await (const doc of buckets.find({}, { batchSize: 50 })) take(doc);
  }
  return new TeacherLookup(lines, await directoryPatches());
}

/** Teachers written since the last build: mobile → line (empty: removed), the latest write kept. */
async function directoryPatches(): Promise<Map<string, string>> {
  const patches = new Map<string, string>();
  for (const patch of await TeacherDirectoryPatch.find({}).sort({ at: 1 }).lean()) {
    patches.set(patch._id, patch.line);
  }
  return patches;
}

/**
 * Rebuilds the directory from the teachers (a full read: minutes at a province's scale on
 * FerretDB/SQLite, so a nightly job, and on first use). `source` lets bulk generators feed the
 * documents they just wrote instead. Patches older than the build are dropped.
 */
export async function rebuildTeacherDirectory(
  clock: Clock,
  source?: AsyncIterable<TeacherDoc> | Iterable<TeacherDoc>,
  schoolNames?: Map<string, string>,
): Promise<{ teachers: number; buckets: number }> {
  const startedAt = clock();
  const names = schoolNames ?? new Map<string, string>();
  if (!schoolNames) {
    for await (const s of School.find({}, { name: 1 }).lean<Pick<SchoolDoc, '_id' | 'name'>[]>().cursor())
      names.set(String(s._id), s.name);
  }
  const lines = new Map<string, string[]>();
  let teachers = 0;
  const teacherSource =
    source ??
    // Everything but the sealed ID number (FerretDB/SQLite decodes whole documents anyway).
    Teacher.find({}, { idNumberSealed: 0 }).lean<TeacherDoc[]>().cursor();
  const bySchool = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, line: string) => {
    const list = map.get(key);
    if (list) list.push(line);
    else map.set(key, [line]);
  };
  for await (const t of teacherSource) {
    const line = directoryLine(directoryEntryOf(t, t.schoolId ? (names.get(String(t.schoolId)) ?? '') : ''));
    add(lines, directoryBucketOf(t.mobile), line);
    if (t.schoolId) add(bySchool, String(t.schoolId), line);
    teachers++;
  }
  const previous = await TeacherDirectory.findById('meta').lean<TeacherDirectoryDoc>();
  const gen = (previous?.gen ?? 0) + 1;
  const buckets = directoryBuckets(gen);
  const schools = directorySchools(gen);
  // Left behind by a build that died.
  await Promise.all([buckets.drop().catch(() => {}), schools.drop().catch(() => {})]);
  const docs = [...lines].map(([id, list]) => ({ _id: id, data: list.join('\n'), n: list.length }));
  for (let i = 0; i < docs.length; i += 100)
    await buckets.insertMany(docs.slice(i, i + 100), { ordered: false });
  const schoolDocs = [...bySchool].map(([id, list]) => ({ _id: id, data: list.join('\n'), n: list.length }));
  for (let i = 0; i < schoolDocs.length; i += 500) {
    await schools.insertMany(schoolDocs.slice(i, i + 500), { ordered: false });
  }
  await TeacherDirectory.replaceOne(
    { _id: 'meta' },
    { _id: 'meta', gen, builtAt: startedAt, teachers, buckets: docs.length },
    { upsert: true },
  );
  // The previous generation stays for imports still reading it; older ones go.
  const db = TeacherDirectory.db.db!;
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const m = /^teacher_directory_(\d+)(_schools)?$/.exec(c.name);
    if (m && Number(m[1]) < gen - 1) await db.dropCollection(c.name).catch(() => {});
  }
  await TeacherDirectoryPatch.deleteMany({ at: { $lte: startedAt } });
  return { teachers, buckets: docs.length };
}

/** Keeps the directory current after a teacher was written (the `teacher.changed` listener). */
async function patchDirectory(at: Date, teacher: TeacherDoc, previousMobile?: string): Promise<void> {
  const schoolName = teacher.schoolId
    ? ((await School.findById(teacher.schoolId, { name: 1 }).lean())?.name ?? '')
    : '';
  await TeacherDirectoryPatch.replaceOne(
    { _id: teacher.mobile },
    { _id: teacher.mobile, line: directoryLine(directoryEntryOf(teacher, schoolName)), at },
    { upsert: true },
  );
  if (previousMobile && previousMobile !== teacher.mobile) {
    await TeacherDirectoryPatch.replaceOne(
      { _id: previousMobile },
      { _id: previousMobile, line: '', at },
      { upsert: true },
    );
  }
}

/**
 * For code that writes teachers directly (bulk generators, other features): announces them as changed,
 * so their directory entries come up to date. One `_id` look-up per teacher.
 */
export async function refreshTeacherDirectoryEntries(
  clock: Clock,
  teacherIds: Types.ObjectId[],
): Promise<void> {
  for (const id of teacherIds) {
    const t = await Teacher.findById(id).lean<TeacherDoc>();
    if (t) await publishDomainEvent('teacher.changed', { before: null, after: t, at: clock() });
  }
}

let subscribed = false;
/** Keeps the directory's patches from `teacher.changed` (once per process; read-models.ts). */
export function subscribeTeacherDirectory(): void {
  if (subscribed) return;
  subscribed = true;
  onDomainEvent('teacher.changed', (e) => patchDirectory(e.at, e.after, e.before?.mobile));
}

// ---------------------------------------------------------------------------------------------
// Views

const iso = (d?: Date) => (d ? toApiDateTime(new Date(d)) : null);

export function teacherListItem(t: TeacherDoc) {
  return {
    id: String(t._id),
    account: maskMobile(t.mobile),
    name: t.name,
    idType: t.idType ?? null,
    idNumber: t.idNumberMasked ?? null,
    title: t.title,
    stage: t.stage,
    subject: t.subject,
    appliedAt: iso(t.appliedAt ?? t.createdAt),
    verification: t.verification,
    verificationLabel: VERIFICATION_LABELS[t.verification],
    reason: t.verificationReason ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// School admin: list and verify

export interface SchoolTeacherQuery {
  status?: VerificationState;
  title?: string;
  stage?: string;
  page: number;
  pageSize: number;
}

/** The school, if the caller administers it or governs its region; 403 otherwise. */
async function schoolWithin(caller: Caller, schoolId: string): Promise<SchoolDoc> {
  const school = Types.ObjectId.isValid(schoolId) ? await School.findById(schoolId).lean<SchoolDoc>() : null;
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  if (!reachesSchool(caller.binding, school))
    throw new ForbiddenError(messages.schoolOutside, 'OUTSIDE_JURISDICTION');
  return school;
}

/** A school's teachers as the directory holds them: its school document plus any patches. */
async function directoryOfSchool(clock: Clock, schoolId: string): Promise<DirectoryEntry[]> {
  const meta = await currentDirectory(clock);
  const doc = await directorySchools(meta.gen).findOne({ _id: schoolId });
  const byMobile = new Map<string, DirectoryEntry>();
  for (const line of doc?.data ? doc.data.split('\n') : []) {
    const e = parseDirectoryLine(line);
    byMobile.set(e.mobile, e);
  }
  // Patches: teachers who applied, were verified or moved since the build.
  for (const [mobile, line] of await directoryPatches()) {
    const e = line ? parseDirectoryLine(line) : undefined;
    if (e?.schoolId === schoolId) byMobile.set(mobile, e);
    else byMobile.delete(mobile);
  }
  return [...byMobile.values()];
}

export function entryListItem(e: DirectoryEntry) {
  return {
    id: e.teacherId,
    account: maskMobile(e.mobile),
    name: e.name,
    idType: e.idType || null,
    idNumber: e.idNumberMasked || null,
    title: e.title,
    stage: e.stage,
    subject: e.subject,
    appliedAt: e.appliedAt ? toApiDateTime(new Date(e.appliedAt)) : null,
    verification: e.verification,
    verificationLabel: VERIFICATION_LABELS[e.verification],
    reason: e.reason || null,
  };
}

/**
 * The school's teachers with counts per status, title and stage (each dimension counted with the
 * other two filters applied, as the seed's filter bar shows them), newest applications first. Read
 * from the teacher directory: a `{schoolId}` query would scan every teacher on FerretDB/SQLite (a
 * minute at a province's 450,000).
 */
export async function listSchoolTeachers(
  deps: TeacherServiceDeps,
  caller: Caller,
  schoolId: string,
  query: SchoolTeacherQuery,
) {
  const school = await schoolWithin(caller, schoolId);
  const all = (await directoryOfSchool(deps.clock, String(school._id))).sort(
    (a, b) => b.appliedAt - a.appliedAt || (a.teacherId < b.teacherId ? -1 : 1),
  );
  const match = (t: DirectoryEntry, skip: 'status' | 'title' | 'stage' | null) =>
    (skip === 'status' || !query.status || t.verification === query.status) &&
    (skip === 'title' || !query.title || t.title === query.title) &&
    (skip === 'stage' || !query.stage || t.stage === query.stage);
  const countBy = (skip: 'status' | 'title' | 'stage', key: (t: DirectoryEntry) => string) => {
    const out: Record<string, number> = {};
    let total = 0;
    for (const t of all) {
      if (!match(t, skip)) continue;
      out[key(t)] = (out[key(t)] ?? 0) + 1;
      total++;
    }
    return { total, ...out };
  };
  const items = all.filter((t) => match(t, null));
  const from = skipOf(query.page, query.pageSize);
  const page: Page<ReturnType<typeof entryListItem>> = {
    items: items.slice(from, from + query.pageSize).map(entryListItem),
    total: items.length,
    page: query.page,
    pageSize: query.pageSize,
  };
  return {
    school: { id: String(school._id), name: school.name },
    counts: {
      status: { pending: 0, approved: 0, rejected: 0, ...countBy('status', (t) => t.verification) },
      title: countBy('title', (t) => t.title),
      stage: countBy('stage', (t) => t.stage),
    },
    ...page,
  };
}

export interface VerifyInput {
  decision: 'approve' | 'reject';
  reason?: string;
}

export async function verifyTeacher(
  deps: TeacherServiceDeps,
  caller: Caller,
  teacherId: string,
  input: VerifyInput,
) {
  const teacher = Types.ObjectId.isValid(teacherId)
    ? await Teacher.findById(teacherId).lean<TeacherDoc>()
    : null;
  if (!teacher) throw new NotFoundError(messages.teacherNotFound, 'TEACHER_NOT_FOUND');
  const b = caller.binding;
  if (!(b?.kind === 'school' && b.schoolId && teacher.schoolId && b.schoolId.equals(teacher.schoolId))) {
    throw new ForbiddenError(messages.notYourSchool, 'OUTSIDE_JURISDICTION');
  }
  if (teacher.verification !== 'pending') {
    throw new ConflictError(
      messages.notPending(VERIFICATION_LABELS[teacher.verification]),
      'TEACHER_NOT_PENDING',
    );
  }
  const reason = input.reason?.trim();
  if (input.decision === 'reject' && !reason) {
    throw new ValidationError(messages.reasonRequired, { property: 'reason' }, 'REASON_REQUIRED');
  }
  const now = deps.clock();
  const verification: VerificationState = input.decision === 'approve' ? 'approved' : 'rejected';
  const update =
    verification === 'approved'
      ? {
          $set: { verification, verifiedAt: now, verifiedBy: caller.actor.userId, updatedAt: now },
          $unset: { verificationReason: 1 },
        }
      : {
          $set: {
            verification,
            verificationReason: reason,
            verifiedAt: now,
            verifiedBy: caller.actor.userId,
            updatedAt: now,
          },
        };
  await Teacher.updateOne({ _id: teacher._id }, update);
  const after = {
    ...teacher,
    verification,
    verificationReason: verification === 'rejected' ? reason : undefined,
    verifiedAt: now,
  };
  await afterTeacherWrite(deps, teacher, after);
  await recordAudit(deps.clock, caller.actor, {
    action: verification === 'approved' ? 'teacher.approve' : 'teacher.reject',
    targetType: 'teacher',
    targetId: String(teacher._id),
    regionPath: teacher.regionPath,
    before: { verification: teacher.verification },
    after: { verification, reason: after.verificationReason },
    reason,
  });
  return { teacher: teacherListItem(after) };
}

/** Announces every teacher write made here: the directory and the trainings follow (read-models.ts). */
export async function afterTeacherWrite(
  deps: TeacherServiceDeps,
  before: TeacherDoc | null,
  after: TeacherDoc,
): Promise<void> {
  await publishDomainEvent('teacher.changed', { before, after, at: deps.clock() });
}

// ---------------------------------------------------------------------------------------------
// The teacher's own side

export interface ApplicationInput {
  schoolId: string;
  regionCode: string;
  name: string;
  stage: string;
  subject: string;
  title: string;
  idType: IdType;
  idNumber: string;
}

/** The teacher linked to this user, if any (`_id` look-ups only). */
export async function teacherOfUser(userId: Types.ObjectId): Promise<TeacherDoc | null> {
  const link = await TeacherAccount.findById(String(userId)).lean();
  return link ? Teacher.findById(link.teacherId).lean<TeacherDoc>() : null;
}

/**
 * Applies (or re-applies after a rejection, or after moving school) as a teacher. The school may be
 * 「其他」 when it is not in the system yet (seed 003 Q1): the teacher then hangs on the chosen region.
 * A 居民身份证 number must pass GB 11643 (400 ID_NUMBER_INVALID).
 */
export async function applyAsTeacher(
  deps: TeacherServiceDeps,
  user: UserDoc,
  actor: Actor,
  input: ApplicationInput,
) {
  if (input.idType === '居民身份证' && !isValidResidentIdNumber(input.idNumber.trim())) {
    throw new ValidationError(messages.idNumberInvalid, { property: 'idNumber' }, 'ID_NUMBER_INVALID');
  }
  if (!user.mobile)
    throw new ValidationError(messages.mobileRequired, { property: 'mobile' }, 'MOBILE_REQUIRED');
  const region = await Region.findById(input.regionCode).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionNotFound(input.regionCode), 'REGION_NOT_FOUND');
  if (region.level === 'national')
    throw new ValidationError(messages.regionTooHigh, { property: 'regionCode' }, 'REGION_TOO_HIGH');
  let school: SchoolDoc | null = null;
  if (input.schoolId !== 'other') {
    school = Types.ObjectId.isValid(input.schoolId)
      ? await School.findById(input.schoolId).lean<SchoolDoc>()
      : null;
    if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
    if (school.regionCode !== region._id) {
      throw new ValidationError(messages.schoolNotInRegion, { property: 'schoolId' }, 'SCHOOL_NOT_IN_REGION');
    }
  }
  const now = deps.clock();
  const fields = {
    name: input.name.trim(),
    mobile: user.mobile,
    schoolId: school?._id,
    regionCode: region._id,
    regionPath: school ? school.regionPath : regionScope(region),
    stage: input.stage,
    subject: input.subject.trim(),
    title: input.title,
    idType: input.idType,
    ...protectIdNumber(input.idNumber.trim().toUpperCase()),
    userId: user._id,
  };
  // The user's own teacher, else a teacher already on file with this mobile (imported or generated).
  const existing =
    (await teacherOfUser(user._id)) ?? (await Teacher.findOne({ mobile: user.mobile }).lean<TeacherDoc>());
  if (existing?.userId && !existing.userId.equals(user._id)) {
    throw new ConflictError(messages.claimedByOther, 'TEACHER_CLAIMED');
  }
  if (existing?.verification === 'approved' && sameApplication(existing, fields)) {
    throw new ConflictError(messages.alreadyApproved, 'TEACHER_ALREADY_APPROVED');
  }
  let after: TeacherDoc;
  if (existing) {
    await Teacher.updateOne(
      { _id: existing._id },
      {
        $set: { ...fields, verification: 'pending', appliedAt: now, updatedAt: now },
        $unset: { verificationReason: 1, verifiedAt: 1, verifiedBy: 1, ...(school ? {} : { schoolId: 1 }) },
      },
    );
    after = (await Teacher.findById(existing._id).lean<TeacherDoc>())!;
  } else {
    after = (
      await Teacher.create({
        ...fields,
        verification: 'pending',
        appliedAt: now,
        createdAt: now,
        updatedAt: now,
      })
    ).toObject();
  }
  await TeacherAccount.replaceOne(
    { _id: String(user._id) },
    { _id: String(user._id), teacherId: after._id, linkedAt: now },
    { upsert: true },
  );
  await bindTeacher(user, after);
  await afterTeacherWrite(deps, existing, after);
  await noteUnplaced(after);
  await recordAudit(deps.clock, actor, {
    action: existing ? 'teacher.reapply' : 'teacher.apply',
    targetType: 'teacher',
    targetId: String(after._id),
    regionPath: after.regionPath,
    before: existing ? applicationSnapshot(existing) : null,
    after: applicationSnapshot(after),
  });
  return myTeacherView(after, school?.name ?? null);
}

function sameApplication(t: TeacherDoc, f: Partial<TeacherDoc>): boolean {
  return (
    t.name === f.name &&
    String(t.schoolId ?? '') === String(f.schoolId ?? '') &&
    managingRegionOf(t) === f.regionCode &&
    t.stage === f.stage &&
    t.subject === f.subject &&
    t.title === f.title &&
    t.idType === f.idType &&
    t.idNumberMasked === f.idNumberMasked
  );
}

function applicationSnapshot(t: TeacherDoc) {
  return {
    name: t.name,
    schoolId: t.schoolId ? String(t.schoolId) : null,
    regionCode: managingRegionOf(t),
    stage: t.stage,
    subject: t.subject,
    title: t.title,
    idType: t.idType ?? null,
    idNumber: t.idNumberMasked ?? null,
    verification: t.verification,
  };
}

/** One active teacher binding on the user, pointing at the teacher's school and region. */
export async function bindTeacher(user: UserDoc, teacher: TeacherDoc): Promise<void> {
  const fresh = await User.findById(user._id).lean<UserDoc>();
  if (!fresh) return;
  const existing = fresh.bindings.find((b) => b.kind === 'teacher');
  const binding = {
    _id: existing?._id ?? new Types.ObjectId(),
    kind: 'teacher' as const,
    role: 'teacher',
    regionCode: managingRegionOf(teacher),
    regionPath: teacher.regionPath,
    schoolId: teacher.schoolId,
    active: true,
  };
  const bindings = existing
    ? fresh.bindings.map((b) => (b._id.equals(existing._id) ? binding : b))
    : [...fresh.bindings, binding];
  await User.updateOne({ _id: user._id }, { $set: { bindings } });
}

export function myTeacherView(t: TeacherDoc, schoolName: string | null) {
  return {
    status: t.verification,
    statusLabel: VERIFICATION_LABELS[t.verification],
    reason: t.verificationReason ?? null,
    teacher: {
      id: String(t._id),
      name: t.name,
      account: maskMobile(t.mobile),
      schoolId: t.schoolId ? String(t.schoolId) : null,
      schoolName,
      otherSchool: !t.schoolId,
      regionCode: managingRegionOf(t),
      stage: t.stage,
      subject: t.subject,
      title: t.title,
      idType: t.idType ?? null,
      idNumber: t.idNumberMasked ?? null,
      appliedAt: iso(t.appliedAt ?? t.createdAt),
      verifiedAt: iso(t.verifiedAt),
    },
  };
}

export async function myTeacher(user: UserDoc) {
  const t = await teacherOfUser(user._id);
  if (!t) return { status: 'none', statusLabel: messages.notTeacher, reason: null, teacher: null };
  const school = t.schoolId ? await School.findById(t.schoolId, { name: 1 }).lean() : null;
  return myTeacherView(t, school?.name ?? null);
}
