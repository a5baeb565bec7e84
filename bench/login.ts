// Login throughput with argon2id (19 MiB, t=2, native) over HTTP.
import { User } from '../server/src/accounts/model';
import { hashPassword } from '../server/src/accounts/passwords';
import { startBenchServer } from './harness';

export async function benchLogin(): Promise<void> {
  // Behind a load balancer each client has its own address: trust X-Forwarded-For to model that.
  const bench = await startBenchServer('bench_login', { TRUST_PROXY: '1' });
  try {
    const users = 50;
    const hash = await hashPassword('Bench12345');
    await User.insertMany(
      Array.from({ length: users }, (_, i) => ({
        loginName: `bench${i}`,
        name: `压测${i}`,
        passwordHash: hash,
      })),
    );
    const total = 200;
    const concurrency = 8;
    let next = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const res = await fetch(`${bench.server.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.0.${i % 250}.1` },
            body: JSON.stringify({ account: `bench${i % users}`, password: 'Bench12345' }),
          });
          if (res.status !== 200) failures++;
          await res.arrayBuffer();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `login (argon2id 19 MiB t=2, ${concurrency} concurrent, one server process): ${total} logins in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(1)}/s, failures ${failures} — on ${bench.server.database.description}`,
    );
  } finally {
    await bench.stop();
  }
}
