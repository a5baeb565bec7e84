// Personal data in lists is masked as in seed 003 unless the caller manages that person.

/** 13812344708 → 138****4708 */
export function maskMobile(mobile: string | undefined | null): string | undefined {
  if (!mobile) return undefined;
  if (mobile.length < 7) return '*'.repeat(mobile.length);
  return `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;
}

/** 350102199001010375 → 35*****0375 (seed 003's by-teacher list) */
export function maskIdNumber(id: string | undefined | null): string | undefined {
  if (!id) return undefined;
  if (id.length < 6) return '*'.repeat(id.length);
  return `${id.slice(0, 2)}*****${id.slice(-4)}`;
}

/** zhang.san@example.cn → z***@example.cn */
export function maskEmail(email: string | undefined | null): string | undefined {
  if (!email) return undefined;
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
