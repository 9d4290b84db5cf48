// Runs the compiled server (`npm start`, after the build scripts).
//
// On Linux, glibc gives every thread that calls malloc an arena of its own and keeps what was
// freed there. V8's background garbage-collector threads allocate in theirs, so after a large
// CSV export or ticket creation a server could hold 40 MB more than it uses (measured: the peak
// RSS of a 1,000,000-row download went 165 -> 205 MB in 4 of 14 runs; with MALLOC_ARENA_MAX=2,
// 0 of 10, peak 161-164 MB). glibc reads MALLOC_ARENA_MAX only when a process starts, so when it
// is not set the server runs as a child process with it set; signals are passed on and its exit
// code is this process's. Elsewhere, or when it is set, the server runs in this process.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('../dist/node/server/server.js', import.meta.url));

if (process.platform !== 'linux' || process.env.MALLOC_ARENA_MAX !== undefined) {
  await import(server);
} else {
  const child = spawn(process.execPath, [...process.execArgv, server], {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
}
