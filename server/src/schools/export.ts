// Exporting schools and the import template's region list (seed 000 part 2 §2.4).
import { isWithin } from '@eduprogress/shared';
import { governsRegion, isRegionBinding } from '../access/rules';
import { User, type Binding } from '../accounts/model';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { type RegionDoc } from '../regions/model';
import { Caller, findRegion, managingProblem, messages, regionIndex, requireRegionAdmin } from './common';
import { School, type SchoolDoc } from './model';

// ---------------------------------------------------------------------------------------------
// Export and template support

/** A region the caller may export from (region admins of it or above). */
export async function exportableRegion(caller: Caller, code: string): Promise<RegionDoc> {
  const binding = caller.binding;
  const region = await findRegion(code);
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  if (!isRegionBinding(binding) || !governsRegion(binding, region)) {
    throw new ForbiddenError(messages.outsideRegion(region.name), 'OUTSIDE_JURISDICTION');
  }
  requireRegionAdmin(binding);
  return region;
}

export interface SchoolAdminAccount {
  loginName: string;
  name: string;
  locked: boolean;
}

/** School admins of the schools in scope, by school id (one query, not one per school). */
export async function schoolAdminsByRegion(
  code: string,
  direct: boolean,
): Promise<Map<string, SchoolAdminAccount[]>> {
  const users = await User.find(direct ? { 'bindings.regionCode': code } : { 'bindings.regionPath': code }, {
    loginName: 1,
    name: 1,
    locked: 1,
    bindings: 1,
  })
    .sort({ loginName: 1 })
    .lean<{ loginName: string; name: string; locked?: boolean; bindings: Binding[] }[]>();
  const bySchool = new Map<string, SchoolAdminAccount[]>();
  for (const u of users) {
    for (const b of u.bindings) {
      if (b.kind !== 'school' || b.role !== 'admin' || !b.schoolId) continue;
      if (direct ? b.regionCode !== code : !b.regionPath.includes(code)) continue;
      const key = String(b.schoolId);
      const list = bySchool.get(key) ?? [];
      list.push({ loginName: u.loginName, name: u.name, locked: Boolean(u.locked) });
      bySchool.set(key, list);
    }
  }
  return bySchool;
}

/** The schools of a region (or only its direct ones), in a stable order, as a cursor. */
export function regionSchoolsCursor(code: string, direct: boolean) {
  const filter = direct ? { regionCode: code } : { regionPath: code };
  return School.find(filter).sort({ regionCode: 1, name: 1 }).lean<SchoolDoc[]>().cursor();
}

/** A region and every region below it, in code order (the export's 所属地区, the template's codes). */
export async function regionsUnder(code: string): Promise<RegionDoc[]> {
  const all = [...(await regionIndex()).values()];
  return all.filter((r) => isWithin(r.path, r._id, code)).sort((a, b) => a._id.localeCompare(b._id));
}

/** The regions a caller can put schools under: for the import template's 地区代码 sheet. */
export async function templateRegions(caller: Caller): Promise<RegionDoc[]> {
  const binding = requireRegionAdmin(caller.binding);
  const regions = await regionsUnder(binding.regionCode);
  return regions.filter((r) => !managingProblem(r));
}
