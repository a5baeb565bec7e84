// Email through a sender interface, as SMS goes through accounts/sms.ts. The recording sender is the honest
// test/dev stand-in: it keeps what it "sent" where tests (and the dev console) can read it. The SMTP sender
// (nodemailer) is used when SMTP_URL is set.
import nodemailer, { type Transporter } from 'nodemailer';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  at: Date;
}

export interface EmailSender {
  readonly name: string;
  send(to: string, subject: string, text: string): Promise<void>;
}

export class RecordingEmailSender implements EmailSender {
  readonly name = 'recording';
  readonly sent: EmailMessage[] = [];
  constructor(private readonly echo?: (line: string) => void) {}

  async send(to: string, subject: string, text: string): Promise<void> {
    this.sent.push({ to, subject, text, at: new Date() });
    this.echo?.(`[邮件·开发模式] ${to}: ${subject} ${text}`);
  }

  /** The last verification code (6 digits) sent to an address. */
  lastCodeFor(to: string): string | undefined {
    const msg = [...this.sent].reverse().find((m) => m.to === to);
    return msg ? /(\d{6})/.exec(msg.text)?.[1] : undefined;
  }
}

/** SMTP (SMTP_URL, e.g. smtps://user:pass@smtp.example.cn:465; MAIL_FROM the sender address). */
export class SmtpEmailSender implements EmailSender {
  readonly name = 'smtp';
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(to: string, subject: string, text: string): Promise<void> {
    await this.transport.sendMail({ from: this.from, to, subject, text });
  }
}
