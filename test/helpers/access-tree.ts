// The small region tree the access rule tables use (no database): the nation, two provinces, a city with
// two districts, one city of the other province.

/** Each region's ancestors, root first, itself excluded (a region's `path`). */
export const ANCESTORS: Record<string, string[]> = {
  '000000': [],
  '350000': ['000000'],
  '350100': ['000000', '350000'],
  '350102': ['000000', '350000', '350100'],
  '350103': ['000000', '350000', '350100'],
  '440000': ['000000'],
  '440100': ['000000', '440000'],
};

/** A region's parent code (null for the nation). */
export const parentOf = (code: string): string | null => ANCESTORS[code].at(-1) ?? null;
