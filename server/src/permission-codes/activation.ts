// Activation progress (seed 003 part 3): how many of a region's subordinate units have bound their admins.
import { NATIONAL_CODE, percent, scopeOf, type RegionLevel } from '@eduprogress/shared';
import { Types } from 'mongoose';
import { MANAGER_ROLES } from '../schools/admin-accounts';
import { User, type Binding, type UserDoc } from '../accounts/model';
import { ForbiddenError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { getRegionWithin } from '../regions/service';
import { School } from '../schools/model';
import { messages } from './policy';

// ---------------------------------------------------------------------------------------------
// Activation progress (seed 003 part 3)

export interface ActivationRow {
  code: string | null;
  name: string;
  level: RegionLevel | null;
  schoolsTotal: number;
  schoolsActivated: number;
  schoolActivationRate: number | null;
  /** Null on the direct-schools row ("--" in the seed's table). */
  regionsTotal: number | null;
  regionsActivated: number | null;
  regionActivationRate: number | null;
  /** Regions (self and below) with at least one activated school in their subtree (学校管理员覆盖区域数). */
  coveredRegions: number | null;
}

/** part ÷ total as the API's rates read: a percentage with two decimals (shared/src/api/rates.ts). */
function rate(part: number, total: number): number | null {
  return percent(part, total);
}

async function countByRegion(filter: Record<string, unknown>): Promise<Map<string, number>> {
  const rows = await School.aggregate<{ _id: string; n: number }>([
    { $match: filter },
    { $group: { _id: '$regionCode', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id, r.n]));
}

/**
 * A school counts as activated when it is initialized, or when its active admin has completed the first
 * login (changed the initial password) and is not locked. A region counts as activated when an unlocked
 * user holds an active manager binding (admin, super or special) there. Counted with `$group`/`$sum`
 * over the denormalised paths; no `$lookup`.
 */
export async function activationProgress(binding: Binding | undefined, code: string) {
  if (!binding || binding.kind !== 'region') {
    throw new ForbiddenError(messages.outsideTarget, 'OUTSIDE_JURISDICTION');
  }
  const region = await getRegionWithin(binding, code);
  const below = await Region.find(code === NATIONAL_CODE ? { _id: { $ne: code } } : { path: code }).lean<
    RegionDoc[]
  >();
  const byCode = new Map<string, RegionDoc>([[code, region], ...below.map((r) => [r._id, r] as const)]);

  const totals = await countByRegion({ regionPath: code });
  const activated = await countByRegion({ regionPath: code, initialized: true });
  // Schools not yet initialized whose admin has completed the first login.
  const adminDone = new Set<string>();
  const schoolAdmins = User.find({
    'bindings.kind': 'school',
    $or: [{ 'bindings.regionPath': code }, { 'bindings.regionCode': code }],
    mustChangePassword: false,
    locked: false,
  })
    .select('bindings')
    .lean<UserDoc[]>()
    .cursor();
  for await (const u of schoolAdmins as AsyncIterable<UserDoc>) {
    for (const b of u.bindings) {
      if (b.kind === 'school' && b.role === 'admin' && b.active && b.schoolId)
        adminDone.add(String(b.schoolId));
    }
  }
  const ids = [...adminDone];
  for (let i = 0; i < ids.length; i += 5000) {
    const extra = await countByRegion({
      _id: { $in: ids.slice(i, i + 5000).map((id) => new Types.ObjectId(id)) },
      regionPath: code,
      initialized: false,
    });
    for (const [rc, n] of extra) activated.set(rc, (activated.get(rc) ?? 0) + n);
  }

  const activeRegions = new Set<string>();
  const regionUsers = User.find({
    'bindings.kind': 'region',
    ...(code === NATIONAL_CODE
      ? {}
      : { $or: [{ 'bindings.regionPath': code }, { 'bindings.regionCode': code }] }),
    locked: false,
  })
    .select('bindings')
    .lean<UserDoc[]>()
    .cursor();
  for await (const u of regionUsers as AsyncIterable<UserDoc>) {
    for (const b of u.bindings) {
      if (
        b.kind === 'region' &&
        b.active &&
        b.regionCode &&
        MANAGER_ROLES.includes(b.role) &&
        byCode.has(b.regionCode)
      )
        activeRegions.add(b.regionCode);
    }
  }

  // A region is covered when its subtree holds an activated school: mark each such school's ancestors.
  const covered = new Set<string>();
  for (const [rc, n] of activated) {
    const r = byCode.get(rc);
    if (!r || n === 0) continue;
    for (const c of scopeOf(r.path, rc)) if (byCode.has(c)) covered.add(c);
  }

  // Rows: the direct children, looking through placeholder rows (市辖区) to the real regions below them.
  const childCodes: string[] = [];
  for (const r of below.filter((x) => x.parentCode === code).sort((a, b) => a._id.localeCompare(b._id))) {
    if (!r.placeholder) childCodes.push(r._id);
    else
      childCodes.push(
        ...below
          .filter((x) => x.parentCode === r._id)
          .map((x) => x._id)
          .sort(),
      );
  }
  const rowOf = (r: RegionDoc): string | undefined => [r._id, ...r.path].find((c) => childCodes.includes(c));

  const empty = () => ({ schools: 0, schoolsOn: 0, regions: 0, regionsOn: 0, covered: 0 });
  const acc = new Map<string, ReturnType<typeof empty>>([
    [code, empty()],
    ...childCodes.map((c) => [c, empty()] as const),
  ]);
  const all = empty();
  for (const r of byCode.values()) {
    const schools = totals.get(r._id) ?? 0;
    const schoolsOn = activated.get(r._id) ?? 0;
    all.schools += schools;
    all.schoolsOn += schoolsOn;
    const row = r._id === code ? code : rowOf(r);
    const target = row ? acc.get(row) : undefined;
    if (target) {
      target.schools += schools;
      target.schoolsOn += schoolsOn;
    }
    if (r.placeholder) continue;
    const on = activeRegions.has(r._id) ? 1 : 0;
    const cov = covered.has(r._id) ? 1 : 0;
    all.regions += 1;
    all.regionsOn += on;
    all.covered += cov;
    if (target && row !== code) {
      target.regions += 1;
      target.regionsOn += on;
      target.covered += cov;
    }
  }

  const toRow = (r: RegionDoc | null, a: ReturnType<typeof empty>, schoolsOnly = false): ActivationRow => ({
    code: r ? r._id : null,
    name: r ? r.name : messages.directSchools,
    level: r ? r.level : null,
    schoolsTotal: a.schools,
    schoolsActivated: a.schoolsOn,
    schoolActivationRate: rate(a.schoolsOn, a.schools),
    regionsTotal: schoolsOnly ? null : a.regions,
    regionsActivated: schoolsOnly ? null : a.regionsOn,
    regionActivationRate: schoolsOnly ? null : rate(a.regionsOn, a.regions),
    coveredRegions: schoolsOnly ? null : a.covered,
  });
  return {
    region: { code: region._id, name: region.name, level: region.level },
    totals: toRow(region, all),
    direct: toRow(null, acc.get(code)!, true),
    children: childCodes.map((c) => toRow(byCode.get(c)!, acc.get(c)!)),
  };
}
