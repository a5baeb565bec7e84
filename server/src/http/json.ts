// The one JSON serializer of API responses: Koa would print a `Date` left in a body as UTC `…Z`; here
// every `Date` becomes the API's one date format, `YYYY-MM-DDTHH:mm:ss+08:00` (shared/src/api/dates.ts).
import type { Middleware } from 'koa';
import { apiJsonReplacer } from '@eduprogress/shared';

/** A body Koa would serialize as JSON: a plain object or array (not a Buffer, stream or string). */
function isJsonBody(body: unknown): body is object {
  if (body === null || typeof body !== 'object') return false;
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return false;
  return typeof (body as { pipe?: unknown }).pipe !== 'function';
}

/**
 * Serializes JSON bodies with {@link apiJsonReplacer} once the inner middleware is done (errors
 * included, so it sits outside the error renderer). Other bodies pass as they are.
 */
export function apiJson(): Middleware {
  return async (ctx, next) => {
    await next();
    if (!isJsonBody(ctx.body)) return;
    const json = JSON.stringify(ctx.body, apiJsonReplacer);
    const status = ctx.status;
    ctx.body = json;
    // Setting a string body resets the type to text: keep JSON and the status already chosen.
    ctx.type = 'application/json';
    ctx.status = status;
  };
}
