// Every request has a time limit: a handler stuck on the database answers 503 with a zh-CN message
// instead of leaving the client's socket open. The handler itself runs on (its database calls have
// their own limit, DB_TIMEOUT_MS); whatever it produces later is discarded.
import type { Middleware } from 'koa';
import { ServiceUnavailableError } from './errors';

const messages = {
  // The handler may still finish after the answer went out: a write's outcome is unknown, not "failed".
  timedOut: (seconds: number) =>
    `服务器繁忙，请求未能在 ${seconds} 秒内完成；如为提交或修改操作，请稍后刷新查看是否已生效`,
};

/** Routes that read or write whole files (imports) get this long instead of REQUEST_TIMEOUT_MS. */
export const LONG_REQUEST_MS = 15 * 60_000;

/**
 * Middleware: fails the request with 503 `REQUEST_TIMEOUT` (and `Retry-After: 5`) when the rest of
 * the chain has not finished within `ms` milliseconds; `0` turns the limit off.
 */
export function timeLimit(ms: number): Middleware {
  return async (ctx, next) => {
    if (!ms) return next();
    let timer: NodeJS.Timeout | undefined;
    const work = next();
    // Once the limit has passed, the handler's own outcome is no longer anyone's to report.
    work.catch(() => {});
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctx.set('Retry-After', '5');
        reject(new ServiceUnavailableError(messages.timedOut(Math.ceil(ms / 1000)), 'REQUEST_TIMEOUT'));
      }, ms);
    });
    try {
      await Promise.race([work, expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
