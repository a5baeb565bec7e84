// WeChat mini-program login: the `wx.login` code is exchanged for an openid (code2session).
// The fake is the honest test stand-in behind the same interface.

export interface WechatSession {
  openId: string;
  unionId?: string;
}

export interface WechatAuth {
  readonly name: string;
  /** Resolves the identity behind a `wx.login` code; undefined for an invalid or used code. */
  codeToSession(code: string): Promise<WechatSession | undefined>;
}

/** Real client of WeChat's jscode2session endpoint. */
export class Code2SessionClient implements WechatAuth {
  readonly name = 'code2session';
  constructor(
    private readonly appId: string,
    private readonly secret: string,
    private readonly endpoint = 'https://api.weixin.qq.com/sns/jscode2session',
  ) {}

  async codeToSession(code: string): Promise<WechatSession | undefined> {
    const url = new URL(this.endpoint);
    url.search = new URLSearchParams({
      appid: this.appId,
      secret: this.secret,
      js_code: code,
      grant_type: 'authorization_code',
    }).toString();
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { openid?: string; unionid?: string; errcode?: number };
    if (!body.openid || body.errcode) return undefined;
    return { openId: body.openid, unionId: body.unionid };
  }
}

/** Test/dev stand-in: codes are issued by the test (as wx.login would) and each can be used once. */
export class FakeWechatAuth implements WechatAuth {
  readonly name = 'fake';
  private readonly codes = new Map<string, string>();
  private counter = 0;

  /** What `wx.login` would return on the device of the given WeChat user. */
  issueCode(openId: string): string {
    const code = `wxcode-${++this.counter}-${openId}`;
    this.codes.set(code, openId);
    return code;
  }

  async codeToSession(code: string): Promise<WechatSession | undefined> {
    const openId = this.codes.get(code);
    if (!openId) return undefined;
    this.codes.delete(code);
    return { openId };
  }
}
