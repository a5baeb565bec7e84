// Watchdog for a database server we start (FerretDB): `node watchdog.cjs <binary> [args…]`.
// It runs the binary and ends it when the process that started us dies, however it dies (kill -9
// included): our stdin is a pipe from that process, and the kernel closes it when the process is gone.
// Also ends it when our parent changes (re-parented to init) or when we get SIGTERM/SIGINT.
// Prints `pid <n>` (the binary's pid) on stdout once it runs; passes the binary's stderr through;
// exits with the binary's exit code. Plain CommonJS so that it starts without a loader (~40 ms).
'use strict';
/* global setInterval */
const { spawn } = require('node:child_process');

const [binary, ...args] = process.argv.slice(2);
if (!binary) {
  process.stderr.write('用法：node watchdog.cjs <程序> [参数…]\n');
  process.exit(2);
}

const parent = process.ppid;
const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'inherit'] });
let ending = false;

/** SIGTERM to the binary, SIGKILL two seconds later if it is still there. */
function end(signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (ending) return;
  ending = true;
  setTimeout(() => child.kill('SIGKILL'), 2000).unref();
}

child.once('spawn', () => process.stdout.write(`pid ${child.pid}\n`));
child.once('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => process.exit(code ?? (signal === 'SIGKILL' ? 137 : 143)));

// The lifeline: end of stdin means the parent is gone.
process.stdin.on('data', () => {});
process.stdin.once('end', () => end('SIGKILL'));
process.stdin.once('error', () => end('SIGKILL'));
process.stdin.resume();

const poll = setInterval(() => {
  if (process.ppid !== parent) end('SIGKILL');
}, 500);
poll.unref();

process.on('SIGTERM', () => end('SIGTERM'));
process.on('SIGINT', () => end('SIGTERM'));
