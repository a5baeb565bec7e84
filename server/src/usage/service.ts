// Usage statistics for region super admins (seed 003 part 2: 区域超级管理员 … 数据统计（用户注册、应用分析）):
// registered and active users of a region by role, per direct subregion (drill-down), and logins per day.
import { actsAsSuper, REGION_LEVEL_LABELS, shanghaiParts, type RegionLevel } from '@eduprogress/shared';
import type { Binding, UserDoc } from '../accounts/model';
import { User } from '../accounts/model';
import type { Clock } from '../clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { governsRegion } from '../regions/service';
import { cachedChildren } from '../regions/tree';
import { LoginEvent } from './model';

const messages = {
  superOnly: '用户注册与应用分析仅区域超级管理员可查看',
  outside: '该地区不在您的管辖范围内',
  notFound: (code: string) => `地区 ${code} 不存在`,
  range: '开始日期不能晚于结束日期',
  tooLong: (max: number) => `查询区间最长 ${max} 天`,
  total: '合计',
  direct: '直属学校',
};

/** Longest logins-per-day range one request may ask for. */
export const MAX_DAYS = 92;

/**
 * The roles of seed 003's 角色列表, in its order: region super and special admins, the region staff of
 * seed 002 (管理员, 审核员, 视察员), school admins and teachers.
 */
export const USAGE_ROLES = [
  { key: 'region.super', label: '超级管理员' },
  { key: 'region.special', label: '专项管理员' },
  { key: 'region.admin', label: '管理员' },
  { key: 'region.auditor', label: '审核员' },
  { key: 'region.inspector', label: '视察员' },
  { key: 'school.admin', label: '学校管理员' },
  { key: 'teacher.teacher', label: '教师' },
] as const;

/** The region codes a binding sits in: its own region and ancestors (school/teacher: the managing region's). */
function bindingPath(b: Pick<Binding, 'kind' | 'regionCode' | 'regionPath'>): string[] {
  return b.kind === 'region' && b.regionCode ? [...b.regionPath, b.regionCode] : b.regionPath;
}

const dayOf = (at: Date): string => {
  const p = shanghaiParts(at);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
};

/** Records one login of `user` (called by every way a session starts). */
export async function recordLogin(clock: Clock, user: Pick<UserDoc, '_id' | 'bindings'>): Promise<void> {
  const at = clock();
  const paths = new Set<string>();
  for (const b of user.bindings) if (b.active) for (const c of bindingPath(b)) paths.add(c);
  await LoginEvent.create({ userId: user._id, at, day: dayOf(at), paths: [...paths] });
}

/** Seed 003: the super admin of a region; the national administrator stands in above the provinces. */
function requireSuper(binding: Binding | undefined): Binding {
  if (!binding || !actsAsSuper(binding)) throw new ForbiddenError(messages.superOnly, 'ROLE_FORBIDDEN');
  return binding;
}

export interface UsageQuery {
  /** A user is active who logged in within this many days up to today (default 30). */
  activeDays?: number;
  /** Logins per day from/to (Asia/Shanghai dates, default the last 30 days to today). */
  from?: string;
  to?: string;
}

type Counts = Record<string, number> & { total: number };
const zero = (): Counts =>
  Object.assign(Object.fromEntries(USAGE_ROLES.map((r) => [r.key, 0])), { total: 0 });

function shiftDay(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * 用户注册、应用分析 of region `code`: per role, the users registered (holding an active binding in the
 * region's subtree) and active (logged in within `activeDays`), for the whole region, each direct
 * subregion and the region's own staff and direct schools; and logins (and distinct users) per day.
 * 403 ROLE_FORBIDDEN for anyone but a super admin (or the national admin), 403 OUTSIDE_JURISDICTION
 * outside their region; 400 for a reversed or too long range.
 */
export async function usageOf(clock: Clock, binding: Binding | undefined, code: string, q: UsageQuery) {
  const caller = requireSuper(binding);
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.notFound(code), 'REGION_NOT_FOUND');
  if (!governsRegion(caller, region)) throw new ForbiddenError(messages.outside, 'OUTSIDE_JURISDICTION');
  const today = dayOf(clock());
  const to = q.to ?? today;
  const from = q.from ?? shiftDay(to, -29);
  if (from > to) throw new ValidationError(messages.range, { property: 'from' }, 'VALIDATION_FAILED');
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (span > MAX_DAYS)
    throw new ValidationError(messages.tooLong(MAX_DAYS), { property: 'from' }, 'VALIDATION_FAILED');
  const activeDays = q.activeDays ?? 30;
  const activeSince = shiftDay(today, -(activeDays - 1));

  const children = await cachedChildren(code);
  const rowKey = (path: string[]): string => children.find((c) => path.includes(c._id))?._id ?? 'own';
  const registered = new Map<string, Counts>([
    ['total', zero()],
    ['own', zero()],
    ...children.map((c) => [c._id, zero()] as [string, Counts]),
  ]);
  const active = new Map<string, Counts>([...registered.keys()].map((k) => [k, zero()]));

  const users = await User.find(
    { $or: [{ 'bindings.regionCode': code }, { 'bindings.regionPath': code }] },
    { bindings: 1 },
  ).lean<Pick<UserDoc, '_id' | 'bindings'>[]>();
  const recent = new Set(
    (
      await LoginEvent.find({ paths: code, day: { $gte: activeSince, $lte: today } }, { userId: 1 }).lean()
    ).map((e) => String(e.userId)),
  );
  for (const user of users) {
    const isActive = recent.has(String(user._id));
    const seen = new Set<string>();
    for (const b of user.bindings) {
      if (!b.active) continue;
      const path = bindingPath(b);
      if (!path.includes(code)) continue;
      const role = `${b.kind}.${b.role}`;
      for (const row of ['total', rowKey(path)]) {
        for (const key of [role, 'total']) {
          const mark = `${row}|${key}`;
          if (seen.has(mark)) continue;
          seen.add(mark);
          if (key in registered.get(row)!) {
            registered.get(row)![key]++;
            if (isActive) active.get(row)![key]++;
          }
        }
      }
    }
  }

  const logins = await LoginEvent.find(
    { paths: code, day: { $gte: from, $lte: to } },
    { day: 1, userId: 1 },
  ).lean();
  const perDay = new Map<string, { logins: number; users: Set<string> }>();
  for (let d = from; d <= to; d = shiftDay(d, 1)) perDay.set(d, { logins: 0, users: new Set() });
  for (const e of logins) {
    const entry = perDay.get(e.day)!;
    entry.logins++;
    entry.users.add(String(e.userId));
  }

  const row = (key: string, c: { code: string; name: string; level: RegionLevel | null }) => ({
    ...c,
    registered: registered.get(key)!,
    active: active.get(key)!,
  });
  return {
    region: {
      code: region._id,
      name: region.name,
      level: region.level,
      levelLabel: REGION_LEVEL_LABELS[region.level],
    },
    roles: USAGE_ROLES,
    activeDays,
    total: row('total', { code: region._id, name: messages.total, level: region.level }),
    children: [
      ...children.map((c) => row(c._id, { code: c._id, name: c.name, level: c.level })),
      row('own', {
        code: `${region._id}:direct`,
        name: `${region.name}（本级及${messages.direct}）`,
        level: null,
      }),
    ],
    logins: {
      from,
      to,
      days: [...perDay].map(([day, v]) => ({ day, logins: v.logins, users: v.users.size })),
    },
  };
}
