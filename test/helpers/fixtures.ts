import { Types } from 'mongoose';
import type { Role } from '@eduprogress/shared';
import { User } from '../../server/src/accounts/model';
import { hashPassword } from '../../server/src/accounts/passwords';
import {
  regionRoleBinding,
  schoolAdminBinding,
  teacherBinding,
  userWith,
  type NewBinding,
} from '../../server/src/accounts/factories';
import { Region } from '../../server/src/regions/model';
import { School, type SchoolDoc } from '../../server/src/schools/model';

export const PASSWORD = 'Pass12345';
let cachedHash: Promise<string> | undefined;

/** A user bound to a role of a region (`role`: a shared `Role`, as a string); logs in with PASSWORD. */
export async function regionUser(loginName: string, regionCode: string, role: string) {
  const region = await Region.findById(regionCode).lean();
  if (!region) throw new Error(`no region ${regionCode}`);
  return User.create(
    userWith(loginName, [regionRoleBinding(role as Role, region)], { passwordHash: await passwordHash() }),
  );
}

/** A binding as tests write it (the server fills `_id`; `active` defaults to true). */
export type BindingInput = NewBinding;

/** The shared fixture factories (server/src/accounts/factories.ts), for tests that build users by hand. */
export { regionRoleBinding, schoolAdminBinding, teacherBinding, userWith };

/** The password hash of PASSWORD (computed once). */
export const passwordHash = (): Promise<string> => (cachedHash ??= hashPassword(PASSWORD));

async function pathOf(code: string): Promise<string[]> {
  const region = await Region.findById(code).lean();
  if (!region) throw new Error(`no region ${code}`);
  return region.path;
}

export async function regionBinding(role: string, code: string, active = true): Promise<BindingInput> {
  return regionRoleBinding(role as Role, code, await pathOf(code), { active });
}

/** The school's admin binding, or a teacher's binding to it. */
export function schoolBinding(s: SchoolDoc, kind: 'school' | 'teacher' = 'school'): BindingInput {
  return kind === 'school' ? schoolAdminBinding(s) : teacherBinding(s);
}

/** `school()` as a plain object. */
export async function plainSchool(name: string, regionCode: string, extra: Partial<SchoolDoc> = {}) {
  return (await school(name, regionCode, extra)).toObject<SchoolDoc>();
}

/** A school managed by `regionCode` (a county, or a city/province for direct schools). */
export async function school(name: string, regionCode: string, extra: Partial<SchoolDoc> = {}) {
  const region = await Region.findById(regionCode).lean();
  if (!region) throw new Error(`no region ${regionCode}`);
  return School.create({
    name,
    type: '小学',
    regionCode,
    regionPath: [...region.path, regionCode],
    ...extra,
  });
}

export async function schoolAdmin(
  loginName: string,
  s: { _id: Types.ObjectId; regionCode: string; regionPath: string[] },
) {
  return User.create(userWith(loginName, [schoolAdminBinding(s)], { passwordHash: await passwordHash() }));
}

/** A clock tests move by hand. */
export function manualClock(iso: string) {
  let now = new Date(iso);
  const clock = () => new Date(now);
  return Object.assign(clock, {
    set(next: string) {
      now = new Date(next);
    },
  });
}

/**
 * Marks an account's first login as done (password changed, profile completed), as the account's owner
 * would through `/auth/password` and `/me/profile`; for tests that act as a bootstrap or created account.
 */
export async function finishFirstLogin(loginName: string): Promise<void> {
  await User.updateOne({ loginName }, { $set: { mustChangePassword: false, profileCompleted: true } });
}

/**
 * A minimal region tree (全国 → 福建省 → 福州市 → 鼓楼区, 台江区) for tests that write regions themselves
 * instead of seeding the whole country; `miniRegionPath(code)` is a unit's path including itself.
 */
export const miniRegions = [
  { _id: '000000', name: '全国', level: 'national', parentCode: null, path: [], countyLevel: false },
  {
    _id: '350000',
    name: '福建省',
    level: 'province',
    parentCode: '000000',
    path: ['000000'],
    countyLevel: false,
  },
  {
    _id: '350100',
    name: '福州市',
    level: 'city',
    parentCode: '350000',
    path: ['000000', '350000'],
    countyLevel: false,
  },
  {
    _id: '350102',
    name: '鼓楼区',
    level: 'county',
    parentCode: '350100',
    path: ['000000', '350000', '350100'],
    countyLevel: true,
  },
  {
    _id: '350103',
    name: '台江区',
    level: 'county',
    parentCode: '350100',
    path: ['000000', '350000', '350100'],
    countyLevel: true,
  },
];

export const miniRegionPath = (code: string): string[] => [
  ...miniRegions.find((r) => r._id === code)!.path,
  code,
];
