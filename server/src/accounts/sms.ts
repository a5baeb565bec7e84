// SMS through a provider interface. The recording provider is the honest test/dev stand-in: it keeps what
// it "sent" where tests (and the dev console) can read it. The HTTP provider talks to a real gateway.

export interface SmsMessage {
  mobile: string;
  text: string;
  at: Date;
}

export interface SmsProvider {
  readonly name: string;
  send(mobile: string, text: string): Promise<void>;
}

export class RecordingSmsProvider implements SmsProvider {
  readonly name = 'recording';
  readonly sent: SmsMessage[] = [];
  constructor(private readonly echo?: (line: string) => void) {}

  async send(mobile: string, text: string): Promise<void> {
    this.sent.push({ mobile, text, at: new Date() });
    this.echo?.(`[短信·开发模式] ${mobile}: ${text}`);
  }

  /** The last verification code sent to a mobile (6 digits in the text). */
  lastCodeFor(mobile: string): string | undefined {
    const msg = [...this.sent].reverse().find((m) => m.mobile === mobile);
    return msg ? /(\d{6})/.exec(msg.text)?.[1] : undefined;
  }
}

/** A generic JSON-over-HTTPS SMS gateway (SMS_GATEWAY_URL + SMS_GATEWAY_TOKEN). */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async send(mobile: string, text: string): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ mobile, text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  }
}
