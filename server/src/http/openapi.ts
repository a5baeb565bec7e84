// Builds the OpenAPI 3 document from the route definitions (never hand-maintained).
import type { RouteDefinition } from './route';
import type { JsonSchema } from './validation';

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: '简体中文错误说明' },
        details: { type: 'object' },
      },
    },
  },
};

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersFrom(schema: JsonSchema | undefined, where: 'query' | 'path'): unknown[] {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    description: (s.title as string | undefined) ?? (s.description as string | undefined),
    schema: s,
  }));
}

export function buildOpenApi(routes: RouteDefinition[], info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const responses: Record<string, unknown> = {};
    const success = route.responses ?? { [route.status ?? 200]: { description: '成功' } };
    for (const [status, r] of Object.entries(success)) {
      responses[status] = r.schema
        ? { description: r.description, content: { 'application/json': { schema: r.schema } } }
        : { description: r.description };
    }
    responses['400'] = {
      description: '请求不合法',
      content: { 'application/json': { schema: errorSchema } },
    };
    if (route.auth !== 'public') {
      responses['401'] = { description: '未登录', content: { 'application/json': { schema: errorSchema } } };
      responses['403'] = {
        description: '超出管辖范围',
        content: { 'application/json': { schema: errorSchema } },
      };
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: route.tags,
      parameters: [...parametersFrom(route.params, 'path'), ...parametersFrom(route.query, 'query')],
      responses,
    };
    if (route.auth === 'user') operation.security = [{ bearerAuth: [] }];
    if (route.auth === 'bot') operation.security = [{ botToken: [] }];
    if (route.auth === 'bot-or-user') operation.security = [{ bearerAuth: [] }, { botToken: [] }];
    if (route.rateLimit) {
      responses['429'] = {
        description: '请求过于频繁',
        content: { 'application/json': { schema: errorSchema } },
      };
    }
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: route.body } } };
    }
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.0.3',
    info: { title: '进展通 EduProgress API', version: info.version },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer' },
        // `Authorization: Bot <BOT_TOKEN>`
        botToken: { type: 'apiKey', in: 'header', name: 'Authorization' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
