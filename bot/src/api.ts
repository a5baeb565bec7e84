// The bot's REST client: every call carries `Authorization: Bot <BOT_TOKEN>`; calls made for a group add
// `X-Bot-Room`, so the server answers as a read-only caller of the group's bound region.

const messages = {
  unreachable: '暂时连不上进展通服务器，请稍后再试',
  serverError: '服务器暂时出了点问题，请稍后再试',
};

/** A failed call: HTTP status and the server's stable error code (never shown to a group as is). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  /** e.g. http://127.0.0.1:3000 (the /api/v1 prefix is added). */
  apiBaseUrl: string;
  botToken: string;
  /** Per-call time limit, ms (default 30 s: a first progress count of a province can take seconds). */
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

export class ApiClient {
  private readonly base: string;

  constructor(private readonly options: ApiClientOptions) {
    this.base = `${options.apiBaseUrl.replace(/\/+$/, '')}/api/v1`;
  }

  /**
   * One JSON call. Resolves the parsed body of a 2xx answer; rejects with ApiError (status 0 and code
   * NETWORK when the server cannot be reached or does not answer in time).
   */
  async call<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    init: { query?: Query; body?: unknown; roomId?: string } = {},
  ): Promise<T> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(init.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Authorization: `Bot ${this.options.botToken}` };
    if (init.roomId) headers['X-Bot-Room'] = init.roomId;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', messages.unreachable);
    }
    const text = await res.text().catch(() => '');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const error = body?.error ?? {};
      throw new ApiError(
        res.status,
        String(error.code ?? `HTTP_${res.status}`),
        String(error.message ?? messages.serverError),
      );
    }
    return body as T;
  }

  /** A GET answered for a group (its region's subtree only). */
  forRoom<T = any>(roomId: string, path: string, query?: Query): Promise<T> {
    return this.call<T>('GET', path, { roomId, query });
  }
}
