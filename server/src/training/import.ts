// Import of the learning platform's training records (CSV or XLSX), streamed: rows are read one at a
// time, checked, matched to teachers through the teacher directory and compared with the roster; only
// rows that change something are written, so re-running the same file writes nothing at all.
import { Types } from 'mongoose';
import { maskMobile, parseStudyTime, recordFacts, toCentiHours, regionScope } from '@eduprogress/shared';
import { User } from '../accounts/model';
import { recordAudit } from '../audit/service';
import { readColumns, readTable, type Cell } from '../files/spreadsheet';
import type { RegionDoc } from '../regions/model';
import { Teacher, TeacherAccount } from '../teachers/model';
import { loadTeacherDirectory } from '../teachers/service';
import { recordId, recordsCollection, type TrainingDoc, type TrainingRecordDoc } from './model';
import { importScope, visibleTraining, type Caller, type TrainingDeps } from './service';
import {
  lockTraining,
  regionIndex,
  rosterOf,
  settleGeneration,
  writeGeneration,
  type RegionIndex,
  type RosterLine,
} from './stats';

const messages = {
  cellProblem: (row: number, column: string, problem: string) => `第 ${row} 行：「${column}」${problem}`,
  emptyAccount: (row: number) => `第 ${row} 行：账号为空`,
  badHours: (row: number, text: string) => `第 ${row} 行：获得学时「${text}」不是有效的数字`,
  negativeHours: (row: number) => `第 ${row} 行：获得学时不能为负数`,
  badStudy: (row: number, text: string) =>
    `第 ${row} 行：实际学习时长「${text}」格式不正确，应为 时:分:秒（如 07:52:00）或分钟数`,
  unknownTeacher: (row: number, account: string) => `第 ${row} 行：找不到账号为 ${account} 的教师`,
  outside: (row: number, account: string, region: string) =>
    `第 ${row} 行：账号为 ${account} 的教师不在「${region}」范围内`,
};

/** A whole province's platform export (~150,000 rows) fits many times over. */
export const MAX_IMPORT_ROWS = 1_000_000;
/** Errors listed in the answer (all are counted). */
const MAX_LISTED_ERRORS = 1000;

/** A cell's text, '' when there is none. */
export const cellText = (v: Cell | undefined): string => v?.text ?? '';

// ---------------------------------------------------------------------------------------------
// Training records

const RECORD_COLUMNS = {
  account: ['账号', '手机号', '手机号码', '手机', '登录账号', '用户账号', 'account', 'mobile'],
  hours: ['获得学时', '学时', '获得学时数', 'hours'],
  study: ['实际学习时长', '学习时长', '实际学习时长(时:分:秒)', 'studytime', 'study_time'],
} as const;

export interface ImportError {
  row: number;
  message: string;
}

export interface ImportSummary {
  training: string;
  region: { code: string; name: string };
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  capped: number;
  errors: ImportError[];
  errorsTruncated: boolean;
  elapsedMs: number;
  /** Where the time went, ms: reading the file, loading teachers and participants, comparing,
   * writing the records, writing the new view generation. */
  timings: { read: number; load: number; match: number; records: number; views: number };
}

function parseHours(v: Cell | undefined): number | null {
  if (v?.number !== undefined && !v.temporal) return Number.isFinite(v.number) ? v.number : null;
  const t = cellText(v);
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

/** Seconds; undefined when the file says nothing (no column, empty cell): the time on file stays. */
function parseStudy(v: Cell | undefined): number | null | undefined {
  if (!v) return undefined;
  // A time cell ([h]:mm:ss) holds days, the same in the 1900 and 1904 date systems.
  if (v.temporal && v.number !== undefined) return v.number >= 0 ? Math.round(v.number * 86400) : null;
  if (v.number !== undefined) return v.number >= 0 ? Math.round(v.number * 60) : null;
  return parseStudyTime(v.text);
}

/** As displayed (a mobile stored as a number shows all its digits), without spaces and hyphens. */
function accountOf(v: Cell | undefined): string {
  return cellText(v).replace(/[\s-]/g, '');
}

const MOBILE = /^1\d{10}$/;

interface PendingRow {
  number: number;
  account: string;
  centiHours: number;
  studySeconds?: number;
  capped: boolean;
}

function sameLine(a: RosterLine, b: RosterLine): boolean {
  return (
    a.centiHours === b.centiHours &&
    a.studySeconds === b.studySeconds &&
    a.region === b.region &&
    a.schoolId === b.schoolId &&
    a.stage === b.stage &&
    a.subject === b.subject &&
    a.verified === b.verified &&
    a.name === b.name &&
    a.account === b.account &&
    a.schoolName === b.schoolName
  );
}

function recordOf(
  training: TrainingDoc,
  line: RosterLine,
  regions: RegionIndex,
  cap: number,
  at: Date,
): TrainingRecordDoc {
  const doc: TrainingRecordDoc = {
    _id: recordId(training._id, line.teacherId),
    trainingId: training._id,
    teacherId: new Types.ObjectId(line.teacherId),
    hours: line.centiHours / 100,
    studySeconds: line.studySeconds,
    ...recordFacts(line.centiHours, cap),
    verified: line.verified,
    regionPath: regions.pathOf(line.region),
    stage: line.stage,
    subject: line.subject,
    updatedAt: at,
  };
  if (line.schoolId) doc.schoolId = new Types.ObjectId(line.schoolId);
  return doc;
}

/** Above this many changed records an import writes a new records generation instead of updating in
 * place (FerretDB/SQLite: one transaction per update, a few ms, against ~0.15 ms per inserted document). */
const IN_PLACE_MAX = 2000;

type Records = ReturnType<typeof recordsCollection>;

/** Inserts in batches, two in flight (the server encodes one while the database commits the other);
 * documents are made batch by batch, so memory holds two batches, not 150,000 records. */
async function insertRecords<T>(
  records: Records,
  items: T[],
  toDoc: (item: T) => TrainingRecordDoc,
): Promise<void> {
  let pending: Promise<unknown> | undefined;
  for (let i = 0; i < items.length; i += 2000) {
    const next = records.insertMany(items.slice(i, i + 2000).map(toDoc), { ordered: false });
    next.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    if (pending) await pending;
    pending = next;
  }
  await pending;
}

async function upsertRecords(records: Records, docs: TrainingRecordDoc[]): Promise<void> {
  // 500 statements per command. (Batches of 40 avoided a hang of unpatched FerretDB at 100 matched
  // statements in one command: see server/src/db/ferretdb-patches.)
  for (let i = 0; i < docs.length; i += 500) {
    await records.bulkWrite(
      docs.slice(i, i + 500).map(({ _id, ...rest }) => ({
        updateOne: {
          filter: { _id },
          update: rest.schoolId ? { $set: rest } : { $set: rest, $unset: { schoolId: 1 } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
}

/** Accounts that are login names (not mobiles): the mobile of the teacher linked to that user. */
async function mobilesOfLoginNames(names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!names.length) return out;
  for (const user of await User.find({ loginName: { $in: names } }, { loginName: 1 }).lean()) {
    const link = await TeacherAccount.findById(String(user._id)).lean();
    const teacher = link ? await Teacher.findById(link.teacherId, { mobile: 1 }).lean() : null;
    if (teacher) out.set(user.loginName, teacher.mobile);
  }
  return out;
}

export async function importTrainingRecords(
  deps: TrainingDeps,
  caller: Caller,
  trainingId: string,
  file: AsyncIterable<Uint8Array>,
): Promise<ImportSummary> {
  const started = performance.now();
  const { training, regions } = await visibleTraining(caller, trainingId);
  const scope: RegionDoc = importScope(caller, training, regions);
  const release = await lockTraining(deps.clock, String(training._id), 'import');
  try {
    const snapshotAt = deps.clock();
    const rosterRead = rosterOf(training);
    rosterRead.catch(() => {}); // awaited below; only keeps an early failure from going unhandled
    const cap = toCentiHours(training.hourCap);
    const now = deps.clock();
    const summary: ImportSummary = {
      training: String(training._id),
      region: { code: scope._id, name: scope.name },
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      capped: 0,
      errors: [],
      errorsTruncated: false,
      elapsedMs: 0,
      timings: { read: 0, load: 0, match: 0, records: 0, views: 0 },
    };
    let mark = performance.now();
    const lap = (key: keyof ImportSummary['timings']) => {
      const t = performance.now();
      summary.timings[key] = Math.round(t - mark);
      mark = t;
    };
    const fail = (row: number, message: string) => {
      summary.failed++;
      if (summary.errors.length < MAX_LISTED_ERRORS) summary.errors.push({ row, message });
      else summary.errorsTruncated = true;
    };

    // 1. Read and check every row (the file streams; what is kept is a few numbers per row).
    const rows: PendingRow[] = [];
    for await (const { number, cells } of readColumns(
      readTable(file),
      RECORD_COLUMNS,
      ['account', 'hours'],
      MAX_IMPORT_ROWS,
    )) {
      summary.rows++;
      const broken = (Object.keys(cells) as (keyof typeof RECORD_COLUMNS)[]).find((f) => cells[f]?.problem);
      if (broken) {
        fail(number, messages.cellProblem(number, RECORD_COLUMNS[broken][0], cells[broken]!.problem!));
        continue;
      }
      const account = accountOf(cells.account);
      if (!account) {
        fail(number, messages.emptyAccount(number));
        continue;
      }
      const hours = cells.hours === undefined ? null : parseHours(cells.hours);
      if (hours === null) {
        fail(number, messages.badHours(number, cellText(cells.hours)));
        continue;
      }
      if (hours < 0) {
        fail(number, messages.negativeHours(number));
        continue;
      }
      const studySeconds = parseStudy(cells.study);
      if (studySeconds === null) {
        fail(number, messages.badStudy(number, cellText(cells.study)));
        continue;
      }
      const raw = toCentiHours(hours);
      rows.push({ number, account, centiHours: Math.min(raw, cap), studySeconds, capped: raw > cap });
    }
    lap('read');

    // 2. The teachers those accounts name, and the participants as they stand.
    const loginNames = await mobilesOfLoginNames([
      ...new Set(rows.filter((r) => !MOBILE.test(r.account)).map((r) => r.account)),
    ]);
    const mobileOf = (r: PendingRow) => (MOBILE.test(r.account) ? r.account : loginNames.get(r.account));
    const [directory, roster] = await Promise.all([
      loadTeacherDirectory(
        deps.clock,
        rows.map(mobileOf).filter((m): m is string => Boolean(m)),
      ),
      rosterRead,
    ]);
    const lines = roster.slice();
    const index = new Map(lines.map((l, i) => [l.teacherId, i]));
    lap('load');

    // 3. Compare: only rows that change something are written; later rows win over earlier ones.
    const created = new Map<string, RosterLine>();
    const updated = new Map<string, RosterLine>();
    for (const row of rows) {
      const mobile = mobileOf(row);
      const entry = mobile ? directory.get(mobile) : undefined;
      const shown = MOBILE.test(row.account) ? (maskMobile(row.account) ?? row.account) : row.account;
      if (!entry) {
        fail(row.number, messages.unknownTeacher(row.number, shown));
        continue;
      }
      if (!regions.within(entry.region, scope._id)) {
        fail(row.number, messages.outside(row.number, shown, scope.name));
        continue;
      }
      if (row.capped) summary.capped++;
      const at = index.get(entry.teacherId);
      const before =
        at === undefined ? created.get(entry.teacherId) : (updated.get(entry.teacherId) ?? lines[at]);
      const line: RosterLine = {
        teacherId: entry.teacherId,
        account: maskMobile(entry.mobile) ?? '',
        name: entry.name,
        region: entry.region,
        schoolId: entry.schoolId,
        schoolName: entry.schoolName,
        stage: entry.stage,
        subject: entry.subject,
        verified: entry.verified,
        centiHours: row.centiHours,
        studySeconds: row.studySeconds ?? before?.studySeconds ?? 0,
        updatedAt: now.getTime(),
      };
      if (before && sameLine(before, line)) {
        summary.unchanged++;
      } else if (at === undefined) {
        if (created.has(line.teacherId)) summary.updated++;
        else summary.created++;
        created.set(line.teacherId, line);
      } else {
        if (!updated.has(line.teacherId)) summary.updated++;
        updated.set(line.teacherId, line);
      }
    }
    summary.errors.sort((a, b) => a.row - b.row);
    lap('match');

    if (created.size || updated.size) {
      for (const [id, line] of updated) lines[index.get(id)!] = line;
      for (const line of created.values()) lines.push(line);
      const recordOfLine = (l: RosterLine) => recordOf(training, l, regions, cap, new Date(l.updatedAt));
      let recordsGen = training.recordsGen;
      if (!recordsGen || created.size + updated.size > IN_PLACE_MAX) {
        // Many changes: the whole set as the next generation, switched to with the views below.
        recordsGen++;
        const next = recordsCollection(training._id, recordsGen);
        await next.drop().catch(() => {}); // left behind by a run that died
        await insertRecords(next, lines, recordOfLine);
      } else {
        await upsertRecords(recordsCollection(training._id, recordsGen), [
          ...[...created.values()].map(recordOfLine),
          ...[...updated.values()].map(recordOfLine),
        ]);
      }
      lap('records');
      await writeGeneration(deps.clock, training, lines, recordsGen);
      await settleGeneration(deps.clock, training._id, lines, snapshotAt);
      lap('views');
    }
    summary.elapsedMs = Math.round(performance.now() - started);
    await recordAudit(deps.clock, caller.actor, {
      action: 'training.importRecords',
      targetType: 'training',
      targetId: String(training._id),
      regionPath: regionScope(scope),
      after: {
        rows: summary.rows,
        created: summary.created,
        updated: summary.updated,
        unchanged: summary.unchanged,
        failed: summary.failed,
      },
    });
    return summary;
  } finally {
    await release();
  }
}

/** 专任教师数 from a CSV/XLSX with 地区代码 and 专任教师数 columns; rows outside `root` are refused. */
export async function readFullTimeRows(
  file: AsyncIterable<Uint8Array>,
  root: RegionDoc,
): Promise<{ valid: { region: RegionDoc; count: number }[]; errors: ImportError[]; rows: number }> {
  const regions = await regionIndex();
  const valid: { region: RegionDoc; count: number }[] = [];
  const errors: ImportError[] = [];
  let rows = 0;
  const columns = {
    code: ['地区代码', '区划代码', '行政区划代码', 'code'],
    count: ['专任教师数', 'count'],
  } as const;
  for await (const { number, cells } of readColumns(
    readTable(file),
    columns,
    ['code', 'count'],
    MAX_IMPORT_ROWS,
  )) {
    rows++;
    const broken = cells.code?.problem ? 'code' : cells.count?.problem ? 'count' : undefined;
    if (broken) {
      const message = messages.cellProblem(number, columns[broken][0], cells[broken]!.problem!);
      errors.push({ row: number, message });
      continue;
    }
    const code = accountOf(cells.code);
    const region = regions.byCode.get(code);
    const count = parseHours(cells.count);
    if (!region) errors.push({ row: number, message: `第 ${number} 行：地区代码「${code}」不存在` });
    else if (!regions.within(code, root._id))
      errors.push({ row: number, message: `第 ${number} 行：${region.name} 不在「${root.name}」范围内` });
    else if (count === null || count < 0 || !Number.isInteger(count))
      errors.push({
        row: number,
        message: `第 ${number} 行：专任教师数「${cellText(cells.count)}」应为非负整数`,
      });
    else valid.push({ region, count });
  }
  return { valid, errors: errors.slice(0, MAX_LISTED_ERRORS), rows };
}
