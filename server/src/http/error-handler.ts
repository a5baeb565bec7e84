import type { Context, Next } from 'koa';
import { AppError, type ErrorCode } from './errors';

const messages = {
  internal: '服务器内部错误，请稍后再试',
  notFound: '接口不存在',
  methodNotAllowed: '不支持该请求方法',
  badJson: '请求体不是合法的 JSON',
  tooLarge: '请求体过大',
  badEncoding: '请求体编码不受支持',
  databaseUnavailable: '数据库暂时无法响应，请稍后重试',
};

/** Driver errors that mean "the database did not answer (in time)", not "the request was wrong". */
const UNAVAILABLE_ERRORS = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoOperationTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoWaitQueueTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoClientClosedError',
  'MongoPoolClosedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
]);

/** True for a database that did not answer: a network or time-out error, or `maxTimeMS` (code 50) expired. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.name === 'string' && UNAVAILABLE_ERRORS.has(e.name)) return true;
  if (e.name === 'MongoServerError' && e.code === 50) return true;
  // mongoose waiting for a connection that does not come ("Operation `x` buffering timed out").
  if (e.name === 'MongooseError' && /buffering timed out/.test(String((err as Error).message))) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** Maps anything thrown below to an error envelope; unexpected errors become a 500 without internals. */
export function errorHandler() {
  return async function renderErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = envelope('NOT_FOUND', messages.notFound);
      } else if (ctx.status === 405 && (ctx.body === undefined || typeof ctx.body === 'string')) {
        ctx.status = 405;
        ctx.body = envelope('METHOD_NOT_ALLOWED', messages.methodNotAllowed);
      }
    } catch (err) {
      const rendered = toEnvelope(err);
      ctx.status = rendered.status;
      ctx.body = rendered.body;
      if (err instanceof AppError || rendered.body.error.code === 'DATABASE_UNAVAILABLE') {
        // A condition we name (a 503 time limit, a database that did not answer): one line, no stack.
        if (rendered.status >= 500)
          ctx.state.log?.warn(
            { code: rendered.body.error.code, method: ctx.method, path: ctx.path },
            rendered.body.error.message,
          );
      } else if (rendered.status >= 500) {
        ctx.state.log?.error({ err }, 'unhandled error');
      }
    }
  };
}

function envelope(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

function toEnvelope(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return { status: err.status, body: envelope(err.code, err.message, err.details) };
  }
  if (isDatabaseUnavailable(err))
    return { status: 503, body: envelope('DATABASE_UNAVAILABLE', messages.databaseUnavailable) };
  const e = err as { status?: number; type?: string; expose?: boolean };
  // Errors raised by the body parser (http-errors with `expose`): client mistakes, never 500s.
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    if (e.type === 'entity.parse.failed' || err instanceof SyntaxError)
      return { status: 400, body: envelope('INVALID_JSON', messages.badJson) };
    if (e.type === 'entity.too.large')
      return { status: 413, body: envelope('PAYLOAD_TOO_LARGE', messages.tooLarge) };
    if (e.type === 'encoding.unsupported' || e.status === 415)
      return { status: e.status, body: envelope('UNSUPPORTED_ENCODING', messages.badEncoding) };
    return { status: e.status, body: envelope('BAD_REQUEST', messages.badJson) };
  }
  return { status: 500, body: envelope('INTERNAL', messages.internal) };
}
