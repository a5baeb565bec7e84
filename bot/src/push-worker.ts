// Delivery of pushes, per (event, group): lease → send → acknowledge, with the pair as the idempotency
// key (issue 11 "Delivery"). A part already posted (sent journal) is never posted again; what is not
// acknowledged comes back after its lease and is sent then; a failed send is retried with back-off.
import { ApiClient, ApiError } from './api';
import { renderPush, type Delivery } from './pushes';
import { SendPace } from './rate-limit';
import { splitMessage } from './replies';
import { SentJournal } from './sent-journal';

const messages = {
  renderFailed: '生成推送内容失败',
};

/** Where a push goes: a WeChat group through the puppet, or a push-only channel (e.g. a webhook). */
export interface PushChannel {
  /** Posts `text` to the group; rejects when it could not (the pair is then retried later). */
  send(roomId: string, text: string): Promise<void>;
}

export interface PushWorkerOptions {
  api: ApiClient;
  channel: PushChannel;
  /** This instance's name in leases (one per running bot). */
  consumer: string;
  pace: SendPace;
  journal: SentJournal;
  /** Lease length asked for, seconds (default 120). */
  leaseSeconds?: number;
  /** Pairs leased at a time (default 20). */
  batch?: number;
  /** Pause between polls when nothing is due, ms (default 5 s). */
  pollMs?: number;
  /** Max message length before splitting at line boundaries. */
  maxMessageLength?: number;
  /** The bot's clock for texts ("还有 2 天"); the server's clock drives leases. */
  now?: () => Date;
  log?: (line: string, err?: unknown) => void;
}

/** Back-off after the n-th failed attempt: 30 s, 1 min, 2 min … at most 1 h. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Margin kept before a lease ends (15 s, at most a third of the lease): a part is not started later than
 * this, so no other instance can hold the pair while it is being posted.
 */
function leaseMarginMs(leaseSeconds: number): number {
  return Math.min(15_000, (leaseSeconds * 1000) / 3);
}

export class PushWorker {
  private running = false;
  private dead = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Pairs posted whose acknowledgement has not gone through yet (retried on the next round). */
  private readonly unacked = new Set<string>();
  delivered = 0;

  constructor(private readonly o: PushWorkerOptions) {}

  /** Polls until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running && !this.dead) {
        let n = 0;
        try {
          n = await this.runOnce();
        } catch (err) {
          this.o.log?.('push round failed', err);
        }
        if (n === 0 && this.running) await this.sleep(this.o.pollMs ?? 5000);
      }
    })();
  }

  /** Finishes the part being sent, then stops (unsent pairs go back to the queue when their lease ends). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** As if the process died now: nothing more is sent or acknowledged (tests of restarts). */
  kill(): void {
    this.dead = true;
    this.running = false;
    this.wake?.();
  }

  /** Polls now instead of after the pause. */
  poke(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async ack(id: string): Promise<void> {
    if (this.dead) return;
    try {
      await this.o.api.call('POST', `/bot/deliveries/${encodeURIComponent(id)}/ack`);
      this.unacked.delete(id);
    } catch (err) {
      // Stays in `unacked`; the journal keeps it from being posted again when it is leased again.
      this.unacked.add(id);
      if (!(err instanceof ApiError && err.status === 404)) this.o.log?.('ack failed', err);
      else this.unacked.delete(id);
    }
  }

  /** One lease round: returns how many pairs were delivered (acknowledged) in it. */
  async runOnce(): Promise<number> {
    if (this.dead) return 0;
    for (const id of [...this.unacked]) await this.ack(id);
    const leaseSeconds = this.o.leaseSeconds ?? 120;
    const leasedAt = Date.now();
    const page = await this.o.api.call<{ items: Delivery[] }>('GET', '/bot/deliveries', {
      query: { consumer: this.o.consumer, limit: this.o.batch ?? 20, leaseSeconds },
    });
    const deadline = leasedAt + leaseSeconds * 1000 - leaseMarginMs(leaseSeconds);
    let delivered = 0;
    for (const d of page.items) {
      if (this.dead || !this.running) break;
      const outcome = await this.deliver(d, deadline);
      if (outcome === 'delivered') delivered++;
      if (outcome === 'out-of-time') break;
    }
    this.delivered += delivered;
    return delivered;
  }

  private async deliver(
    d: Delivery,
    deadline: number,
  ): Promise<'delivered' | 'failed' | 'out-of-time' | 'stopped'> {
    let text: string;
    try {
      text = await renderPush(this.o.api, d, this.o.now?.() ?? new Date());
    } catch (err) {
      this.o.log?.(messages.renderFailed, err);
      await this.fail(
        d,
        err instanceof ApiError ? `${messages.renderFailed}：${err.code}` : messages.renderFailed,
      );
      return 'failed';
    }
    const parts = splitMessage(text, this.o.maxMessageLength ?? 1500);
    for (let i = 0; i < parts.length; i++) {
      const key = `${d.id}#${i}`;
      if (this.o.journal.has(key)) continue;
      const wait = this.o.pace.waitFor(d.roomId);
      // Not started past the lease: another instance may hold the pair by then.
      if (Date.now() + wait > deadline) return 'out-of-time';
      if (wait > 0) await this.sleep(wait);
      if (this.dead || !this.running) return 'stopped';
      if (Date.now() > deadline) return 'out-of-time';
      try {
        await this.o.channel.send(d.roomId, parts[i]);
      } catch (err) {
        if (this.dead) return 'stopped';
        await this.fail(d, err instanceof Error ? err.message : String(err));
        return 'failed';
      }
      // Posted: remember it first, whatever happens next (a crash before the ack must not post it twice).
      this.o.journal.add(key);
      this.o.pace.taken(d.roomId);
      if (this.dead) return 'stopped';
    }
    if (this.dead) return 'stopped';
    await this.ack(d.id);
    return 'delivered';
  }

  private async fail(d: Delivery, error: string): Promise<void> {
    if (this.dead) return;
    await this.o.api
      .call('POST', `/bot/deliveries/${encodeURIComponent(d.id)}/fail`, {
        body: { error: error.slice(0, 500) || '发送失败', retryInSeconds: backoffSeconds(d.attempts) },
      })
      .catch((err) => this.o.log?.('fail report failed', err));
  }
}
