// Files to and from the server outside the JSON request module: exports (XLSX) are downloaded with
// the session's token and saved (H5) or opened with the share menu (weapp); attachments and base-data
// shares are chosen on the device and sent with Taro.uploadFile as multipart `file`. Errors become a zh-CN toast and a rejected
// promise; a 401 is retried once after the request module refreshed the session.
import Taro from '@tarojs/taro';
import { loadSession } from './session';
import { API_BASE, request, type RequestOptions } from './request';

const messages = {
  downloadFailed: '下载失败，请稍后再试',
  uploadFailed: (reason: string) => `上传失败：${reason}`,
  cancelled: '未选择文件',
};

function url(path: string, query?: RequestOptions['query']): string {
  const parts = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return `${API_BASE}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

const authHeader = (): Record<string, string> => {
  const token = loadSession()?.accessToken;
  return token ? { Authorization: `Bearer ${token}` } : {};
};

/** Lets the request module trade an expired access token for a new one (its one refresh on 401). */
async function refreshSession(): Promise<void> {
  await request('/me', { silent: true }).catch(() => undefined);
}

/**
 * Downloads `path?query` (an XLSX export, an attachment) and hands it to the user: H5 saves it as
 * `filename`; weapp opens it with the share menu so it can be forwarded or saved.
 */
export async function downloadFile(
  path: string,
  filename: string,
  query?: RequestOptions['query'],
): Promise<void> {
  try {
    let res = await Taro.downloadFile({ url: url(path, query), header: authHeader() });
    if (res.statusCode === 401) {
      await refreshSession();
      res = await Taro.downloadFile({ url: url(path, query), header: authHeader() });
    }
    if (res.statusCode !== 200) throw new Error(String(res.statusCode));
    if (process.env.TARO_ENV === 'h5') {
      const link = document.createElement('a');
      link.href = res.tempFilePath;
      link.download = filename;
      link.click();
    } else await Taro.openDocument({ filePath: res.tempFilePath, showMenu: true });
  } catch (err) {
    Taro.showToast({ title: messages.downloadFailed, icon: 'none' });
    throw err;
  }
}

/** A file the user picked: a path Taro.uploadFile can send (a temp path in weapp, an object URL in H5). */
export interface Picked {
  name: string;
  path: string;
  /** Releases an H5 object URL once it has been sent. */
  release?: () => void;
}

/** H5 has no chooseMessageFile: a hidden `<input type=file>` lets the user pick one. */
function pickOnH5(accept?: string): Promise<Picked> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    if (accept) input.accept = accept;
    input.style.display = 'none';
    input.onchange = () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return reject(new Error(messages.cancelled));
      const path = URL.createObjectURL(file);
      resolve({ name: file.name, path, release: () => URL.revokeObjectURL(path) });
    };
    input.addEventListener('cancel', () => {
      input.remove();
      reject(new Error(messages.cancelled));
    });
    document.body.appendChild(input);
    input.click();
  });
}

/** WeChat: a file from a chat (the only way a phone user reaches a spreadsheet or a document). */
async function pickOnWeapp(extensions?: string[]): Promise<Picked> {
  const res = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: extensions });
  const f = res.tempFiles[0];
  return { name: f.name, path: f.path };
}

/**
 * The server's zh-CN message, with the first bad row of a refused file (`details.problems` or
 * `details.rows`: `[{ message: "第 N 行：…" }]`) so the user knows where to look.
 */
function errorText(status: number, body: string): string {
  try {
    const error = JSON.parse(body)?.error;
    const first = (error?.details?.problems ?? error?.details?.rows)?.[0]?.message;
    return [error?.message ?? String(status), first].filter(Boolean).join(' ');
  } catch {
    return String(status);
  }
}

export interface UploadOptions {
  /** File name extensions offered (`['xlsx', 'csv']`); all files when absent. */
  extensions?: string[];
  /** The route wants the file's name as `?filename=` beside the multipart part (monthly reports). */
  filenameQuery?: boolean;
  /** Other query parameters of the upload route (`kind` of a base-data share). */
  query?: RequestOptions['query'];
}

/** Uploads can be slow (a province's base-data share): as long as the server's long routes allow. */
const UPLOAD_TIMEOUT_MS = 15 * 60_000;

/** Lets the user pick one file (chooseMessageFile in WeChat, a file input in H5); rejects when none. */
export function pickFile(opts: Pick<UploadOptions, 'extensions'> = {}): Promise<Picked> {
  return process.env.TARO_ENV === 'h5'
    ? pickOnH5(opts.extensions?.map((e) => `.${e}`).join(','))
    : pickOnWeapp(opts.extensions);
}

/**
 * Sends a picked file to `path` with Taro.uploadFile as multipart `file` (again when retried; the
 * caller releases it); resolves with the server's JSON answer. A server refusal (size, type, a bad row)
 * is shown as its zh-CN message and rejects with that message.
 */
export async function uploadPicked<T = unknown>(
  path: string,
  picked: Picked,
  opts: Omit<UploadOptions, 'extensions'> = {},
): Promise<T> {
  const target = url(path, { ...opts.query, ...(opts.filenameQuery ? { filename: picked.name } : {}) });
  const send = async (): Promise<{ status: number; body: string }> => {
    const res = await Taro.uploadFile({
      url: target,
      filePath: picked.path,
      name: 'file',
      header: authHeader(),
      timeout: UPLOAD_TIMEOUT_MS,
      // H5 only: the name the multipart part carries (an object URL has none).
      ...({ fileName: picked.name, withCredentials: false } as object),
    });
    return { status: res.statusCode, body: String(res.data) };
  };
  let res = await send();
  if (res.status === 401) {
    await refreshSession();
    res = await send();
  }
  if (res.status < 200 || res.status >= 300) {
    const text = messages.uploadFailed(errorText(res.status, res.body));
    Taro.showToast({ title: text, icon: 'none', duration: 3000 });
    throw new Error(text);
  }
  return JSON.parse(res.body) as T;
}

/** Picks one file and sends it (pickFile, then uploadPicked); the picked file is released afterwards. */
export async function pickAndUpload<T = unknown>(path: string, opts: UploadOptions = {}): Promise<T> {
  const picked = await pickFile(opts);
  try {
    return await uploadPicked<T>(path, picked, opts);
  } finally {
    picked.release?.();
  }
}
