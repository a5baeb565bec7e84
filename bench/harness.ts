// Shared parts of the benchmarks: a real server over HTTP on a provisioned database, and percentiles.
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig, repoRoot } from '../server/src/config';
import { provisionDatabase, type ProvisionedDatabase } from '../server/src/db/provision';
import { writeScale, type ScaleResult } from '../server/src/demo/scale';
import { createLogger } from '../server/src/logger';
import { Region } from '../server/src/regions/model';
import { startServer, type RunningServer, type StartOptions } from '../server/src/server';

export interface BenchServer {
  server: RunningServer;
  database: ProvisionedDatabase;
  stop(): Promise<void>;
}

/** Provisions a database exactly as the tests do (MONGODB_URI wins) and starts a server on it. */
export async function startBenchServer(
  dbName: string,
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'scheduler' | 'clock'> = {},
): Promise<BenchServer> {
  const database = await provisionDatabase({
    purpose: 'test',
    dataDir: path.join(repoRoot, 'data'),
    cacheDir: process.env.CACHE_DIR || path.join(repoRoot, '.cache'),
    log: (line) => console.log(`  ${line}`),
  });
  const config = loadConfig({
    DEMO_DATA: '0',
    ADMIN_INITIAL_PASSWORD: 'Admin12345',
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  config.dbName = dbName;
  const server = await startServer(config, {
    database,
    logger: createLogger(process.env.LOG_LEVEL || 'silent'),
    print: () => {},
    ...options,
  });
  return {
    server,
    database,
    async stop() {
      await mongoose.connection.dropDatabase().catch(() => {});
      await server.close();
      await database.stop();
    },
  };
}

/** Logs in over HTTP and returns the Authorization header for the token. */
export async function bearerFor(apiUrl: string, account: string, password: string) {
  const res = await fetch(`${apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ account, password }),
  });
  if (res.status !== 200) throw new Error(`login ${account} failed: ${res.status}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { Authorization: `Bearer ${accessToken}` };
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function fmt(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/** A JSON caller of the bench server's API with a bearer token (the response is returned as is). */
export function benchApi(bench: BenchServer) {
  return (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${bench.server.url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
}

/**
 * Writes the benchmark province: 福建省 (350000) with about 20,000 schools spread evenly over its
 * county-level regions (scale generator, seed 7, no teachers). Returns the county count and what the
 * generator reports (counts written, elapsed ms).
 */
export async function writeFujianOf20000(): Promise<{ counties: number; written: ScaleResult }> {
  const counties = await Region.countDocuments({ countyLevel: true, path: '350000' });
  const written = await writeScale({
    provinces: ['35'],
    schoolsPerCounty: Math.ceil(20_000 / counties),
    teachersPerSchool: 0,
    seed: 7,
  });
  return { counties, written };
}
