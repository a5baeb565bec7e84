// The Koa application: middleware order, the route table, the OpenAPI document.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { accountRoutes } from './accounts/routes';
import type { AuthDeps } from './accounts/service';
import { errorHandler } from './http/error-handler';
import { apiJson } from './http/json';
import { buildOpenApi } from './http/openapi';
import { requestContext } from './http/request-context';
import { registerRoutes, type RouteDefinition } from './http/route';
import { periodChecker } from './calendar/askable-periods';
import { healthRoutes, type DatabaseInfo } from './health/routes';
import type { Logger } from './logger';
import { regionRoutes } from './regions/routes';
import { requireAuth } from './accounts/auth';
import { profileRoutes } from './accounts/profile-routes';
import type { SmsProvider } from './accounts/sms';
import type { WechatAuth } from './accounts/wechat';
import { accountAdminRoutes } from './schools/admin-routes';
import { bindingRoutes } from './accounts/binding-routes';
import type { FeatureDeps } from './app-deps';
import { auditRoutes } from './audit/routes';
import { permissionCodeRoutes } from './permission-codes/routes';
import { schoolRoutes } from './schools/routes';
import { reportRoutes } from './reports/routes';
import { noticeRoutes } from './notices/routes';
import { botRoutes } from './bot-api/routes';
import { requireBot } from './bot-api/auth';
import { isBotRequest } from './bot-api/caller';
import { trainingRoutes } from './training/routes';
import { teacherRoutes } from './teachers/routes';
import { statisticsRoutes } from './statistics/routes';
import { aliasRoutes } from './aliases/routes';
import { regionFormGuard } from './first-login/region-form';
import { schoolRequestRoutes } from './school-requests/routes';
import { userMessageRoutes } from './messages/routes';
import { placementRoutes } from './teachers/placement-routes';
import { monthlyReportRoutes } from './monthly-reports/routes';
import { baseDataRoutes } from './basedata/routes';
import { usageRoutes } from './usage/routes';
import { universityRoutes } from './universities/routes';
import { emailResetRoutes } from './password-reset/routes';
import { RecordingEmailSender, type EmailSender } from './password-reset/email';
import { subscribeReadModels } from './read-models';
import { webApp } from './web/serve';
import { DEFAULT_CALENDAR, type CalendarConfig } from '@eduprogress/shared';

export const API_VERSION = '0.1.0';
export const API_PREFIX = '/api/v1';

/** What the app is built from: the auth settings (clock, token lifetimes: AuthDeps) and the rest. */
export interface AppDeps extends AuthDeps {
  logger: Logger;
  database: DatabaseInfo;
  startedAt: Date;
  trustProxy?: boolean;
  /** The reporting calendar; the 2019 quarterly rules by default. */
  calendar?: CalendarConfig;
  sms: SmsProvider;
  /** Email sender (password reset by email); the recording sender when not given. */
  email?: EmailSender;
  wechat: WechatAuth;
  /** Where notice attachments are stored (DATA_DIR/attachments). */
  attachmentsDir: string;
  /** BOT_TOKEN for the bot API; unset → the bot API answers 401. */
  botToken?: string;
  /** Time limit of a request, ms (REQUEST_TIMEOUT_MS); unset or 0: none. */
  requestTimeoutMs?: number;
  /** Time limit of `/health`'s storage read, ms (HEALTH_TIMEOUT_MS). */
  healthTimeoutMs?: number;
  /** The mini-program's H5 build, served at `/` when it exists (see web/serve.ts). */
  webRoot?: string;
  /** Extra routes (tests use this to add probes such as a slow request). */
  extraRoutes?: RouteDefinition[];
}

export function createApp(deps: AppDeps): { app: Koa; routes: RouteDefinition[] } {
  const auth: AuthDeps = {
    clock: deps.clock,
    accessTokenTtlSeconds: deps.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: deps.refreshTokenTtlSeconds,
  };
  // The group-chat bot reads the ordinary endpoints as a caller of its group's region (bot-api/caller.ts).
  const botCaller = { botToken: deps.botToken, prefix: API_PREFIX };
  const feature: FeatureDeps = {
    ...auth,
    calendar: deps.calendar ?? DEFAULT_CALENDAR,
    auth: requireAuth(auth, botCaller),
  };
  const routes: RouteDefinition[] = [
    ...healthRoutes({
      database: deps.database,
      startedAt: deps.startedAt,
      clock: deps.clock,
      version: API_VERSION,
      timeoutMs: deps.healthTimeoutMs ?? 2000,
    }),
    ...accountRoutes(auth),
    ...profileRoutes({ ...auth, sms: deps.sms, wechat: deps.wechat }),
    ...emailResetRoutes({ ...auth, email: deps.email ?? new RecordingEmailSender() }),
    ...regionRoutes(),
    ...schoolRoutes(feature),
    ...reportRoutes(feature),
    ...accountAdminRoutes(feature),
    ...bindingRoutes(feature),
    ...permissionCodeRoutes(feature),
    ...auditRoutes(),
    ...trainingRoutes(feature),
    ...teacherRoutes(feature),
    ...statisticsRoutes(feature),
    ...aliasRoutes(feature),
    ...schoolRequestRoutes(feature),
    ...userMessageRoutes(feature),
    ...placementRoutes(feature),
    ...monthlyReportRoutes({ ...feature, attachmentsDir: deps.attachmentsDir }),
    ...baseDataRoutes(feature),
    ...usageRoutes(feature),
    ...universityRoutes(feature),
    ...noticeRoutes({ ...feature, attachmentsDir: deps.attachmentsDir }),
    ...botRoutes({ ...feature, botToken: deps.botToken }),
    ...(deps.extraRoutes ?? []),
  ];
  // The read models follow the writers' change events (server/src/events.ts).
  subscribeReadModels();
  const openapi = buildOpenApi(routes, { version: API_VERSION });
  routes.push({
    method: 'get',
    path: '/openapi.json',
    summary: 'OpenAPI 3 文档（由校验请求的同一批 JSON Schema 生成）',
    auth: 'public',
    tags: ['系统'],
    handler: (ctx) => {
      ctx.body = openapi;
    },
  });

  const router = new Router({ prefix: API_PREFIX });
  // What each route's `auth` means (http/route.ts): a user's bearer token (or the bot acting for a group on
  // the GETs it may read), the bot's own token, or either.
  const botOnly = requireBot(deps.botToken);
  registerRoutes(router, routes, {
    authenticators: {
      user: feature.auth,
      bot: botOnly,
      'bot-or-user': (ctx, next) => (isBotRequest(ctx) ? botOnly(ctx, next) : feature.auth(ctx, next)),
    },
    clock: deps.clock,
    requestTimeoutMs: deps.requestTimeoutMs,
    firstLoginSteps: regionFormGuard({ clock: deps.clock, calendar: feature.calendar }),
    checkPeriod: periodChecker(deps.clock, feature.calendar),
  });

  const app = new Koa({ proxy: deps.trustProxy ?? false });
  // Errors Koa sees after the response began (a client that went away mid-download) are logged, not
  // printed as raw stacks on the terminal; a closed connection is the client's choice, not a fault.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(err.code ?? ''))
      return;
    deps.logger.error({ err }, 'response failed after it began');
  });
  // The request logger sits outside the error renderer so that it records the status actually sent.
  app.use(requestContext(deps.logger));
  // Outside the error renderer, so error bodies are serialized the same way (one date format).
  app.use(apiJson());
  app.use(errorHandler());
  if (deps.webRoot) app.use(webApp(deps.webRoot, API_PREFIX));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '2mb', encoding: 'utf-8' }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, routes };
}
