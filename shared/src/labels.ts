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

/**
 * A deadline instant (ISO 8601, any offset) as users read it, in Beijing time. A deadline at midnight is
 * the end of the day before: `2027-01-06T00:00:00+08:00` → `2027年1月5日 24:00` (`10月5日 24:00` with
 * `year: false`); any other instant reads `2027年1月5日 18:30`. With `start: true` the instant opens a
 * span, so midnight reads as the start of its day: `2027年1月6日 00:00`. Empty or unparsable input → `''`.
 */
export function deadlineLabel(
  iso: string | null | undefined,
  opts: { year?: boolean; start?: boolean } = {},
): string {
  const t = Date.parse(iso ?? '');
  if (Number.isNaN(t)) return '';
  const beijing = new Date(t + 8 * 3600_000);
  const midnight = !opts.start && beijing.getUTCHours() === 0 && beijing.getUTCMinutes() === 0;
  const d = midnight ? new Date(beijing.getTime() - 60_000) : beijing;
  const day = `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  const time = midnight
    ? '24:00'
    : `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${opts.year === false ? '' : `${d.getUTCFullYear()}年`}${day} ${time}`;
}

/**
 * An opening instant (ISO 8601, any offset) as users read it, in Beijing time: the start of a day, so
 * midnight stays on its own day, `2027-01-01T00:00:00+08:00` → `2027年1月1日 0:00`; any other instant
 * reads as {@link deadlineLabel} does (`2027年1月1日 09:30`). Empty or unparsable input → `''`.
 */
export function opensAtLabel(iso: string | null | undefined, opts: { year?: boolean } = {}): string {
  const t = Date.parse(iso ?? '');
  if (Number.isNaN(t)) return '';
  const d = new Date(t + 8 * 3600_000);
  if (d.getUTCHours() !== 0 || d.getUTCMinutes() !== 0) return deadlineLabel(iso, opts);
  const year = opts.year === false ? '' : `${d.getUTCFullYear()}年`;
  return `${year}${d.getUTCMonth() + 1}月${d.getUTCDate()}日 0:00`;
}
