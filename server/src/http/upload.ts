// Uploaded files: the raw request body, or the file parts of a multipart/form-data upload, as streams
// bounded by a size limit. An empty upload is refused at once; a refused upload is drained so the client
// reads the answer instead of a reset connection. Import routes read one table (XLSX/CSV), notices and
// monthly reports take attachments of their own types.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context } from 'koa';
import { AppError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './errors';

export { PayloadTooLargeError, UnsupportedMediaTypeError };

const messages = {
  tooLarge: (mb: number) => `上传的文件过大，请不要超过 ${mb} MB`,
  mediaType:
    '请上传 XLSX 或 CSV 文件：以 multipart/form-data 的 file 字段上传，或直接以文件类型（如 text/csv、XLSX）作为请求体',
  badMultipart: '上传内容无法解析，请重新选择文件上传',
  noFile: '没有收到文件，请以 file 字段上传 XLSX 或 CSV 文件',
  empty: '上传的文件是空的，请选择填写好的 XLSX 或 CSV 文件重新上传',
};

/** Body types taken as the file itself. */
export const TABLE_MEDIA_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
];

/** 413 PAYLOAD_TOO_LARGE naming the limit in MB. */
export const tooLarge = (limitBytes: number): AppError =>
  new PayloadTooLargeError(messages.tooLarge(Math.round(limitBytes / 1024 / 1024)));

/** The request body, refused with `refuse()` (413 by default) once it passes `limit` bytes. */
export async function* limitedBody(
  req: IncomingMessage,
  limit: number,
  refuse: () => AppError = () => tooLarge(limit),
): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) throw refuse();
    yield chunk as Buffer;
  }
}

/** Lets a refused upload's remaining bytes drain, so the client reads our answer instead of a reset. */
export function drainRequest(ctx: Context): void {
  if (!ctx.req.readableEnded) ctx.req.resume();
}

/**
 * A multipart/form-data body parsed with the platform's FormData, read through {@link limitedBody}
 * (`refuse` past `limit`). 400 UPLOAD_INVALID when it cannot be parsed.
 */
export async function multipartForm(ctx: Context, limit: number, refuse?: () => AppError): Promise<FormData> {
  try {
    return await new Request('http://upload.invalid/', {
      method: 'POST',
      headers: { 'Content-Type': ctx.get('Content-Type') },
      body: limitedBody(ctx.req, limit, refuse) as unknown as ReadableStream,
      duplex: 'half',
    } as RequestInit).formData();
  } catch (err) {
    if (err instanceof AppError) throw err;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof AppError) throw cause;
    throw new ValidationError(messages.badMultipart, { property: 'file' }, 'UPLOAD_INVALID');
  }
}

/** A file part of a multipart form. */
export type FormFile = Exclude<ReturnType<FormData['get']>, string | null>;

/** The bytes of a form's file part as a Node stream. */
export function formFileStream(file: FormFile): Readable {
  return Readable.fromWeb(file.stream() as WebReadableStream<Uint8Array>);
}

const emptyUpload = () => new ValidationError(messages.empty, { property: 'file' }, 'IMPORT_EMPTY_FILE');

/**
 * The uploaded file as a stream of bytes, at most `maxBytes` (413 beyond). 400 IMPORT_EMPTY_FILE for a
 * request with no body, a body declared empty or a multipart file part with no bytes, 400 UPLOAD_NO_FILE without a file part,
 * 415 for other body types. Callers let a refused body drain ({@link readUpload} does).
 */
export async function uploadedFile(ctx: Context, maxBytes: number): Promise<AsyncIterable<Uint8Array>> {
  const declared = ctx.get('Content-Length');
  if (Number(declared || 0) > maxBytes) throw tooLarge(maxBytes);
  if (declared !== '' && Number(declared) === 0) throw emptyUpload();
  // No length and no chunked transfer: the request carries no body at all (e.g. a bare POST).
  if (declared === '' && !ctx.get('Transfer-Encoding')) throw emptyUpload();
  const type = ctx.request.type;
  if (TABLE_MEDIA_TYPES.includes(type)) return limitedBody(ctx.req, maxBytes);
  if (type !== 'multipart/form-data') throw new UnsupportedMediaTypeError(messages.mediaType);
  const form = await multipartForm(ctx, maxBytes);
  const file = form.get('file') ?? [...form.values()].find((v) => typeof v !== 'string');
  if (!file || typeof file === 'string')
    throw new ValidationError(messages.noFile, { property: 'file' }, 'UPLOAD_NO_FILE');
  if (!file.size) throw emptyUpload();
  return formFileStream(file);
}

/**
 * Reads the uploaded file with `read` (e.g. `readTable` and a row check): the import routes' one way in.
 * Whatever is refused — the upload or its rows — drains the rest of the body before the error answers.
 */
export function readUpload<T>(
  ctx: Context,
  maxBytes: number,
  read: (file: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  return drainOnError(ctx, async () => read(await uploadedFile(ctx, maxBytes)));
}

/** Runs `work` (checks, then reading the upload); on any error the rest of the body drains first. */
export async function drainOnError<T>(ctx: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    drainRequest(ctx);
    throw err;
  }
}
