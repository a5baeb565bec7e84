// Files to and from the server outside the JSON request module: exports (XLSX) are downloaded with
// the session's token and saved (H5) or opened with the share menu (weapp); notice attachments are
// chosen on the device and uploaded as multipart `file`. Errors become a zh-CN toast and a rejected
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

/** A file the user picked: a path for Taro.uploadFile (weapp) or the File itself (H5). */
interface Picked {
  name: string;
  path?: string;
  file?: File;
}

function pickOnH5(): Promise<Picked> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.style.display = 'none';
    input.onchange = () => {
      const file = input.files?.[0];
      input.remove();
      if (file) resolve({ name: file.name, file });
      else reject(new Error(messages.cancelled));
    };
    document.body.appendChild(input);
    input.click();
  });
}

async function pickOnWeapp(): Promise<Picked> {
  const res = await Taro.chooseMessageFile({ count: 1, type: 'file' });
  const f = res.tempFiles[0];
  return { name: f.name, path: f.path };
}

function errorText(status: number, body: string): string {
  try {
    return JSON.parse(body)?.error?.message ?? String(status);
  } catch {
    return String(status);
  }
}

/**
 * Lets the user pick one file and uploads it to `path` as multipart `file`; resolves with the
 * server's JSON answer. A server refusal (size, type) is shown as its zh-CN message.
 */
export async function pickAndUpload<T = unknown>(path: string): Promise<T> {
  const picked = process.env.TARO_ENV === 'h5' ? await pickOnH5() : await pickOnWeapp();
  const send = async (): Promise<{ status: number; body: string }> => {
    if (picked.file) {
      const form = new FormData();
      form.append('file', picked.file, picked.name);
      const res = await fetch(url(path), { method: 'POST', headers: authHeader(), body: form });
      return { status: res.status, body: await res.text() };
    }
    const res = await Taro.uploadFile({
      url: url(path, { filename: picked.name }),
      filePath: picked.path!,
      name: 'file',
      header: authHeader(),
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
    Taro.showToast({ title: text, icon: 'none', duration: 2500 });
    throw new Error(text);
  }
  return JSON.parse(res.body) as T;
}
