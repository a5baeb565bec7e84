// Base-data sync (seed 002 §9, §10, §12): the ministry's 教育基础信息数据库 shares its schools (keyed by
// the 10-digit 学校标识码) and regions (GB/T 2260 revisions) quarterly. An uploaded share is checked row
// by row, planned against the database (create, link a hand-made school, rename, move, close, leave
// alone), shown as a preview, and applied in one go by the national level — resumable after a crash.
// Over 500 lines: reading, planning, preview and applying (the sections below) share the op and batch
// types and the claim rules of one resumable protocol; they are the split points once the sync settles.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Types } from 'mongoose';
import { NATIONAL_CODE, SCHOOL_STATUSES, SCHOOL_TYPES, type SchoolType } from '@eduprogress/shared';
import type { Binding } from '../accounts/model';
import { User } from '../accounts/model';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import type { CalendarConfig } from '@eduprogress/shared';
import { isDuplicateKey } from '../db/duplicate-key';
import { readColumns, readTable, type Cell } from '../files/spreadsheet';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { invalidateRegionTree } from '../regions/tree';
import { School, type SchoolDoc } from '../schools/model';
import { createSchool, transferSchool, updateSchool, type Caller } from '../schools/service';
import {
  BaseDataSync,
  BaseDataSyncClaim,
  SchoolCode,
  type SyncDoc,
  type SyncKind,
  type SyncOp,
} from './model';

const messages = {
  nationalOnly: '基础数据同步只能由国家级管理员操作（教育部基础信息数据库共享数据）',
  row: (row: number, reason: string) => `第 ${row} 行：${reason}`,
  invalid: (n: number) => `文件中有 ${n} 处错误，未做任何更改，请修改后重新上传`,
  cell: (column: string, why: string) => `${column}${why}`,
  codeFormat: (v: string) => `学校标识码「${v}」应为 10 位数字`,
  codeMissing: '学校标识码不能为空',
  codeRepeated: (code: string, first: number) => `学校标识码 ${code} 与第 ${first} 行重复`,
  nameMissing: '名称不能为空',
  nameLength: '学校名称应为 2 至 60 个字',
  regionNameLength: '地区名称应为 1 至 30 个字',
  regionFormat: (v: string) => `地区代码「${v}」应为 6 位数字`,
  regionMissing: '所在地区代码不能为空',
  regionUnknown: (v: string) => `地区代码 ${v} 在系统中不存在（地区请先以行政区划数据同步新增）`,
  regionNational: '学校不能直属于全国',
  typeMissing: '新学校须填写学校类型',
  typeInvalid: (v: string) => `学校类型「${v}」不在可选范围内`,
  statusInvalid: (v: string) => `状态「${v}」应为 ${SCHOOL_STATUSES.join('、')} 之一`,
  regionStatusInvalid: (v: string) => `状态「${v}」应为「正常」或「撤销」`,
  nameTakenThere: (name: string, region: string) => `${region}已有名为「${name}」的学校（不同的学校标识码）`,
  nameRepeated: (name: string, first: number) => `同一地区的学校「${name}」与第 ${first} 行重复`,
  regionRepeated: (code: string, first: number) => `地区代码 ${code} 与第 ${first} 行重复`,
  parentUnknown: (code: string) => `上级地区 ${code} 在系统和文件中都不存在`,
  parentTooLow: (code: string) => `上级地区 ${code} 是县级，其下不能再设地区`,
  parentChanged: (from: string, to: string) =>
    `上级地区由 ${from} 变为 ${to}：地区不能整体迁移，请新增地区后把学校迁入，再撤销原地区`,
  zoneInShare: (code: string) => `地区代码 ${code} 是国家级设立的功能区，不随行政区划数据更新`,
  nationalInShare: '全国（000000）不随行政区划数据更新',
  closeBlocked: (code: string, why: string) => `地区 ${code} 不能撤销：${why}`,
  hasSchools: (n: number) => `仍有 ${n} 所学校，请先迁出`,
  hasChildren: (n: number) => `仍有 ${n} 个下级地区`,
  hasUsers: (n: number) => `仍有 ${n} 个账号绑定该地区`,
  codeTaken: (code: string) => `学校标识码 ${code} 已属于另一所学校`,
  codeTakenOnSchool: (code: string) => `该学校已有学校标识码 ${code}`,
  notFound: '未找到该同步批次',
  applied: '该同步批次已应用，不能再次应用',
  running: '该同步批次正在应用中，请稍候刷新查看',
  schoolGone: '学校已不存在',
};

/** Rows one share may hold: a province's schools at once. */
export const MAX_SHARE_ROWS = 60_000;
/** Items of a plan a preview answer lists (the counts cover all). */
const PREVIEW_ITEMS = 500;
/** A run whose heartbeat is older than this is taken as interrupted (wall clock). */
export const SYNC_STALE_MS = 60_000;
const OWNER = `${hostname()}:${process.pid}`;

export interface BaseDataDeps {
  clock: Clock;
  calendar?: CalendarConfig;
}

/** The national administrator (seed 002 §9, §10: base data follows the ministry's share, not manual edits). */
export function requireNational(caller: Caller): Binding {
  const b = caller.binding;
  if (!b || b.kind !== 'region' || b.regionCode !== NATIONAL_CODE || b.role !== 'admin')
    throw new ForbiddenError(messages.nationalOnly, 'NATIONAL_ONLY');
  return b;
}

// ---------------------------------------------------------------------------------------------
// Reading a share

const SCHOOL_COLUMNS = {
  code: ['学校标识码', '学校代码', '标识码'],
  name: ['学校名称', '学校（机构）名称', '机构名称'],
  regionCode: ['所在地区代码', '所属地区代码', '行政区划代码', '地区代码'],
  type: ['学校类型', '办学类型'],
  status: ['状态', '学校状态'],
} as const;
const REGION_COLUMNS = {
  code: ['行政区划代码', '地区代码', '代码'],
  name: ['名称', '地区名称', '行政区划名称'],
  parentCode: ['上级代码', '上级地区代码'],
  status: ['状态'],
} as const;
const COLUMN_LABELS: Record<string, string> = {
  code: '代码',
  name: '名称',
  regionCode: '所在地区代码',
  parentCode: '上级代码',
  type: '学校类型',
  status: '状态',
};

/** One data row of a share: its cells as text, by field, and its row number in the file. */
export interface ShareRow {
  row: number;
  values: Record<string, string>;
  problems: { field: string; problem: string }[];
}

/** Reads a school or region share (XLSX or CSV); 400 on a missing header row or an unreadable file. */
export async function readShare(kind: SyncKind, file: AsyncIterable<Uint8Array>): Promise<ShareRow[]> {
  const columns = kind === 'schools' ? SCHOOL_COLUMNS : REGION_COLUMNS;
  const required = kind === 'schools' ? ['code', 'name', 'regionCode'] : ['code', 'name'];
  const out: ShareRow[] = [];
  for await (const { number, cells } of readColumns(
    readTable(file),
    columns as Record<string, readonly string[]>,
    required,
    MAX_SHARE_ROWS,
  )) {
    const row: ShareRow = { row: number, values: {}, problems: [] };
    for (const [field, cell] of Object.entries(cells) as [string, Cell][]) {
      if (cell.problem) row.problems.push({ field, problem: cell.problem });
      else row.values[field] = cell.text.trim();
    }
    out.push(row);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Planning

export interface RowProblem {
  row: number;
  field: string;
  message: string;
}

interface Plan {
  ops: SyncOp[];
  unchanged: number;
  problems: RowProblem[];
}

const CLOSED: readonly string[] = ['撤销', '被合并'];
const TYPE_ALIASES: Record<string, SchoolType> = { '9年一贯制': '九年一贯制', '12年一贯制': '十二年一贯制' };

function problemsOf(rows: ShareRow[]): {
  problems: RowProblem[];
  add: (r: number, f: string, m: string) => void;
} {
  const problems: RowProblem[] = [];
  const add = (row: number, field: string, why: string) =>
    problems.push({ row, field, message: messages.row(row, why) });
  for (const r of rows)
    for (const p of r.problems)
      add(r.row, p.field, messages.cell(COLUMN_LABELS[p.field] ?? p.field, p.problem));
  return { problems, add };
}

async function regionsByCode(codes: Iterable<string>): Promise<Map<string, RegionDoc>> {
  const list = [...new Set(codes)];
  const out = new Map<string, RegionDoc>();
  for (let i = 0; i < list.length; i += 1000) {
    for (const r of await Region.find({ _id: { $in: list.slice(i, i + 1000) } }).lean<RegionDoc[]>())
      out.set(r._id, r);
  }
  return out;
}

type PlannedSchool = Pick<SchoolDoc, '_id' | 'name' | 'regionCode' | 'status' | 'schoolCode'>;

/**
 * Plans a school share: each valid row is matched by 学校标识码, else (a school created by hand) by
 * managing region and name, and becomes create / link / rename / move / close, or is left alone.
 * Every row is checked first; any problem and the plan holds no ops.
 */
async function planSchools(rows: ShareRow[]): Promise<Plan> {
  const { problems, add } = problemsOf(rows);
  const valid: {
    row: number;
    code: string;
    name: string;
    regionCode: string;
    type?: SchoolType;
    status?: string;
  }[] = [];
  const codeRow = new Map<string, number>();
  const regions = await regionsByCode(
    rows.map((r) => r.values.regionCode).filter((c) => /^\d{6}$/.test(c ?? '')),
  );
  for (const r of rows) {
    if (r.problems.length) continue;
    const before = problems.length;
    const v = r.values;
    const code = v.code ?? '';
    if (!code) add(r.row, 'code', messages.codeMissing);
    else if (!/^\d{10}$/.test(code)) add(r.row, 'code', messages.codeFormat(code));
    else if (codeRow.has(code)) add(r.row, 'code', messages.codeRepeated(code, codeRow.get(code)!));
    else codeRow.set(code, r.row);
    const name = (v.name ?? '').replace(/\s+/g, ' ');
    if (!name) add(r.row, 'name', messages.nameMissing);
    else if (name.length < 2 || name.length > 60) add(r.row, 'name', messages.nameLength);
    const regionCode = v.regionCode ?? '';
    if (!regionCode) add(r.row, 'regionCode', messages.regionMissing);
    else if (!/^\d{6}$/.test(regionCode)) add(r.row, 'regionCode', messages.regionFormat(regionCode));
    else if (!regions.has(regionCode)) add(r.row, 'regionCode', messages.regionUnknown(regionCode));
    else if (regionCode === NATIONAL_CODE) add(r.row, 'regionCode', messages.regionNational);
    let type: SchoolType | undefined;
    if (v.type) {
      type =
        TYPE_ALIASES[v.type] ??
        (SCHOOL_TYPES.includes(v.type as SchoolType) ? (v.type as SchoolType) : undefined);
      if (!type) add(r.row, 'type', messages.typeInvalid(v.type));
    }
    if (v.status && !(SCHOOL_STATUSES as readonly string[]).includes(v.status))
      add(r.row, 'status', messages.statusInvalid(v.status));
    if (problems.length === before)
      valid.push({ row: r.row, code, name, regionCode, type, status: v.status });
  }

  // The schools the rows name: by code, then hand-made ones (no code) by region and name.
  const byCode = new Map<string, PlannedSchool>();
  const codes = valid.map((r) => r.code);
  for (let i = 0; i < codes.length; i += 1000) {
    for (const s of await School.find(
      { schoolCode: { $in: codes.slice(i, i + 1000) } },
      { name: 1, regionCode: 1, status: 1, schoolCode: 1 },
    ).lean<PlannedSchool[]>())
      byCode.set(s.schoolCode!, s);
  }
  const targetRegions = new Set(valid.map((r) => r.regionCode));
  const byRegion = new Map<string, Map<string, PlannedSchool>>();
  for (const code of targetRegions) {
    const schools = await School.find(
      { regionCode: code },
      { name: 1, regionCode: 1, status: 1, schoolCode: 1 },
    ).lean<PlannedSchool[]>();
    byRegion.set(code, new Map(schools.map((s) => [s.name, s])));
  }

  const ops: SyncOp[] = [];
  let unchanged = 0;
  // A school leaving its name in a region (renamed or moved) frees it for another row of the share.
  const leaving = new Set<string>();
  const matched = valid.map((r) => {
    let school = byCode.get(r.code);
    let link = false;
    if (!school) {
      const same = byRegion.get(r.regionCode)?.get(r.name);
      if (same && !same.schoolCode) {
        school = same;
        link = true;
      }
    }
    if (school && (school.name !== r.name || school.regionCode !== r.regionCode))
      leaving.add(`${school.regionCode}\u0000${school.name}`);
    return { r, school, link };
  });
  const targetRow = new Map<string, number>();
  for (const { r, school, link } of matched) {
    const key = `${r.regionCode}\u0000${r.name}`;
    const holder = byRegion.get(r.regionCode)?.get(r.name);
    const closing = !!r.status && CLOSED.includes(r.status);
    if (targetRow.has(key)) {
      add(r.row, 'name', messages.nameRepeated(r.name, targetRow.get(key)!));
      continue;
    }
    targetRow.set(key, r.row);
    if (holder && (!school || !holder._id.equals(school._id)) && !leaving.has(key)) {
      add(r.row, 'name', messages.nameTakenThere(r.name, regions.get(r.regionCode)!.name));
      continue;
    }
    const before = school
      ? { name: school.name, regionCode: school.regionCode, status: school.status }
      : undefined;
    const base = { row: r.row, code: r.code, name: r.name, regionCode: r.regionCode, before };
    if (!school) {
      if (closing) unchanged++;
      else if (!r.type) add(r.row, 'type', messages.typeMissing);
      else ops.push({ ...base, action: 'create', type: r.type });
      continue;
    }
    const n = ops.length;
    if (link) ops.push({ ...base, action: 'link', schoolId: school._id });
    // A 部属高校 is managed by the national level itself (universities/service.ts) while the share names
    // the place it stands in: that is no move.
    const managedByNation = school.regionCode === NATIONAL_CODE;
    if (school.regionCode !== r.regionCode && !managedByNation)
      ops.push({ ...base, action: 'move', schoolId: school._id });
    if (school.name !== r.name) ops.push({ ...base, action: 'rename', schoolId: school._id });
    if (closing && school.status !== r.status)
      ops.push({ ...base, action: 'close', schoolId: school._id, status: r.status });
    if (ops.length === n) unchanged++;
  }
  return { ops: problems.length ? [] : ops, unchanged, problems };
}

/** The parent GB/T 2260 gives a code: province → national, city → province, county → its city if known. */
function derivedParent(code: string, known: (c: string) => boolean): string {
  if (code.endsWith('0000')) return NATIONAL_CODE;
  const province = `${code.slice(0, 2)}0000`;
  if (code.endsWith('00')) return province;
  const city = `${code.slice(0, 4)}00`;
  return known(city) ? city : province;
}

const CHILD_LEVEL: Record<string, RegionDoc['level'] | undefined> = {
  national: 'province',
  province: 'city',
  city: 'county',
};

/** Why a region cannot be closed (schools, children, bound accounts), if it cannot. */
async function closeProblem(code: string): Promise<string | undefined> {
  const [schools, children, users] = await Promise.all([
    School.countDocuments({ regionPath: code }),
    Region.countDocuments({ parentCode: code }),
    User.countDocuments({ 'bindings.regionCode': code }),
  ]);
  if (schools) return messages.hasSchools(schools);
  if (children) return messages.hasChildren(children);
  if (users) return messages.hasUsers(users);
  return undefined;
}

/**
 * Plans a GB/T 2260 revision: new codes are created under their parent (given, or derived from the
 * code), changed names renamed, rows marked 撤销 closed (only when nothing hangs below them). Moving a
 * region under another parent is refused: a revision gives the region a new code instead.
 */
async function planRegions(rows: ShareRow[]): Promise<Plan> {
  const { problems, add } = problemsOf(rows);
  const codes = rows.map((r) => r.values.code ?? '').filter((c) => /^\d{6}$/.test(c));
  const parents = rows.map((r) => r.values.parentCode ?? '').filter((c) => /^\d{6}$/.test(c));
  const cities = codes.map((c) => `${c.slice(0, 4)}00`);
  const existing = await regionsByCode([...codes, ...parents, ...cities]);
  const inFile = new Map<string, number>();
  for (const r of rows)
    if (/^\d{6}$/.test(r.values.code ?? '') && !inFile.has(r.values.code)) inFile.set(r.values.code, r.row);
  const known = (c: string) => existing.has(c) || inFile.has(c);
  const ops: SyncOp[] = [];
  let unchanged = 0;
  const seen = new Map<string, number>();
  const newLevels = new Map<string, RegionDoc['level']>();
  // Parents before children: by code length of the meaningful part (province, city, county).
  const depth = (c: string) => (c.endsWith('0000') ? 0 : c.endsWith('00') ? 1 : 2);
  const sorted = [...rows].sort(
    (a, b) => depth(a.values.code ?? '') - depth(b.values.code ?? '') || a.row - b.row,
  );
  for (const r of sorted) {
    if (r.problems.length) continue;
    const v = r.values;
    const code = v.code ?? '';
    const before = problems.length;
    if (!/^\d{6}$/.test(code)) add(r.row, 'code', messages.regionFormat(code));
    else if (seen.has(code)) add(r.row, 'code', messages.regionRepeated(code, seen.get(code)!));
    else if (code === NATIONAL_CODE) add(r.row, 'code', messages.nationalInShare);
    else if (existing.get(code)?.functional) add(r.row, 'code', messages.zoneInShare(code));
    seen.set(code, r.row);
    const name = (v.name ?? '').replace(/\s+/g, ' ');
    if (!name) add(r.row, 'name', messages.nameMissing);
    else if (name.length > 30) add(r.row, 'name', messages.regionNameLength);
    if (v.status && v.status !== '正常' && v.status !== '撤销')
      add(r.row, 'status', messages.regionStatusInvalid(v.status));
    if (v.parentCode && !/^\d{6}$/.test(v.parentCode))
      add(r.row, 'parentCode', messages.regionFormat(v.parentCode));
    if (problems.length !== before) continue;
    const parentCode = v.parentCode || derivedParent(code, known);
    const current = existing.get(code);
    const closing = v.status === '撤销';
    if (current) {
      if (current.parentCode !== parentCode) {
        add(r.row, 'parentCode', messages.parentChanged(current.parentCode ?? '', parentCode));
        continue;
      }
      const base = {
        row: r.row,
        code,
        name,
        parentCode,
        before: { name: current.name, parentCode: current.parentCode },
      };
      if (closing) {
        const why = await closeProblem(code);
        if (why) add(r.row, 'status', messages.closeBlocked(code, why));
        else ops.push({ ...base, action: 'close' });
      } else if (current.name !== name) ops.push({ ...base, action: 'rename' });
      else unchanged++;
      continue;
    }
    if (closing) {
      unchanged++;
      continue;
    }
    const parentLevel = existing.get(parentCode)?.level ?? newLevels.get(parentCode);
    if (!parentLevel) {
      add(r.row, 'parentCode', messages.parentUnknown(parentCode));
      continue;
    }
    const level = CHILD_LEVEL[parentLevel];
    if (!level) {
      add(r.row, 'parentCode', messages.parentTooLow(parentCode));
      continue;
    }
    newLevels.set(code, level);
    ops.push({ row: r.row, code, name, parentCode, action: 'create' });
  }
  problems.sort((a, b) => a.row - b.row);
  return { ops: problems.length ? [] : ops, unchanged, problems };
}

// ---------------------------------------------------------------------------------------------
// Preview

export interface SyncView {
  id: string;
  kind: SyncKind;
  state: SyncDoc['state'];
  rows: number;
  counts: Record<string, number>;
  done: number;
  failed: number;
  /** The first PREVIEW_ITEMS planned changes, in order. */
  items: {
    action: string;
    row: number;
    code: string;
    name: string;
    regionCode?: string;
    parentCode?: string;
    status?: string;
    before?: Record<string, unknown>;
    error?: string;
  }[];
  createdAt: Date;
  finishedAt: Date | null;
}

/** A sync batch as the API shows it: counts per action (and unchanged), the first items, progress. */
export function syncView(doc: SyncDoc): SyncView {
  const counts: Record<string, number> = {
    create: 0,
    link: 0,
    rename: 0,
    move: 0,
    close: 0,
    unchanged: doc.unchanged,
  };
  for (const op of doc.ops) counts[op.action]++;
  return {
    id: doc._id,
    kind: doc.kind,
    state: doc.state,
    rows: doc.rows,
    counts,
    done: doc.done,
    failed: doc.failed,
    items: doc.ops.slice(0, PREVIEW_ITEMS).map((op) => ({
      action: op.action,
      row: op.row,
      code: op.code,
      name: op.name,
      regionCode: op.regionCode,
      parentCode: op.parentCode,
      status: op.status,
      before: op.before,
      error: op.error,
    })),
    createdAt: doc.createdAt,
    finishedAt: doc.finishedAt ?? null,
  };
}

/**
 * Checks every row of a share and stores its plan as a `previewed` batch; writes nothing else. 400
 * SHARE_INVALID with `details.problems` ([{ row, field, message }]) when any row is wrong; 403 for
 * anyone but the national administrator.
 */
export async function previewShare(
  deps: BaseDataDeps,
  caller: Caller,
  kind: SyncKind,
  rows: ShareRow[],
): Promise<SyncView> {
  requireNational(caller);
  const plan = kind === 'schools' ? await planSchools(rows) : await planRegions(rows);
  if (plan.problems.length) {
    throw new ValidationError(
      messages.invalid(plan.problems.length),
      { property: 'file', problems: plan.problems.slice(0, PREVIEW_ITEMS) },
      'SHARE_INVALID',
    );
  }
  const doc: SyncDoc = {
    _id: randomUUID(),
    kind,
    state: 'previewed',
    ops: plan.ops,
    unchanged: plan.unchanged,
    rows: rows.length,
    done: 0,
    failed: 0,
    actor: { ...caller.actor },
    createdAt: deps.clock(),
  };
  await BaseDataSync.create(doc);
  return syncView(doc);
}

/** The latest `limit` batches, newest first, with their counts (national administrator only). */
export async function listSyncs(caller: Caller, limit = 20): Promise<{ items: SyncView[] }> {
  requireNational(caller);
  const docs = await BaseDataSync.find({}).sort({ createdAt: -1 }).limit(limit).lean<SyncDoc[]>();
  return { items: docs.map((d) => ({ ...syncView(d), items: [] })) };
}

/** One batch, for the national administrator. */
export async function getSync(caller: Caller, id: string): Promise<SyncView> {
  requireNational(caller);
  const doc = await BaseDataSync.findById(id).lean<SyncDoc>();
  if (!doc) throw new NotFoundError(messages.notFound, 'SYNC_NOT_FOUND');
  return syncView(doc);
}

// ---------------------------------------------------------------------------------------------
// Applying

/** The national binding a batch runs with (also when resumed at start-up, without a request). */
function nationalCaller(actor: Record<string, unknown>): Caller {
  const binding = {
    _id: new Types.ObjectId('000000000000000000000000'),
    kind: 'region',
    role: 'admin',
    regionCode: NATIONAL_CODE,
    regionPath: [],
    active: true,
  } as Binding;
  return { binding, actor: actor as Actor };
}

/** A stable audit entry id for op `i` of a batch, so an op run again after a crash is audited once. */
function auditId(syncId: string, i: number): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`${syncId}:${i}`).digest('hex').slice(0, 24));
}

/** Gives `schoolId` the code (claim first, then the school's field); idempotent. 409 SCHOOL_CODE_TAKEN. */
async function assignCode(code: string, schoolId: Types.ObjectId): Promise<void> {
  const school = await School.findById(schoolId, { schoolCode: 1 }).lean<SchoolDoc>();
  if (!school) throw new NotFoundError(messages.schoolGone, 'SCHOOL_NOT_FOUND');
  if (school.schoolCode && school.schoolCode !== code)
    throw new ConflictError(messages.codeTakenOnSchool(school.schoolCode), 'SCHOOL_CODE_TAKEN');
  for (let attempt = 0; ; attempt++) {
    try {
      await SchoolCode.create({ _id: code, schoolId });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const claim = await SchoolCode.findById(code).lean();
      if (claim?.schoolId.equals(schoolId)) break;
      // The holder was deleted since: its claim is released, then taken again.
      const held = claim && (await School.exists({ _id: claim.schoolId }));
      if (held || attempt >= 2) throw new ConflictError(messages.codeTaken(code), 'SCHOOL_CODE_TAKEN');
      if (claim) await SchoolCode.deleteOne({ _id: code, schoolId: claim.schoolId });
    }
  }
  await School.updateOne({ _id: schoolId }, { $set: { schoolCode: code } });
}

/**
 * Sets (or with `null` clears) a school's 学校标识码 by hand, for a school created before the share
 * named it (national administrator only; seed 002 §10 keeps base data to the share otherwise). 409
 * SCHOOL_CODE_TAKEN when another school holds the code; 404 for an unknown school; audited.
 */
export async function setSchoolCode(
  deps: BaseDataDeps,
  caller: Caller,
  id: string,
  code: string | null,
): Promise<{ id: string; schoolCode: string | null }> {
  requireNational(caller);
  const school = Types.ObjectId.isValid(id) ? await School.findById(id).lean<SchoolDoc>() : null;
  if (!school) throw new NotFoundError(messages.schoolGone, 'SCHOOL_NOT_FOUND');
  const before = school.schoolCode ?? null;
  if (before === code) return { id, schoolCode: code };
  if (before) {
    await School.updateOne({ _id: school._id }, { $unset: { schoolCode: 1 } });
    await SchoolCode.deleteOne({ _id: before, schoolId: school._id });
  }
  if (code) await assignCode(code, school._id);
  await recordAudit(deps.clock, caller.actor, {
    action: 'school.setCode',
    targetType: 'school',
    targetId: id,
    regionPath: school.regionPath,
    before: { schoolCode: before },
    after: { schoolCode: code },
  });
  return { id, schoolCode: code };
}

async function runSchoolOp(deps: BaseDataDeps, caller: Caller, op: SyncOp): Promise<void> {
  const id = op.schoolId ? String(op.schoolId) : undefined;
  switch (op.action) {
    case 'create': {
      if (await School.exists({ schoolCode: op.code })) return;
      // A school of that name there without a code: ours from a run a crash interrupted, or made by hand.
      let school = await School.findOne({ regionCode: op.regionCode, name: op.name }).lean<SchoolDoc>();
      if (!school || school.setup === 'pendingAdmin') {
        const created = await createSchool(deps, caller, {
          name: op.name,
          type: op.type as SchoolType,
          regionCode: op.regionCode!,
        });
        school = await School.findById(created.school.id).lean<SchoolDoc>();
      }
      await assignCode(op.code, school!._id);
      return;
    }
    case 'link':
      return assignCode(op.code, op.schoolId!);
    case 'rename':
      await updateSchool(deps, caller, id!, { name: op.name });
      return;
    case 'move':
      await transferSchool(deps, caller, id!, op.regionCode!);
      return;
    case 'close':
      await updateSchool(deps, caller, id!, { status: op.status as SchoolDoc['status'] });
      return;
  }
}

async function runRegionOp(
  deps: BaseDataDeps,
  caller: Caller,
  syncId: string,
  i: number,
  op: SyncOp,
): Promise<void> {
  const audit = (
    action: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
    path: string[],
  ) =>
    recordAudit(
      deps.clock,
      caller.actor,
      { action, targetType: 'region', targetId: op.code, regionPath: path, before, after },
      { id: auditId(syncId, i) },
    );
  const region = await Region.findById(op.code).lean<RegionDoc>();
  if (op.action === 'create') {
    const parent = await Region.findById(op.parentCode).lean<RegionDoc>();
    const level = parent && CHILD_LEVEL[parent.level];
    if (!parent || !level)
      throw new ValidationError(messages.parentUnknown(op.parentCode ?? ''), {}, 'REGION_NOT_FOUND');
    const path = [...parent.path, parent._id];
    if (!region)
      await Region.updateOne(
        { _id: op.code },
        {
          $setOnInsert: {
            name: op.name,
            level,
            parentCode: parent._id,
            path,
            placeholder: false,
            countyLevel: level === 'county',
          },
        },
        { upsert: true },
      );
    await audit('region.create', null, { name: op.name, level, parentCode: parent._id }, [...path, op.code]);
  } else if (op.action === 'rename') {
    if (!region) throw new NotFoundError(messages.regionUnknown(op.code), 'REGION_NOT_FOUND');
    await Region.updateOne({ _id: op.code }, { $set: { name: op.name } });
    await audit('region.rename', { name: op.before?.name ?? region.name }, { name: op.name }, [
      ...region.path,
      op.code,
    ]);
  } else if (op.action === 'close') {
    if (region) {
      const why = await closeProblem(op.code);
      if (why) throw new ConflictError(messages.closeBlocked(op.code, why), 'REGION_NOT_EMPTY');
      await Region.deleteOne({ _id: op.code });
      await audit('region.close', { name: region.name, parentCode: region.parentCode }, null, [
        ...region.path,
        op.code,
      ]);
    }
  }
  invalidateRegionTree();
}

/** Runs a batch's ops from `done` on; a refused op (AppError) is recorded on it and the run goes on. */
async function runOps(deps: BaseDataDeps, id: string): Promise<void> {
  const doc = await BaseDataSync.findById(id).lean<SyncDoc>();
  if (!doc) return;
  const caller = nationalCaller(doc.actor);
  let failed = doc.failed;
  for (let i = doc.done; i < doc.ops.length; i++) {
    const op = doc.ops[i];
    const $set: Record<string, unknown> = { done: i + 1, beatAt: new Date() };
    try {
      if (doc.kind === 'schools') await runSchoolOp(deps, caller, op);
      else await runRegionOp(deps, caller, doc._id, i, op);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      $set[`ops.${i}.error`] = err.message;
      $set.failed = ++failed;
    }
    await BaseDataSync.updateOne({ _id: id }, { $set });
  }
  const counts = syncView({ ...doc, done: doc.ops.length }).counts;
  await recordAudit(
    deps.clock,
    caller.actor,
    {
      action: 'basedata.apply',
      targetType: 'basedataSync',
      targetId: id,
      regionPath: [NATIONAL_CODE],
      before: null,
      after: { kind: doc.kind, rows: doc.rows, ...counts, failed },
    },
    { id: auditId(id, -1) },
  );
  await BaseDataSync.updateOne({ _id: id }, { $set: { state: 'done', finishedAt: deps.clock() } });
}

/**
 * Applies a previewed batch in one go: exactly one runner (claim `<id>:apply`), ops in order, each
 * idempotent, progress saved after each. 409 SYNC_APPLIED / SYNC_RUNNING when it was applied or is being
 * applied; 404 for an unknown batch; 403 for anyone but the national administrator.
 */
export async function applySync(deps: BaseDataDeps, caller: Caller, id: string): Promise<SyncView> {
  requireNational(caller);
  const doc = await BaseDataSync.findById(id).lean<SyncDoc>();
  if (!doc) throw new NotFoundError(messages.notFound, 'SYNC_NOT_FOUND');
  if (doc.state === 'done') throw new ConflictError(messages.applied, 'SYNC_APPLIED');
  try {
    await BaseDataSyncClaim.create({ _id: `${id}:apply`, at: deps.clock() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new ConflictError(messages.running, 'SYNC_RUNNING');
  }
  await BaseDataSync.updateOne(
    { _id: id },
    {
      $set: {
        state: 'applying',
        appliedAt: deps.clock(),
        beatAt: new Date(),
        owner: OWNER,
        actor: { ...caller.actor },
      },
    },
  );
  await runOps(deps, id);
  return syncView((await BaseDataSync.findById(id).lean<SyncDoc>())!);
}

/**
 * Resumes batches a crash left `applying` once their heartbeat is older than `staleMs` (wall clock):
 * one instance takes each (claim `<id>:resume:<beat>`), and continues from the last finished op.
 */
export async function resumeInterruptedSyncs(
  deps: BaseDataDeps,
  opts: { staleMs?: number } = {},
): Promise<{ resumed: number }> {
  const staleBefore = new Date(Date.now() - (opts.staleMs ?? SYNC_STALE_MS));
  let resumed = 0;
  for (const doc of await BaseDataSync.find({ state: 'applying' }, { ops: 0 }).lean<SyncDoc[]>()) {
    if (doc.beatAt && doc.beatAt > staleBefore) continue;
    try {
      await BaseDataSyncClaim.create({
        _id: `${doc._id}:resume:${doc.beatAt?.getTime() ?? 0}`,
        at: deps.clock(),
      });
    } catch (err) {
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    await BaseDataSync.updateOne({ _id: doc._id }, { $set: { beatAt: new Date(), owner: OWNER } });
    await runOps(deps, doc._id);
    resumed++;
  }
  return { resumed };
}
