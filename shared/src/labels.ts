// How users read periods and deadlines, in the app and the bot alike (codes such as 2026Q4 and ISO
// instants stay in the API). Pure helpers, no I/O; Beijing time (UTC+8, no DST).

/**
 * A period code as users read it: `2026Q3` → `2026年第3季度`, `2026-11` → `2026年11月`; anything else is
 * returned unchanged. Source: DESIGN.md, reporting calendar (quarterly and monthly periods).
 */
export function periodLabel(name: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(name);
  if (q) return `${q[1]}年第${q[2]}季度`;
  const m = /^(\d{4})-(\d{2})$/.exec(name);
  return m ? `${m[1]}年${Number(m[2])}月` : name;
}

/** An instant in Beijing time, `2027年1月5日 18:30`; a midnight deadline reads as 24:00 of the day before. */
function instantLabel(iso: string | null | undefined, year: boolean, midnightEndsDay: boolean): string {
  const t = Date.parse(iso ?? '');
  if (Number.isNaN(t)) return '';
  const beijing = new Date(t + 8 * 3600_000);
  const midnight = midnightEndsDay && beijing.getUTCHours() === 0 && beijing.getUTCMinutes() === 0;
  const d = midnight ? new Date(beijing.getTime() - 60_000) : beijing;
  const day = `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  const time = midnight
    ? '24:00'
    : `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${year ? `${d.getUTCFullYear()}年` : ''}${day} ${time}`;
}

/**
 * A deadline instant (ISO 8601, any offset) as users read it, in Beijing time. A deadline at midnight is
 * the end of the day before: `2027-01-06T00:00:00+08:00` → `2027年1月5日 24:00` (`1月5日 24:00` with
 * `year: false`); any other instant reads `2027年1月5日 18:30`. Empty or unparsable input → `''`.
 */
export function deadlineLabel(iso: string | null | undefined, opts: { year?: boolean } = {}): string {
  return instantLabel(iso, opts.year !== false, true);
}

/**
 * An opening instant (a window's start, ISO 8601, any offset) as users read it, in Beijing time: midnight
 * stays on its own day, `2027-01-01T00:00:00+08:00` → `2027年1月1日 00:00` (as the bot words a window:
 * `10月1日 00:00 至 10月5日 24:00`); any other instant reads `2027年1月1日 09:30`. Empty or unparsable
 * input → `''`.
 */
export function opensAtLabel(iso: string | null | undefined, opts: { year?: boolean } = {}): string {
  return instantLabel(iso, opts.year !== false, false);
}
