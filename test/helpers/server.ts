import mongoose from 'mongoose';
import { loadConfig } from '../../server/src/config';
import { startServer, type RunningServer, type StartOptions } from '../../server/src/server';
import { createLogger } from '../../server/src/logger';
import { testServer, uniqueDbName } from './db';

export interface TestServer extends RunningServer {
  dbName: string;
  /** fetch against `/api/v1` + path, JSON in and out. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    body: any;
    headers: Headers;
  }>;
  login(account: string, password: string): Promise<string>;
}

/** A real Koa server over HTTP on a free port, on its own database of the shared test server. */
export async function startTestServer(
  label: string,
  opts: { env?: Record<string, string>; options?: StartOptions } = {},
): Promise<TestServer> {
  const dbName = uniqueDbName(label);
  const config = loadConfig({
    DEMO_DATA: '0',
    ADMIN_INITIAL_PASSWORD: 'Admin12345',
    // A first look at a period waits for its background build (small data): figures are deterministic.
    ROLLUP_WAIT_MS: '60000',
    ...opts.env,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  config.dbName = dbName;
  const running = await startServer(config, {
    database: testServer(),
    logger: createLogger(process.env.LOG_LEVEL ?? 'silent'),
    print: () => {},
    scheduler: false,
    ...opts.options,
  });
  const api: TestServer['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.body !== undefined && typeof init.body !== 'string')
      headers['Content-Type'] = 'application/json';
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    const res = await fetch(`${running.url}/api/v1${path}`, {
      method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
      headers,
      body:
        init.body === undefined
          ? undefined
          : typeof init.body === 'string'
            ? init.body
            : JSON.stringify(init.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  };
  const close = async () => {
    await mongoose.connection.dropDatabase().catch(() => {});
    await running.close();
  };
  return {
    ...running,
    close,
    dbName,
    api,
    async login(account, password) {
      const res = await api('/auth/login', { body: { account, password } });
      if (res.status !== 200)
        throw new Error(`login ${account} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.accessToken as string;
    },
  };
}
