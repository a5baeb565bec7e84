// Jurisdiction loaders: fetch a region or school and refuse (403) one outside the caller's jurisdiction,
// on the predicates of rules.ts. Messages are the ones every feature showed before they moved here.
import type { Binding } from '../accounts/model';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { Region, type RegionDoc } from '../regions/model';
import { School, type SchoolDoc } from '../schools/model';
import { governsRegion, governsSchool, isManager, type RegionBinding } from './rules';

const messages = {
  regionNotFound: (code: string) => `地区 ${code} 不存在`,
  regionOutside: '该地区不在您的管辖范围内',
  schoolNotFound: '学校不存在',
  schoolOutside: '该学校不在您的管辖范围内',
};

/** The region `code` if the binding governs it: 404 REGION_NOT_FOUND, 403 OUTSIDE_JURISDICTION. */
export async function getRegionWithin(binding: Binding | undefined, code: string): Promise<RegionDoc> {
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  if (!governsRegion(binding, region))
    throw new ForbiddenError(messages.regionOutside, 'OUTSIDE_JURISDICTION');
  return region;
}

/**
 * The school `schoolId` if a region binding governs it (school bindings do not): 404 SCHOOL_NOT_FOUND,
 * 403 OUTSIDE_JURISDICTION.
 */
export async function getSchoolWithin(binding: Binding | undefined, schoolId: string): Promise<SchoolDoc> {
  const school = await School.findById(schoolId).lean<SchoolDoc>();
  if (!school) throw new NotFoundError(messages.schoolNotFound, 'SCHOOL_NOT_FOUND');
  if (!governsSchool(binding, school))
    throw new ForbiddenError(messages.schoolOutside, 'OUTSIDE_JURISDICTION');
  return school;
}

/** The binding if it is a region manager (admin, super, special); 403 ROLE_FORBIDDEN with `message` else. */
export function requireManager(binding: Binding | undefined, message: string): RegionBinding {
  if (!isManager(binding)) throw new ForbiddenError(message, 'ROLE_FORBIDDEN');
  return binding;
}
