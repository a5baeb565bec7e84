import { hash, verify, type Options } from '@node-rs/argon2';

// argon2id (OWASP's baseline: 19 MiB, 2 passes), native and run off the event loop on libuv's pool, so
// logins on one instance use every core. The binary arrives as a platform package: no install script.
// `Algorithm.Argon2id` is an ambient const enum (unusable under isolatedModules); its value is 2.
const OPTIONS: Options = {
  algorithm: 2 as Options['algorithm'],
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  try {
    return await verify(stored, plain);
  } catch {
    return false; // a malformed stored hash never verifies
  }
}

/** A random password of letters and digits, for printed one-time credentials. */
export function randomPassword(length = 12): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
