// Account aliases (seed 002 四(一) 账号发放: accounts of the previous system keep working as login names).
// A region manager gives accounts in its jurisdiction alias login names, one by one or imported in bulk
// from XLSX/CSV; `POST /auth/login` accepts an alias wherever it accepts a login name.
import { Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { readColumns, readTable, type Cell } from '../files/spreadsheet';
import { User, type Binding, type UserDoc } from '../accounts/model';
import { isManager as isRegionManager } from '../access/rules';
import { AccountAlias, type AccountAliasDoc } from './model';

const messages = {
  notManager: '只有地区管理员可以管理账号别名',
  userNotFound: '用户不存在',
  outside: '该账号不在您的管辖范围内（其全部身份须在您管辖的地区以内）',
  outsideRows: (n: number, first: string) => `有 ${n} 行的账号不在您的管辖范围内，未导入任何别名。${first}`,
  shape: '别名须为 2–50 个字符，不含空格',
  looksLikeMobile: '别名不能是手机号（手机号本身即可用于登录）',
  looksLikeEmail: '别名不能包含 @（邮箱本身即可用于登录）',
  looksLikeSystemName: '别名不能采用系统登录名的格式（s 或 t 加 10 位以上数字）',
  takenByLogin: (alias: string) => `「${alias}」已是某个账号的登录名，不能用作别名`,
  takenByAlias: (alias: string) => `「${alias}」已是另一个账号的别名`,
  limit: (max: number) => `每个账号最多 ${max} 个别名`,
  aliasNotFound: (alias: string) => `该账号没有别名「${alias}」`,
  raced: '导入期间别名被其他操作占用，本次导入已撤销，请重新导入',
  importEmpty: '文件中没有数据行',
  importInvalid: (bad: number, first: string) => `有 ${bad} 行有误，未导入任何别名。${first}`,
  row: (n: number, text: string) => `第 ${n} 行：${text}`,
  missing: (header: string) => `缺少「${header}」`,
  loginUnknown: (name: string) => `登录名「${name}」不存在`,
  duplicateInFile: (alias: string, first: number) => `别名「${alias}」与第 ${first} 行重复`,
  cellProblem: (header: string, problem: string) => `「${header}」${problem}`,
};

/** At most this many aliases per account. */
export const MAX_ALIASES_PER_ACCOUNT = 5;
/** Rows of one alias import. */
export const MAX_ALIAS_IMPORT_ROWS = 50_000;
/** Problems listed in a refused import's `details.rows`. */
const ROWS_SHOWN = 100;

export interface AliasContext {
  clock: Clock;
  actor: Actor;
  binding: Binding | undefined;
}

export interface AliasView {
  alias: string;
  createdAt: Date;
}

/** NFKC and trimmed: what a person typing the alias at login ends up sending. */
export function normalizeAlias(raw: string): string {
  return raw.normalize('NFKC').trim();
}

/**
 * Why an alias is not acceptable as a login name, or undefined. Aliases may not look like a mobile or an
 * email (those log in by themselves) nor like the system's own generated login names (`s`/`t` + region
 * code + sequence), so no later account can be given a login name that is already someone's alias.
 */
export function aliasShapeProblem(alias: string): string | undefined {
  if (alias.length < 2 || alias.length > 50 || /\s/.test(alias)) return messages.shape;
  if (/^1\d{10}$/.test(alias)) return messages.looksLikeMobile;
  if (alias.includes('@')) return messages.looksLikeEmail;
  if (/^[st]\d{10,}$/i.test(alias)) return messages.looksLikeSystemName;
  return undefined;
}

function requireManager(binding: Binding | undefined): Binding {
  if (!isRegionManager(binding)) throw new ForbiddenError(messages.notManager, 'ROLE_FORBIDDEN');
  return binding;
}

/**
 * Whether the caller (a region manager) governs the account: it has an active binding and every active
 * binding is inside the caller's subtree, region ones strictly below it (a peer is not the caller's).
 */
export function governsAccount(caller: Binding, user: Pick<UserDoc, 'bindings'>): boolean {
  const code = caller.regionCode!;
  const active = user.bindings.filter((b) => b.active);
  return (
    active.length > 0 &&
    active.every((b) =>
      b.kind === 'region'
        ? b.regionPath.includes(code)
        : b.regionCode === code || b.regionPath.includes(code),
    )
  );
}

/** The account's place for the audit trail: its first active binding's region path. */
function auditPathOf(user: Pick<UserDoc, 'bindings'>): string[] {
  const b = user.bindings.find((x) => x.active) ?? user.bindings[0];
  if (!b) return [];
  return b.kind === 'region' && b.regionCode ? [...b.regionPath, b.regionCode] : b.regionPath;
}

async function governedUser(binding: Binding | undefined, userId: string): Promise<UserDoc> {
  const caller = requireManager(binding);
  const user = await User.findById(userId).lean<UserDoc>();
  if (!user) throw new NotFoundError(messages.userNotFound, 'USER_NOT_FOUND');
  if (!governsAccount(caller, user)) throw new ForbiddenError(messages.outside, 'OUTSIDE_JURISDICTION');
  return user;
}

const view = (a: AccountAliasDoc): AliasView => ({ alias: a._id, createdAt: a.createdAt });

/** The account's aliases, oldest first. 403 ROLE_FORBIDDEN / OUTSIDE_JURISDICTION, 404 USER_NOT_FOUND. */
export async function listAliases(ac: AliasContext, userId: string): Promise<{ items: AliasView[] }> {
  const user = await governedUser(ac.binding, userId);
  const items = await AccountAlias.find({ userId: user._id })
    .sort({ createdAt: 1 })
    .lean<AccountAliasDoc[]>();
  return { items: items.map(view) };
}

/**
 * Gives the account one alias. Already its alias → `{created: false}` (nothing written). 400 ALIAS_INVALID
 * (shape), 409 ALIAS_TAKEN (another account's alias or any login name), 409 ALIAS_LIMIT past
 * MAX_ALIASES_PER_ACCOUNT; audited as `account.alias.add`.
 */
export async function addAlias(
  ac: AliasContext,
  userId: string,
  rawAlias: string,
): Promise<{ alias: AliasView; created: boolean }> {
  const user = await governedUser(ac.binding, userId);
  const alias = normalizeAlias(rawAlias);
  const problem = aliasShapeProblem(alias);
  if (problem) throw new ValidationError(problem, { property: 'alias' }, 'ALIAS_INVALID');
  const existing = await AccountAlias.findById(alias).lean<AccountAliasDoc>();
  if (existing?.userId.equals(user._id)) return { alias: view(existing), created: false };
  if (existing) throw new ConflictError(messages.takenByAlias(alias), 'ALIAS_TAKEN', { property: 'alias' });
  if (await User.exists({ loginName: alias })) {
    throw new ConflictError(messages.takenByLogin(alias), 'ALIAS_TAKEN', { property: 'alias' });
  }
  if ((await AccountAlias.countDocuments({ userId: user._id })) >= MAX_ALIASES_PER_ACCOUNT) {
    throw new ConflictError(messages.limit(MAX_ALIASES_PER_ACCOUNT), 'ALIAS_LIMIT', { property: 'alias' });
  }
  const doc: AccountAliasDoc = {
    _id: alias,
    userId: user._id,
    createdBy: ac.actor.userId,
    createdAt: ac.clock(),
  };
  try {
    await AccountAlias.create(doc);
  } catch (err) {
    if (isDuplicateKey(err)) {
      throw new ConflictError(messages.takenByAlias(alias), 'ALIAS_TAKEN', { property: 'alias' });
    }
    throw err;
  }
  await recordAudit(ac.clock, ac.actor, {
    action: 'account.alias.add',
    targetType: 'user',
    targetId: String(user._id),
    regionPath: auditPathOf(user),
    after: { loginName: user.loginName, alias },
  });
  return { alias: view(doc), created: true };
}

/** Removes one alias of the account (404 ALIAS_NOT_FOUND if it has no such alias); audited. */
export async function removeAlias(ac: AliasContext, userId: string, rawAlias: string): Promise<void> {
  const user = await governedUser(ac.binding, userId);
  const alias = normalizeAlias(rawAlias);
  const { deletedCount } = await AccountAlias.deleteOne({ _id: alias, userId: user._id });
  if (deletedCount !== 1) throw new NotFoundError(messages.aliasNotFound(alias), 'ALIAS_NOT_FOUND');
  await recordAudit(ac.clock, ac.actor, {
    action: 'account.alias.remove',
    targetType: 'user',
    targetId: String(user._id),
    regionPath: auditPathOf(user),
    before: { loginName: user.loginName, alias },
  });
}

/** One data row of an alias import. */
export interface AliasImportRow {
  row: number;
  loginName: string;
  alias: string;
  /** A cell that could not be read (a formula error), already worded. */
  problem?: string;
}

const importColumns = {
  loginName: ['登录名', '账号', '用户名', 'loginName'],
  alias: ['别名', '登录别名', '原账号', '原系统账号', 'alias'],
} as const;

/** The rows of an alias file (XLSX or CSV with 登录名 and 别名 columns; 400 on a bad header or format). */
export async function readAliasRows(file: AsyncIterable<Uint8Array>): Promise<AliasImportRow[]> {
  const rows: AliasImportRow[] = [];
  const text = (c: Cell | undefined) => c?.text ?? '';
  for await (const { number, cells } of readColumns(
    readTable(file),
    importColumns,
    ['loginName', 'alias'],
    MAX_ALIAS_IMPORT_ROWS,
  )) {
    const broken = (['loginName', 'alias'] as const).find((f) => cells[f]?.problem);
    rows.push({
      row: number,
      loginName: text(cells.loginName).trim(),
      alias: normalizeAlias(text(cells.alias)),
      problem: broken ? messages.cellProblem(importColumns[broken][0], cells[broken]!.problem!) : undefined,
    });
  }
  return rows;
}

interface RowProblem {
  row: number;
  message: string;
}

/**
 * Imports aliases: every row is checked before anything is written (format, unknown login name, the
 * account outside the caller's jurisdiction, an alias that is a login name, another account's alias,
 * repeated in the file, or past MAX_ALIASES_PER_ACCOUNT). Any row outside the jurisdiction → 403
 * OUTSIDE_JURISDICTION; any other bad row → 400 IMPORT_INVALID; both name rows as `第 N 行：…` in
 * `details.rows`. Rows already in place count as `unchanged`. If another writer takes one of the aliases
 * while the import writes, the import removes what it wrote and answers 409 ALIAS_TAKEN.
 */
export async function importAliases(
  ac: AliasContext,
  rows: AliasImportRow[],
): Promise<{ rows: number; created: number; unchanged: number }> {
  const caller = requireManager(ac.binding);
  if (!rows.length) throw new ValidationError(messages.importEmpty, { property: 'file' }, 'IMPORT_EMPTY');
  const problems: RowProblem[] = [];
  const outside: RowProblem[] = [];
  const fail = (row: number, text: string) => problems.push({ row, message: messages.row(row, text) });

  const users = new Map<string, UserDoc>();
  for (const u of await User.find({ loginName: { $in: [...new Set(rows.map((r) => r.loginName))] } }).lean<
    UserDoc[]
  >())
    users.set(u.loginName, u);
  const aliases = [...new Set(rows.map((r) => r.alias).filter(Boolean))];
  const loginNamesTaken = new Set(
    (await User.find({ loginName: { $in: aliases } }, { loginName: 1 }).lean<UserDoc[]>()).map(
      (u) => u.loginName,
    ),
  );
  const existing = new Map(
    (await AccountAlias.find({ _id: { $in: aliases } }).lean<AccountAliasDoc[]>()).map((a) => [a._id, a]),
  );
  const perUser = new Map<string, number>();
  const countOf = async (user: UserDoc) => {
    const key = String(user._id);
    if (!perUser.has(key)) perUser.set(key, await AccountAlias.countDocuments({ userId: user._id }));
    return perUser.get(key)!;
  };

  const firstRowOf = new Map<string, number>();
  const toWrite: AccountAliasDoc[] = [];
  const importId = new Types.ObjectId().toHexString();
  const now = ac.clock();
  let unchanged = 0;
  for (const r of rows) {
    if (r.problem) {
      fail(r.row, r.problem);
      continue;
    }
    if (!r.loginName) {
      fail(r.row, messages.missing(importColumns.loginName[0]));
      continue;
    }
    if (!r.alias) {
      fail(r.row, messages.missing(importColumns.alias[0]));
      continue;
    }
    const shape = aliasShapeProblem(r.alias);
    if (shape) {
      fail(r.row, shape);
      continue;
    }
    const first = firstRowOf.get(r.alias);
    if (first !== undefined) {
      fail(r.row, messages.duplicateInFile(r.alias, first));
      continue;
    }
    firstRowOf.set(r.alias, r.row);
    const user = users.get(r.loginName);
    if (!user) {
      fail(r.row, messages.loginUnknown(r.loginName));
      continue;
    }
    if (!governsAccount(caller, user)) {
      outside.push({ row: r.row, message: messages.row(r.row, messages.outside) });
      continue;
    }
    if (loginNamesTaken.has(r.alias)) {
      fail(r.row, messages.takenByLogin(r.alias));
      continue;
    }
    const held = existing.get(r.alias);
    if (held?.userId.equals(user._id)) {
      unchanged++;
      continue;
    }
    if (held) {
      fail(r.row, messages.takenByAlias(r.alias));
      continue;
    }
    const count = (await countOf(user)) + 1;
    perUser.set(String(user._id), count);
    if (count > MAX_ALIASES_PER_ACCOUNT) {
      fail(r.row, messages.limit(MAX_ALIASES_PER_ACCOUNT));
      continue;
    }
    toWrite.push({ _id: r.alias, userId: user._id, importId, createdBy: ac.actor.userId, createdAt: now });
  }
  if (outside.length) {
    throw new ForbiddenError(
      messages.outsideRows(outside.length, outside[0].message),
      'OUTSIDE_JURISDICTION',
      {
        property: 'file',
        rows: outside.slice(0, ROWS_SHOWN),
      },
    );
  }
  if (problems.length) {
    const badRows = new Set(problems.map((p) => p.row)).size;
    throw new ValidationError(
      messages.importInvalid(badRows, problems[0].message),
      { property: 'file', badRows, errorCount: problems.length, rows: problems.slice(0, ROWS_SHOWN) },
      'IMPORT_INVALID',
    );
  }

  if (toWrite.length) {
    try {
      await AccountAlias.insertMany(toWrite, { ordered: false });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Someone took an alias between the check and the write: undo this import's own writes.
      await AccountAlias.deleteMany({ importId });
      throw new ConflictError(messages.raced, 'ALIAS_TAKEN', { property: 'file' });
    }
  }
  await recordAudit(ac.clock, ac.actor, {
    action: 'account.alias.import',
    targetType: 'region',
    targetId: caller.regionCode!,
    regionPath: [...caller.regionPath, caller.regionCode!],
    after: { rows: rows.length, created: toWrite.length, unchanged },
  });
  return { rows: rows.length, created: toWrite.length, unchanged };
}
