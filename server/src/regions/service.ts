import { Region, type RegionDoc } from './model';

// Jurisdiction lives in access/; these re-exports keep the old import paths working.
export { governsRegion } from '../access/rules';
export { getRegionWithin } from '../access/jurisdiction';

export async function childrenOf(code: string): Promise<RegionDoc[]> {
  return Region.find({ parentCode: code }).sort({ _id: 1 }).lean<RegionDoc[]>();
}
