// Structured JSON logs (pino) by design: one JSON object a line for log collectors in deployment. In a
// developer's terminal (`npm start`, see main.ts) the same records read as one zh-CN line each instead.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

const LEVEL_LABELS: Record<string, string> = {
  trace: '跟踪',
  debug: '调试',
  info: '信息',
  warn: '警告',
  error: '错误',
  fatal: '致命',
};

/**
 * The server's logger at `level` (pino level name). `readable`: a line per record for a terminal,
 * `10:00:00 警告 <message>` (an error's stack on the lines after), instead of JSON; the record's other
 * fields stay out of that line, so messages meant for people say everything themselves. `destination`:
 * where readable lines go (default stdout).
 */
export function createLogger(
  level: string,
  opts: { readable?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const options = { level, base: { service: 'eduprogress-server' } };
  if (!opts.readable) return pino(options);
  const stream = pretty({
    sync: true,
    destination: opts.destination ?? 1,
    colorize: false,
    hideObject: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service',
    customPrettifiers: {
      level: (_value, _key, _log, { label }) => LEVEL_LABELS[label.toLowerCase()] ?? label,
    },
    messageFormat: (log, messageKey) => {
      const err = log.err as { stack?: string; message?: string } | undefined;
      return `${String(log[messageKey] ?? '')}${err ? `\n${err.stack ?? err.message ?? ''}` : ''}`;
    },
  });
  return pino(options, stream);
}
