// Files the API sends: the one way a workbook (XLSX export, template) goes out, and the
// Content-Disposition every download carries.
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { XLSX_MIME } from '../files/spreadsheet';
import { LONG_REQUEST_MS } from './time-limit';

export { XLSX_MIME };

/**
 * The fields of a route that streams an XLSX export (spread into its definition): the long time
 * limit (LONG_REQUEST_MS: a whole region's workbook outlasts an ordinary request) and the response
 * type the OpenAPI document states.
 */
export const workbookExport = {
  timeoutMs: LONG_REQUEST_MS,
  responses: { 200: { description: XLSX_MIME } },
};

const messages = {
  exportFailed: 'workbook stream failed after the download began',
};

/** `attachment` with an ASCII fallback and the exact UTF-8 name as RFC 5987 `filename*`. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Streams a workbook as the response, written by `write` while Koa pipes it to the client; an error
 * after the headers went out can only cut the download (it is logged with the file name).
 */
export function sendWorkbook(
  ctx: Context,
  fileName: string,
  write: (out: PassThrough) => Promise<unknown>,
): void {
  const out = new PassThrough();
  ctx.type = XLSX_MIME;
  ctx.attachment(fileName);
  ctx.body = out;
  write(out).catch((err: unknown) => {
    ctx.state.log?.error({ err, fileName }, messages.exportFailed);
    out.destroy(err as Error);
  });
}

/** A workbook already in memory (a template), as a download. */
export function sendWorkbookBuffer(ctx: Context, fileName: string, workbook: Buffer): void {
  ctx.body = workbook;
  ctx.attachment(fileName);
  ctx.type = XLSX_MIME;
}
