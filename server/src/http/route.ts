// Declarative routes: one definition feeds both the Koa router and the OpenAPI document, so the
// schemas that validate requests are exactly the schemas that are published.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { timeLimit } from './time-limit';
import { ForbiddenError, ValidationError } from './errors';
import { assertValid, compileValidator, type JsonSchema } from './validation';

const messages = {
  firstLogin: '首次登录（或密码被重置）后须先修改密码，完成首次登录步骤后才能进行其他操作',
  noBody: '该接口不接受请求体，请不要在请求中附带内容',
};

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDefinition {
  method: Method;
  /** Koa path, e.g. `/regions/:code`; published as `/regions/{code}`. */
  path: string;
  summary: string;
  tags?: string[];
  /** Middleware run before validation, e.g. authentication. */
  before?: Middleware[];
  /** Marks the route as requiring a bearer token in the OpenAPI document. */
  auth?: boolean;
  /**
   * Open to an account that still has to change its initial or reset password (the first-login steps:
   * change password, complete profile, link WeChat, read /me, log out). Every other authenticated route answers such
   * an account 403 FIRST_LOGIN_REQUIRED (seed 000 §4.1: the initial password must be changed first).
   */
  firstLogin?: boolean;
  /** The handler reads the request body itself (a file upload): no JSON body check here. */
  upload?: boolean;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** Status → description (and optional schema) for the document. */
  responses?: Record<string, { description: string; schema?: JsonSchema }>;
  /** This route's time limit, ms, instead of the default (e.g. LONG_REQUEST_MS for imports); 0: none. */
  timeoutMs?: number;
  handler: (ctx: Context) => Promise<void> | void;
}

export interface ValidatedRequest<B = any, Q = any, P = any> {
  body: B;
  query: Q;
  params: P;
}

/**
 * Mounts each route: time limit (route's own or `requestTimeoutMs`, which covers authentication too),
 * then `before`, validation, handler.
 */
export function registerRoutes(
  router: Router,
  routes: RouteDefinition[],
  opts: {
    requestTimeoutMs?: number;
    /** Further first-login steps (e.g. first-login/region-form.ts): throws to refuse the route. */
    firstLoginSteps?: (ctx: Context, route: RouteDefinition) => Promise<void>;
    /** Checks a `period` path or query parameter once validated (calendar/askable-periods.ts); throws to refuse. */
    checkPeriod?: (period: string) => void;
  } = {},
): void {
  for (const route of routes) {
    const validators = {
      params: route.params && compileValidator('params', route.params),
      query: route.query && compileValidator('query', route.query),
      body: route.body && compileValidator('body', route.body),
    };
    const validate: Middleware = async (ctx, next) => {
      const input: ValidatedRequest = { body: undefined, query: {}, params: {} };
      // Every request part is checked: a route without a query schema accepts no query parameters.
      const query = { ...ctx.query };
      input.query = assertValid(
        'query',
        validators.query ?? noFields.query,
        route.query ?? emptyObject,
        query,
      );
      const params = { ...ctx.params };
      input.params = route.params ? assertValid('params', validators.params!, route.params, params) : params;
      for (const part of [input.params, input.query] as Record<string, unknown>[])
        if (typeof part.period === 'string') opts.checkPeriod?.(part.period);
      if (route.body) {
        const body = (ctx.request as any).body;
        input.body = assertValid('body', validators.body!, route.body, body === undefined ? {} : body);
      } else if (!route.upload && unexpectedBody(ctx)) {
        throw new ValidationError(messages.noBody, { part: 'body' }, 'BODY_NOT_ALLOWED');
      }
      ctx.state.input = input;
      await next();
    };
    const handler: Middleware = async (ctx) => {
      await route.handler(ctx);
    };
    const limit = timeLimit(route.timeoutMs ?? opts.requestTimeoutMs ?? 0);
    const firstLoginGuard: Middleware = async (ctx, next) => {
      const user = (ctx.state.auth as { user?: { mustChangePassword?: boolean } } | undefined)?.user;
      if (user?.mustChangePassword && !route.firstLogin) {
        throw new ForbiddenError(messages.firstLogin, 'FIRST_LOGIN_REQUIRED', {
          pendingSteps: ['changePassword'],
        });
      }
      if (user && opts.firstLoginSteps) await opts.firstLoginSteps(ctx, route);
      await next();
    };
    router[route.method](route.path, limit, ...(route.before ?? []), firstLoginGuard, validate, handler);
  }
}

/**
 * A route without a body schema takes no JSON or form body: such a body is a client mistake
 * (400 BODY_NOT_ALLOWED), not something to ignore. An empty body or `{}` counts as none; uploads
 * (multipart, spreadsheets, CSV, attachments of any type) reach the handlers that read them.
 */
function unexpectedBody(ctx: Context): boolean {
  const length = Number(ctx.get('Content-Length') || 0);
  if (!length && !ctx.get('Transfer-Encoding')) return false;
  // Uploads come with their file's own type (a .txt attachment is text/plain): their handlers decide.
  if (!ctx.is('json', 'urlencoded')) return false;
  if (!ctx.is('json')) return true;
  const body = (ctx.request as any).body;
  const empty =
    typeof body === 'object' && body !== null && !Array.isArray(body) && !Object.keys(body).length;
  return !empty;
}

const emptyObject: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };
const noFields = { query: compileValidator('query', emptyObject) };

export function input<B = any, Q = any, P = any>(ctx: Context): ValidatedRequest<B, Q, P> {
  return ctx.state.input as ValidatedRequest<B, Q, P>;
}
