import mongoose from 'mongoose';
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

export function healthRoutes(deps: {
  database: DatabaseInfo;
  startedAt: Date;
  clock: Clock;
  version: string;
}): RouteDefinition[] {
  return [
    {
      method: 'get',
      path: '/health',
      summary: '健康检查：数据库后端与版本、运行时长',
      tags: ['系统'],
      handler: async (ctx) => {
        let databaseOk = false;
        try {
          await mongoose.connection.db?.command({ ping: 1 });
          databaseOk = true;
        } catch {
          databaseOk = false;
        }
        ctx.status = databaseOk ? 200 : 503;
        ctx.body = {
          status: databaseOk ? 'ok' : 'degraded',
          version: deps.version,
          uptimeSeconds: Math.round((deps.clock().getTime() - deps.startedAt.getTime()) / 1000),
          database: { ...deps.database, ok: databaseOk },
        };
      },
    },
  ];
}
