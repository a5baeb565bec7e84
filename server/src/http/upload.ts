// Uploaded files of the import routes: the raw request body, or the `file` part of a
// multipart/form-data upload, as a stream bounded by a size limit. An empty upload is refused at once.
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { AppError, ValidationError } from './errors';

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

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', messages.tooLarge(Math.round(limitBytes / 1024 / 1024)));
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = messages.mediaType) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  }
}

async function* limited(source: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(limit);
    yield chunk;
  }
}

const emptyUpload = () => new ValidationError(messages.empty, { property: 'file' }, 'IMPORT_EMPTY_FILE');

/**
 * The uploaded file as a stream of bytes, at most `maxBytes` (413 beyond). 400 IMPORT_EMPTY_FILE for a
 * request with no body, a body declared empty or a multipart file part with no bytes, 400 UPLOAD_NO_FILE without a file part,
 * 415 for other body types. Callers let a refused body drain (`ctx.req.resume()`).
 */
export async function uploadedFile(ctx: Context, maxBytes: number): Promise<AsyncIterable<Uint8Array>> {
  const declared = ctx.get('Content-Length');
  if (Number(declared || 0) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (declared !== '' && Number(declared) === 0) throw emptyUpload();
  // No length and no chunked transfer: the request carries no body at all (e.g. a bare POST).
  if (declared === '' && !ctx.get('Transfer-Encoding')) throw emptyUpload();
  const type = ctx.request.type;
  if (TABLE_MEDIA_TYPES.includes(type)) return limited(ctx.req, maxBytes);
  if (type !== 'multipart/form-data') throw new UnsupportedMediaTypeError();
  let form: FormData;
  try {
    form = await new Request('http://upload.invalid/', {
      method: 'POST',
      headers: { 'Content-Type': ctx.get('Content-Type') },
      body: limited(ctx.req, maxBytes) as unknown as ReadableStream,
      duplex: 'half',
    } as RequestInit).formData();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new ValidationError(messages.badMultipart, { property: 'file' }, 'UPLOAD_INVALID');
  }
  const file = form.get('file') ?? [...form.values()].find((v) => typeof v !== 'string');
  if (!file || typeof file === 'string')
    throw new ValidationError(messages.noFile, { property: 'file' }, 'UPLOAD_NO_FILE');
  if (!file.size) throw emptyUpload();
  return Readable.fromWeb(file.stream() as import('node:stream/web').ReadableStream<Uint8Array>);
}
