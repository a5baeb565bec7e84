// One date format on the wire: every instant the API sends is ISO 8601 in Shanghai time with an explicit
// offset and whole seconds, `2026-10-05T23:59:59+08:00` (never UTC `…Z`). Services format with
// `toApiDateTime`; the server's JSON serializer (server/src/http/json.ts) turns any `Date` left in a
// response into the same form, so nothing slips through as `Z`.
import { toShanghaiIso } from '../calendar';

/** An instant as the API prints it: `YYYY-MM-DDTHH:mm:ss+08:00`. */
export type ApiDateTime = string;

/** The pattern every {@link ApiDateTime} matches. */
export const API_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

/** An instant → {@link ApiDateTime} (milliseconds dropped). */
export function toApiDateTime(instant: Date): ApiDateTime {
  return toShanghaiIso(instant);
}

/** A `JSON.stringify` replacer writing every `Date` as an {@link ApiDateTime} (invalid dates as null). */
export function apiJsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown> | undefined)?.[key];
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : toShanghaiIso(raw);
  return value;
}
