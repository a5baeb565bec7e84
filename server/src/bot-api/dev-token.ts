// A BOT_TOKEN for development out of the box: when none is configured outside production, one is made
// once and kept in DATA_DIR/bot-token (mode 600), where the local bot (`npm run bot`, the demo) reads it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DEV_BOT_TOKEN_FILE = 'bot-token';

/** Reads DATA_DIR/bot-token, creating it (32 random bytes, base64url) when missing. */
export function devBotToken(dataDir: string): string {
  const file = path.join(dataDir, DEV_BOT_TOKEN_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  } catch {
    /* first start */
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
