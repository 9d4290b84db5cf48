import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { eventually } from './live-client.js';

const root = path.resolve(import.meta.dirname, '..');

/** Compiles the server as `npm start` does (no-op when dist/node is current). */
export function ensureServerBuild(): void {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'ensure-server-build.mjs')], { stdio: 'pipe' });
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/**
 * Starts a real server process (compiled, as in production) and waits until /healthz answers.
 * `script`: what node runs, relative to the repository (the compiled server, or npm start's launcher).
 */
export async function startServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  script = 'dist/node/server/server.js',
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [path.join(root, script)], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      WEB_ROOT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited during start:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, child, output: () => output, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop('SIGKILL');
  throw new Error(`server did not become healthy:\n${output}`);
}

/**
 * With WORKERS > 1: the pids of the workers that listen, as the primary announces them, once there
 * are `count`. /healthz answers as soon as the first one listens.
 */
export async function listeningWorkers(server: ServerProcess, count: number, ms = 20_000): Promise<number[]> {
  const pids = () => [...server.output().matchAll(/worker (\d+) listening/g)].map((m) => Number(m[1]));
  await eventually(() => pids().length >= count, ms).catch(() => {
    throw new Error(`${pids().length} of ${count} workers listened:\n${server.output()}`);
  });
  return pids();
}

/** Registers a user against a running server and returns JSON headers with its bearer token. */
export async function registerRemote(url: string, username: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery' }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

/** Every ticket id of an event through the CSV export of a running server. */
export async function remoteTicketIds(url: string, headers: Record<string, string>, eventId: string, status = 'all') {
  const res = await fetch(`${url}/api/events/${eventId}/tickets.csv?status=${status}`, { headers });
  const text = await res.text();
  return text
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split(',')[0] as string);
}
