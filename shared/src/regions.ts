// Region codes: GB/T 2260, six digits. Pure helpers, no I/O.
import { NATIONAL_CODE, type RegionLevel } from './domain';

/** Pads the 2/4/6-digit codes used by data packages to six digits: "35" → "350000". */
export function toSixDigitCode(code: string): string {
  if (!/^\d{2}(\d{2}){0,2}$/.test(code)) throw new Error(`不是合法的行政区划代码：${code}`);
  return code.padEnd(6, '0');
}

export function levelOfCode(code: string): RegionLevel {
  if (code === NATIONAL_CODE) return 'national';
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

/** True when `code` is `ancestor` itself or lies under it, judged from an ancestor path. */
export function isWithin(path: readonly string[], ownCode: string, ancestor: string): boolean {
  return ownCode === ancestor || path.includes(ancestor);
}
