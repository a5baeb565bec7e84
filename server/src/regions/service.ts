import type { Binding } from '../accounts/model';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { Region, type RegionDoc } from './model';

const messages = {
  notFound: (code: string) => `地区 ${code} 不存在`,
  outside: '该地区不在您的管辖范围内',
};

/** A region binding governs its own region and everything below it; other bindings govern no region. */
export function governsRegion(
  binding: Binding | undefined,
  region: Pick<RegionDoc, '_id' | 'path'>,
): boolean {
  if (!binding || binding.kind !== 'region' || !binding.regionCode) return false;
  return region._id === binding.regionCode || region.path.includes(binding.regionCode);
}

export async function getRegionWithin(binding: Binding | undefined, code: string): Promise<RegionDoc> {
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.notFound(code), 'REGION_NOT_FOUND');
  if (!governsRegion(binding, region)) throw new ForbiddenError(messages.outside, 'OUTSIDE_JURISDICTION');
  return region;
}

export async function childrenOf(code: string): Promise<RegionDoc[]> {
  return Region.find({ parentCode: code }).sort({ _id: 1 }).lean<RegionDoc[]>();
}
