import mongoose from 'mongoose';
import { NATIONAL_CODE } from '@eduprogress/shared';
import type { RouteDefinition } from '../http/route';
import type { Clock } from '../clock';

export interface DatabaseInfo {
  /** "FerretDB" or "MongoDB". */
  name: string;
  version: string;
  /** How it was provided: external (MONGODB_URI), mongod (mongodb-memory-server) or ferretdb (embedded). */
  kind: string;
  description: string;
}

/**
 * Reads one stored document (the national region, by `_id`) within `timeoutMs`. A ping would not do:
 * FerretDB answers it without touching SQLite, so a wedged storage looked healthy.
 * Resolves to the milliseconds taken, or `undefined` when the read failed or took too long.
 */
export async function probeStorage(timeoutMs: number): Promise<number | undefined> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const db = mongoose.connection.db;
    if (!db) return undefined;
    const read = db.collection('regions').findOne(
      { _id: NATIONAL_CODE as any },
      {
        projection: { _id: 1 },
        timeoutMS: timeoutMs,
      },
    );
    read.catch(() => {});
    await Promise.race([
      read,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
    ]);
    return Math.round(performance.now() - started);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health`: 200 `{status: 'ok'}` when a stored document was read within `timeoutMs`
 * (HEALTH_TIMEOUT_MS); otherwise 503 `{status: 'degraded', database: {ok: false}}`.
 */
export function healthRoutes(deps: {
  database: DatabaseInfo;
  startedAt: Date;
  clock: Clock;
  version: string;
  timeoutMs: number;
}): RouteDefinition[] {
  return [
    {
      method: 'get',
      path: '/health',
      auth: 'public',
      summary: '健康检查：在限定时间内读取一条存储数据；读不到时返回 503，status 为 degraded',
      tags: ['系统'],
      // Its own limit is the storage read's; the request limit must never answer for it.
      timeoutMs: 0,
      responses: {
        '200': { description: 'status: ok，数据库在限定时间内可读' },
        '503': { description: 'status: degraded，数据库在限定时间内不可读（HEALTH_TIMEOUT_MS）' },
      },
      handler: async (ctx) => {
        const latencyMs = await probeStorage(deps.timeoutMs);
        const databaseOk = latencyMs !== undefined;
        ctx.status = databaseOk ? 200 : 503;
        ctx.body = {
          status: databaseOk ? 'ok' : 'degraded',
          version: deps.version,
          uptimeSeconds: Math.round((deps.clock().getTime() - deps.startedAt.getTime()) / 1000),
          database: { ...deps.database, ok: databaseOk, ...(databaseOk ? { latencyMs } : {}) },
        };
      },
    },
  ];
}
