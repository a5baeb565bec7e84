// Database commands slower than a threshold, logged with what they asked for: on FerretDB/SQLite a
// query that is not an exact `_id` look-up scans its whole collection, and this is how one shows up.
import type mongoose from 'mongoose';
import type { Logger } from '../logger';

interface Started {
  command: string;
  collection: unknown;
  filter: string;
}

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
    logger.warn({ ...what, ms: Math.round(e.duration), failed }, 'slow database command');
  };
  client.on('commandSucceeded', (e) => done(e, false));
  client.on('commandFailed', (e) => done(e, true));
}
