// Notice attachments on disk: type and size limits, checked while the upload streams to a temporary file
// that becomes the attachment only when every check passed (a refused upload leaves nothing behind).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, ValidationError } from '../http/errors';

const messages = {
  tooLarge: (mb: number) => `附件过大，单个附件不能超过 ${mb} MB`,
  empty: '附件是空文件，请重新选择',
  badName: '附件文件名不合法（不能为空、不能超过 200 个字符、不能含有 / \\ 等特殊字符）',
  badType: (ext: string) =>
    `不支持的附件类型${ext ? `「.${ext}」` : ''}，仅支持 pdf、doc、docx、xls、xlsx、ppt、pptx、jpg、png、zip、txt`,
  mismatch: (ext: string) => `附件内容与文件类型「.${ext}」不符，请确认文件没有损坏或被改名`,
  interrupted: '附件上传中断，请重新上传',
};

export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
/** Bytes looked at before anything is written: magic numbers, and NUL bytes for text. */
const SNIFF_BYTES = 8192;

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith =
  (...signatures: number[][]) =>
  (head: Buffer) =>
    signatures.some((sig) => head.length >= sig.length && sig.every((b, i) => head[i] === b));
const ZIP = startsWith([0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]);
const isText = (head: Buffer) => !head.includes(0);

interface AttachmentType {
  contentType: string;
  /** Checks the first bytes, so a renamed executable is not offered as a document. */
  looksRight: (head: Buffer) => boolean;
}

export const ATTACHMENT_TYPES: Record<string, AttachmentType> = {
  pdf: { contentType: 'application/pdf', looksRight: startsWith([0x25, 0x50, 0x44, 0x46, 0x2d]) },
  doc: { contentType: 'application/msword', looksRight: startsWith(OLE) },
  xls: { contentType: 'application/vnd.ms-excel', looksRight: startsWith(OLE) },
  ppt: { contentType: 'application/vnd.ms-powerpoint', looksRight: startsWith(OLE) },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    looksRight: ZIP,
  },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', looksRight: ZIP },
  pptx: {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    looksRight: ZIP,
  },
  jpg: { contentType: 'image/jpeg', looksRight: startsWith([0xff, 0xd8, 0xff]) },
  jpeg: { contentType: 'image/jpeg', looksRight: startsWith([0xff, 0xd8, 0xff]) },
  png: {
    contentType: 'image/png',
    looksRight: startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  zip: { contentType: 'application/zip', looksRight: ZIP },
  txt: { contentType: 'text/plain', looksRight: isText },
};

export class AttachmentTooLargeError extends AppError {
  constructor() {
    super(413, 'ATTACHMENT_TOO_LARGE', messages.tooLarge(ATTACHMENT_MAX_BYTES / 1024 / 1024), {
      property: 'file',
      maxBytes: ATTACHMENT_MAX_BYTES,
    });
  }
}

export interface CheckedName {
  filename: string;
  extension: string;
  type: AttachmentType;
}

// Control characters and what Windows refuses in file names.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f"<>|:*?]/;

/** The display name (browsers may send a full client path) and its type; 400 when either is unusable. */
export function checkAttachmentName(raw: string, property = 'filename'): CheckedName {
  const filename = raw.split(/[\\/]/).pop()!.trim();
  if (!filename || filename.length > 200 || UNSAFE_NAME_CHARS.test(filename) || /^\.+$/.test(filename)) {
    throw new ValidationError(messages.badName, { property }, 'ATTACHMENT_NAME_INVALID');
  }
  const dot = filename.lastIndexOf('.');
  const extension = dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
  const type = Object.hasOwn(ATTACHMENT_TYPES, extension) ? ATTACHMENT_TYPES[extension] : undefined;
  if (!type)
    throw new ValidationError(messages.badType(extension), { property }, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  return { filename, extension, type };
}

/** Why these bytes can't be an attachment of that name (size so far, first bytes), or undefined. */
export function contentProblem(name: CheckedName, head: Uint8Array, size: number): AppError | undefined {
  if (size > ATTACHMENT_MAX_BYTES) return new AttachmentTooLargeError();
  if (size === 0) return new ValidationError(messages.empty, { property: 'file' }, 'ATTACHMENT_EMPTY');
  if (!name.type.looksRight(Buffer.from(head.subarray(0, SNIFF_BYTES)))) {
    return new ValidationError(
      messages.mismatch(name.extension),
      { property: 'file' },
      'ATTACHMENT_CONTENT_MISMATCH',
    );
  }
  return undefined;
}

/** Counts bytes (refusing past the limit) and holds the first bytes back until the type check passed. */
class UploadGuard extends Transform {
  size = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private checked = false;

  constructor(private readonly name: CheckedName) {
    super();
  }

  private check(): Error | undefined {
    const problem = contentProblem(this.name, Buffer.concat(this.head), this.size);
    if (problem) return problem;
    this.checked = true;
    for (const chunk of this.head) this.push(chunk);
    this.head = [];
    return undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > ATTACHMENT_MAX_BYTES) return done(new AttachmentTooLargeError());
    if (this.checked) return done(null, chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    done(this.headBytes >= SNIFF_BYTES ? this.check() : undefined);
  }

  override _flush(done: TransformCallback): void {
    done(this.checked ? undefined : this.check());
  }
}

/** Where a notice's files live: `<dir>/<noticeId>/<attachmentId>`. */
export class AttachmentStore {
  constructor(readonly dir: string) {}

  pathOf(noticeId: string, attachmentId: string): string {
    return path.join(this.dir, noticeId, attachmentId);
  }

  /**
   * Streams `source` into the store under the checks above. Resolves with the size once the file is in
   * place; on any refusal or failure the partial file is removed and the error rethrown.
   */
  async write(
    noticeId: string,
    attachmentId: string,
    name: CheckedName,
    source: Readable | AsyncIterable<Uint8Array>,
  ): Promise<number> {
    const final = this.pathOf(noticeId, attachmentId);
    const partial = `${final}.part`;
    await mkdir(path.dirname(final), { recursive: true });
    const guard = new UploadGuard(name);
    try {
      await pipeline(source, guard, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, final);
      return guard.size;
    } catch (err) {
      await rm(partial, { force: true });
      if (err instanceof AppError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR') {
        throw new ValidationError(messages.interrupted, { property: 'file' }, 'ATTACHMENT_INTERRUPTED');
      }
      throw err;
    }
  }

  async remove(noticeId: string, attachmentId: string): Promise<void> {
    await rm(this.pathOf(noticeId, attachmentId), { force: true });
  }

  /** Every file of a notice (a deleted draft), partial uploads included. */
  async removeNotice(noticeId: string): Promise<void> {
    await rm(path.join(this.dir, noticeId), { recursive: true, force: true });
  }

  /** A read stream and the size on disk, or undefined when the file is missing. */
  async open(
    noticeId: string,
    attachmentId: string,
  ): Promise<{ stream: Readable; size: number } | undefined> {
    const file = this.pathOf(noticeId, attachmentId);
    try {
      const info = await stat(file);
      return { stream: createReadStream(file), size: info.size };
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
