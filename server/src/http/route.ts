// Declarative routes: one definition feeds both the Koa router and the OpenAPI document, so the
// schemas that validate requests are exactly the schemas that are published.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Clock } from '../clock';
import { timeLimit } from './time-limit';
import { ForbiddenError, ValidationError } from './errors';
import { hit } from './rate-limit';
import { assertValid, compileValidator, type JsonSchema } from './validation';

const messages = {
  firstLogin: '首次登录（或密码被重置）后须先修改密码，完成首次登录步骤后才能进行其他操作',
  noBody: '该接口不接受请求体，请不要在请求中附带内容',
};

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: `public` anyone; `user` a bearer token (and, on the GETs bot-api/caller.ts
 * allows, the bot acting for a bound group); `bot` only the bot's own token (`Authorization: Bot …`);
 * `bot-or-user` either, the handler tells them apart by `ctx.state.bot`.
 */
export type RouteAuth = 'public' | 'user' | 'bot' | 'bot-or-user';

/** The middleware behind each kind of caller, set up once by the app (http/ knows no feature). */
export type Authenticators = Record<Exclude<RouteAuth, 'public'>, Middleware>;

/**
 * A fixed-window limit per client address (http/rate-limit.ts, counted in the database): the
 * request past `limit` in `windowSeconds` gets 429 RATE_LIMITED. Checked after validation.
 */
export interface RouteRateLimit {
  /** Counter name, e.g. `login` (the key is `<name>:ip:<address>`). */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RouteDefinition<I extends ValidatedRequest = ValidatedRequest> {
  method: Method;
  /** Koa path, e.g. `/regions/:code`; published as `/regions/{code}`. */
  path: string;
  summary: string;
  tags?: string[];
  /** Who may call it; also what the OpenAPI document says (a bearer token unless `public`). */
  auth: RouteAuth;
  /** The success status when the handler sets none other than 200 (e.g. 201 for a creation). */
  status?: number;
  rateLimit?: RouteRateLimit;
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
  /** Gets the request as validated (ajv fills defaults, coerces query and path text). */
  handler: (ctx: Context, input: I) => Promise<void> | void;
}

/** A request part as validated by its route's schemas (`any` on an untyped `RouteDefinition`). */
export interface ValidatedRequest<B = any, Q = any, P = any> {
  body: B;
  query: Q;
  params: P;
}

/**
 * The TypeScript type of a request part declared by `schema` (json-schema-to-ts `FromSchema`: a
 * defaulted property counts as present, as ajv's `useDefaults` fills it); `missing` when the route
 * declares no schema for that part.
 */
export type SchemaType<S, Missing> = [S] extends [undefined]
  ? Missing
  : JSONSchema extends S
    ? unknown // not yet inferred: FromSchema of any schema at all is infinitely deep
    : S extends JSONSchema
      ? FromSchema<S>
      : Missing;

/** What a `route()` handler receives: each part typed from the route's own schemas. */
export type RouteInput<P, Q, B> = ValidatedRequest<
  SchemaType<B, undefined>,
  SchemaType<Q, Record<string, never>>,
  SchemaType<P, Record<string, string>>
>;

type Schemas<P, Q, B> = { params?: P; query?: Q; body?: B };

/** A route as `route()` takes it: the schemas declared `as const`, the handler typed from them. */
export type TypedRoute<P, Q, B> = Omit<RouteDefinition, 'params' | 'query' | 'body' | 'handler'> &
  Schemas<P, Q, B> & { handler: (ctx: Context, input: RouteInput<P, Q, B>) => Promise<void> | void };

/**
 * Declares a route whose handler's `{ body, query, params }` types come from its schemas, so a schema
 * and the type the handler reads cannot disagree: the same object validates (ajv) and types
 * (`FromSchema`). Schemas must keep their literal types (`as const`, or built by `strictObject`).
 */
export function route<
  const P extends JSONSchema | undefined = undefined,
  const Q extends JSONSchema | undefined = undefined,
  const B extends JSONSchema | undefined = undefined,
>(definition: TypedRoute<P, Q, B>): RouteDefinition {
  return definition as RouteDefinition;
}

/**
 * Mounts each route: time limit (route's own or `requestTimeoutMs`, which covers authentication too),
 * then `before`, validation, handler.
 */
export function registerRoutes(
  router: Router,
  routes: RouteDefinition[],
  opts: {
    /** The middleware of each non-public `auth`; required once a route needs it. */
    authenticators?: Partial<Authenticators>;
    /** The clock rate limits count windows by. */
    clock?: Clock;
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
      const rate = route.rateLimit;
      if (rate) {
        if (!opts.clock) throw new Error(`route ${route.path}: rate limit without a clock`);
        await hit(opts.clock, `${rate.name}:ip:${ctx.ip}`, rate.limit, rate.windowSeconds);
      }
      await route.handler(ctx, ctx.state.input as ValidatedRequest);
      // Koa's own choice (200 with a body, 404 without one) gives way to the route's; a status the
      // handler set itself (e.g. 200 for "already there") stands.
      const implicit = ctx.status === 200 || (ctx.status === 404 && ctx.body == null);
      if (route.status && implicit) ctx.status = route.status;
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
    const authenticate = route.auth === 'public' ? [] : [authenticatorFor(route, opts.authenticators)];
    router[route.method](route.path, limit, ...authenticate, firstLoginGuard, validate, handler);
  }
}

function authenticatorFor(route: RouteDefinition, all: Partial<Authenticators> | undefined): Middleware {
  const kind = route.auth as Exclude<RouteAuth, 'public'>;
  const m = all?.[kind];
  if (!m) throw new Error(`route ${route.method} ${route.path}: no authenticator for auth '${kind}'`);
  return m;
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

/** The fields every route of a feature shares (its tags, who may call it). */
export type RouteCommon = Pick<RouteDefinition, 'auth'> & Partial<Pick<RouteDefinition, 'tags'>>;

/**
 * A feature's builder of routes that answer with what a service returns: each route gets `common`
 * (auth, tags), and `answer(actor, input, ctx)`, given `actorOf(ctx)` (e.g. the access `Caller`) and
 * the request as its schemas type it, returns the response body. For the many "validate, call the
 * service for the caller, send its result" routes.
 */
export function answering<A>(common: RouteCommon, actorOf: (ctx: Context) => A) {
  return <
    const P extends JSONSchema | undefined = undefined,
    const Q extends JSONSchema | undefined = undefined,
    const B extends JSONSchema | undefined = undefined,
  >(
    definition: Omit<TypedRoute<P, Q, B>, 'handler' | 'auth'> & Partial<RouteCommon>,
    answer: (actor: A, input: RouteInput<P, Q, B>, ctx: Context) => Promise<unknown>,
  ): RouteDefinition => {
    const erased: RouteDefinition = {
      ...common,
      ...(definition as Omit<RouteDefinition, 'handler' | 'auth'>),
      handler: async (ctx, input) => {
        ctx.body = await answer(actorOf(ctx), input, ctx);
      },
    };
    return erased;
  };
}

/**
 * A route whose answer is the body: `answer(ctx, params)` (the path parameters as validated by
 * `route.params`, typed from it) becomes the response body; status, schemas and the rest are `route`'s.
 */
export function paramsRoute<const P extends JSONSchema>(
  definition: Omit<TypedRoute<P, undefined, undefined>, 'handler' | 'params'> & { params: P },
  answer: (ctx: Context, params: SchemaType<P, never>) => Promise<unknown>,
): RouteDefinition {
  const erased: RouteDefinition = {
    ...(definition as Omit<RouteDefinition, 'handler'>),
    handler: async (ctx, { params }) => {
      ctx.body = await answer(ctx, params);
    },
  };
  return erased;
}

/**
 * `paramsRoute` on one `:id` path parameter: for the many "read or act on one record" routes (a
 * notice, a permission code, an account…).
 */
export function idRoute<const P extends JSONSchema>(
  definition: Omit<TypedRoute<P, undefined, undefined>, 'handler' | 'params'> & { params: P },
  answer: (ctx: Context, id: IdOf<P>) => Promise<unknown>,
): RouteDefinition {
  const erased: RouteDefinition = {
    ...(definition as Omit<RouteDefinition, 'handler'>),
    handler: async (ctx, { params }) => {
      ctx.body = await answer(ctx, params.id);
    },
  };
  return erased;
}

/** The type of the `id` path parameter `P` declares (`never` when it declares none). */
export type IdOf<P> = SchemaType<P, never> extends { id: infer I } ? I : never;

/** A feature's builder of answering routes, as `answering` returns it. */
export type Answering<A> = ReturnType<typeof answering<A>>;

/**
 * The routes of one record addressed by `path` with an `:id` in it (e.g. `/schools/:id`), the id
 * validated by `params`: each route declares its method, its path below the record (none for the
 * record itself, e.g. `/transfer`) and its own query and body schemas; `respond(actor, id, input,
 * ctx)` gets the validated id first and returns the response body (as with `answer`). For a resource
 * whose routes would each repeat the same path, `params` and `params.id`.
 */
export function recordRoutes<A, const P extends JSONSchema>(answer: Answering<A>, path: string, params: P) {
  return <
    const Q extends JSONSchema | undefined = undefined,
    const B extends JSONSchema | undefined = undefined,
  >(
    definition: Omit<TypedRoute<P, Q, B>, 'handler' | 'auth' | 'path' | 'params'> &
      Partial<RouteCommon> & { path?: string },
    respond: (actor: A, id: IdOf<P>, input: RouteInput<P, Q, B>, ctx: Context) => Promise<unknown>,
  ): RouteDefinition =>
    answer<P, Q, B>({ ...definition, path: path + (definition.path ?? ''), params }, (actor, input, ctx) =>
      respond(actor, (input.params as { id: IdOf<P> }).id, input, ctx),
    );
}
