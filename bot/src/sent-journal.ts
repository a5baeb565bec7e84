// A short memory of what this bot already posted (bot-cases F3): a part written here is never posted
// again by this bot, even if its acknowledgement was lost or the bot was restarted before it. Kept in
// memory, and appended to a file when a directory is given, so a restart remembers it too.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const KEEP_MS = 7 * 86_400_000;
const MAX_ENTRIES = 200_000;

export class SentJournal {
  private readonly sent = new Map<string, number>();
  private readonly file?: string;

  /** `dir` unset → memory only. */
  constructor(dir?: string) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'bot-sent.log');
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      /* first start */
    }
    const cutoff = Date.now() - KEEP_MS;
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const at = Number(line.slice(0, tab));
      if (at >= cutoff) this.sent.set(line.slice(tab + 1), at);
    }
    // Rewritten without the old lines, so the file stays small.
    writeFileSync(this.file, [...this.sent].map(([k, at]) => `${at}\t${k}\n`).join(''));
  }

  has(key: string): boolean {
    return this.sent.has(key);
  }

  /** Remembers `key` (synchronously on disk before returning, so a crash right after still knows it). */
  add(key: string): void {
    const at = Date.now();
    this.sent.set(key, at);
    if (this.file) appendFileSync(this.file, `${at}\t${key}\n`);
    if (this.sent.size > MAX_ENTRIES) {
      for (const k of [...this.sent.keys()].slice(0, this.sent.size - MAX_ENTRIES)) this.sent.delete(k);
    }
  }
}
