// Checks on what people type as names and identity numbers. Pure, no I/O; the server validates every
// name field through the JSON-Schema keyword `x-display-name` built on `nameProblem`.

/** Why a name is unacceptable, as a zh-CN sentence; null when it is fine. */
export function nameProblem(value: string): string | null {
  // Control characters (C0, DEL, C1): never typed, often pasted from spreadsheets or terminals.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return '不能包含控制字符';
  // A lone surrogate is no character at all: it cannot be stored or shown as text.
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value))
    return '包含无法显示的字符（不成对的代理项）';
  // Bidirectional overrides and isolates turn the displayed order around (名称伪装).
  if (/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/.test(value)) return '不能包含文字方向控制符';
  if (!value.trim()) return '不能为空';
  // Nothing visible: spaces, zero-width and other format characters only.
  if (!/[^\s\p{Cf}\p{Zs}\u3164\u115f\u1160\uffa0\u2800]/u.test(value)) return '不能只由空白或不可见字符组成';
  return null;
}

/** True when `value` is acceptable as a name (see {@link nameProblem}). */
export const isCleanName = (value: string): boolean => nameProblem(value) === null;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * A 居民身份证 number per GB 11643-1999: 17 digits (6 of address, 8 of a real birth date, 3 of sequence)
 * and the ISO 7064 MOD 11-2 check character (0–9 or X). Excel's damage — 17 digits, `…000` after a
 * number lost its precision, `3.50102E+17` — fails here.
 */
export function isValidResidentIdNumber(value: string): boolean {
  const id = value.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17];
}
