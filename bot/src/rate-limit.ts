// Sending pace: a minimum gap between two messages overall and within one group. Personal WeChat
// accounts get restricted when they post fast; the defaults stay well below that.

/** Messages per minute, overall and per group. */
export interface RateLimits {
  perMinute: number;
  perGroupPerMinute: number;
}

/** Defaults safe for a personal WeChat account: one message every 3 s overall, every 10 s per group. */
export const DEFAULT_RATE_LIMITS: RateLimits = { perMinute: 20, perGroupPerMinute: 6 };

export class SendPace {
  private nextOverall = 0;
  private readonly nextByGroup = new Map<string, number>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until a message may go to `groupId` (0: now). */
  waitFor(groupId: string): number {
    const t = this.now();
    return Math.max(0, this.nextOverall - t, (this.nextByGroup.get(groupId) ?? 0) - t);
  }

  /** Records a message sent to `groupId` now. */
  taken(groupId: string): void {
    const t = this.now();
    this.nextOverall = Math.max(this.nextOverall, t) + 60_000 / this.limits.perMinute;
    this.nextByGroup.set(
      groupId,
      Math.max(this.nextByGroup.get(groupId) ?? 0, t) + 60_000 / this.limits.perGroupPerMinute,
    );
    if (this.nextByGroup.size > 10_000) {
      for (const [g, until] of this.nextByGroup) if (until < t) this.nextByGroup.delete(g);
    }
  }
}
