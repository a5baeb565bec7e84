// Errors Node's HTTP parser meets before Koa sees a request (oversized headers, malformed request
// lines, timeouts). Node would answer them with a bare status line; here they keep the zh-CN error
// envelope every other error has.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from './errors';

const messages = {
  headersTooLarge: '请求头过大（例如 Cookie 或令牌过长），请清理后重试',
  badRequest: '请求格式不正确，无法解析',
  timeout: '请求超时，请重试',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** What a parser error becomes: status, code and message. */
function classify(err: NodeJS.ErrnoException): { status: number; code: ErrorCode; message: string } {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return { status: 431, code: 'HEADERS_TOO_LARGE', message: messages.headersTooLarge };
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'HPE_HEADERS_TIMEOUT')
    return { status: 408, code: 'REQUEST_TIMEOUT', message: messages.timeout };
  return { status: 400, code: 'BAD_REQUEST', message: messages.badRequest };
}

/** Answers the parser's errors with the error envelope (JSON, UTF-8) and closes the connection. */
export function renderClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // The peer went away, or an answer is already under way: nothing to say.
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, code, message } = classify(err);
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
