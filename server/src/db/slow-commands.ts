// Database commands slower than a threshold, logged with what they asked for: on FerretDB/SQLite a
// query that is not an exact `_id` look-up scans its whole collection, and this is how one shows up.
import type mongoose from 'mongoose';
import type { Logger } from '../logger';

interface Started {
  command: string;
  collection: unknown;
  filter: string;
}

const messages = {
  slow: (c: Started & { ms: number; failed: boolean }) =>
    `数据库命令较慢：${String(c.collection ?? '')} 集合的 ${c.command} 用时 ${c.ms} 毫秒` +
    `${c.failed ? '（已失败）' : ''}${c.filter ? `，条件 ${c.filter}` : ''}`,
};

/**
 * Logs every database command on `connection` that took `thresholdMs` or longer, as a warning with the
 * command, collection, filter (first 300 characters of its JSON), `ms` and `failed` as fields, and one
 * zh-CN sentence saying the same as its message.
 */
export function logSlowCommands(connection: mongoose.Connection, logger: Logger, thresholdMs: number): void {
  const client = connection.getClient();
  const started = new Map<number, Started>();
  client.on('commandStarted', (e) => {
    const cmd = e.command as Record<string, unknown>;
    const filter = cmd.filter ?? cmd.q ?? (cmd.updates as { q?: unknown }[] | undefined)?.[0]?.q ?? cmd.query;
    started.set(e.requestId, {
      command: e.commandName,
      collection: cmd[e.commandName],
      filter: filter === undefined ? '' : JSON.stringify(filter).slice(0, 300),
    });
  });
  const done = (e: { requestId: number; duration: number; commandName: string }, failed: boolean) => {
    const what = started.get(e.requestId);
    started.delete(e.requestId);
    if (e.duration < thresholdMs || !what) return;
    const ms = Math.round(e.duration);
    logger.warn({ ...what, ms, failed }, messages.slow({ ...what, ms, failed }));
  };
  client.on('commandSucceeded', (e) => done(e, false));
  client.on('commandFailed', (e) => done(e, true));
}
