// Child processes started by this process (database servers) are remembered so that an abrupt
// exit still takes them down: nothing we start is left behind.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

const children = new Map<ChildProcess, number[]>();
let hooked = false;

/**
 * Remembers `child` (and `alsoPids`, e.g. the database server a watchdog child runs) so that they are
 * SIGKILLed if this process exits without stopping them.
 */
export function adopt(child: ChildProcess, alsoPids: number[] = []): void {
  children.set(child, alsoPids);
  child.once('exit', () => children.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const [c, pids] of children) {
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
        try {
          c.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    });
  }
}

/** Asks the OS for a free loopback port (parallel test files and checkouts never share one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True while `pid` runs; a zombie (exited, not yet reaped by its parent or init) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): the signal said it exists
  }
}

/**
 * SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. `alsoPids` (the
 * program a watchdog child runs) get the same signals first, so nothing outlives a SIGKILLed watchdog.
 */
export async function terminate(child: ChildProcess, graceMs = 5000, alsoPids: number[] = []): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of alsoPids) {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
    child.kill(sig);
  };
  if (child.exitCode !== null || child.signalCode !== null) {
    if (alsoPids.some(isAlive)) signal('SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  if (alsoPids.some(isAlive)) signal('SIGKILL');
  for (let i = 0; i < 100 && alsoPids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 10));
}
