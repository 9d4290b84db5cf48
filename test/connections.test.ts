import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINGERING } from '../server/connections.js';
import { type FreshDatabase, freshDatabase, testStore } from './databases.js';
import { type ServerProcess, startServer } from './processes.js';

// A real server process with short limits, flooded from this one. Latencies are printed; the
// bounds are the issue's: p99 within 100 ms, none over 250 ms (other test files may share the CPU).
const limits = {
  MAX_CONNECTIONS: 300,
  HEADERS_TIMEOUT_MS: 2000,
  REQUEST_TIMEOUT_MS: 3000,
  // Long enough for the client that stays connected through the flood (agents close a second early).
  KEEP_ALIVE_TIMEOUT_MS: 5000,
};

let server: ServerProcess;
let db: FreshDatabase;
let port: number;

beforeAll(async () => {
  db = await freshDatabase();
  server = await startServer(db.url, Object.fromEntries(Object.entries(limits).map(([k, v]) => [k, String(v)])));
  port = Number(new URL(server.url).port);
}, 60_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await db?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET /healthz and the milliseconds until its whole answer arrived; `agent: false` opens a new connection. */
function healthz(agent: http.Agent | false): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
  });
}

/** Asks /healthz every `everyMs` until `done` resolves; returns every answer. */
async function watchHealthz(agent: http.Agent | false, done: Promise<unknown>, everyMs = 50) {
  const answers: { status: number; ms: number }[] = [];
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    answers.push(await healthz(agent));
    await sleep(everyMs);
  }
  return answers;
}

/** Every answer 200, p99 within 100 ms, none over 250 ms. */
function expectResponsive(answers: { status: number; ms: number }[]) {
  expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
  const { p99, max } = summary(answers);
  expect(p99).toBeLessThanOrEqual(100);
  expect(max).toBeLessThanOrEqual(250);
}

function summary(answers: { ms: number }[]) {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  return { n: sorted.length, p99: Math.round(p99 * 10) / 10, max: Math.round((sorted.at(-1) ?? 0) * 10) / 10 };
}

interface Idle {
  socket: net.Socket;
  /** What the server sent, and when the connection closed (ms after it opened), once it has. */
  received: () => string;
  closed: Promise<number>;
}

/** A connection that sends nothing; resolves once it is open. */
function openIdle(): Promise<Idle> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.on('error', () => {});
    const closed = new Promise<number>((r) => socket.once('close', () => r(performance.now() - started)));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/**
 * The flood runs in a process of its own, so that opening hundreds of sockets does not delay the
 * clock of the client measuring /healthz here. It opens `count` connections that send nothing,
 * says when all are open, and reports, once the server has closed them all, what each received
 * and after how long it closed.
 */
const FLOODER = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
const conns = [];
let open = 0;
const report = () => {
  console.log(JSON.stringify({ done: conns }));
  process.exit(0);
};
for (let i = 0; i < count; i++) {
  const started = performance.now();
  const c = { received: '', closedAfter: -1 };
  conns.push(c);
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  socket.on('data', (d) => { c.received += d; });
  socket.on('error', () => {});
  socket.once('connect', () => { if (++open === count) console.log(JSON.stringify({ open: true })); });
  socket.once('close', () => {
    c.closedAfter = performance.now() - started;
    if (conns.length === count && conns.every((x) => x.closedAfter >= 0)) report();
  });
}
setTimeout(report, 20000);
`;

interface Flooded {
  received: string;
  closedAfter: number;
}

function flood(count: number) {
  const child = spawn(process.execPath, ['-e', FLOODER, String(port), String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let opened = () => {};
  let done: (conns: Flooded[]) => void = () => {};
  const result = {
    opened: new Promise<void>((resolve) => (opened = resolve)),
    done: new Promise<Flooded[]>((resolve) => (done = resolve)),
  };
  let buffer = '';
  child.stdout?.on('data', (chunk) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, i)) as { open?: true; done?: Flooded[] };
      buffer = buffer.slice(i + 1);
      if (message.open) opened();
      if (message.done) done(message.done);
    }
  });
  return result;
}

const openFiles = () => fs.readdirSync(`/proc/${server.child.pid}/fd`).length;

// Other test files may run beside this one and take the CPU from the server for a moment: a
// test that misses its latency bound is tried again (the server is clean again by then).
describe(`connection limits (${testStore}, a real server process)`, { retry: 2 }, () => {
  it('many idle sockets from one client: /healthz keeps answering, the surplus gets 503 at once, idle ones are closed after HEADERS_TIMEOUT_MS', async () => {
    const files = openFiles();
    // A client connected before the flood asks all along (which also keeps its connection alive).
    const keptAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await healthz(keptAlive)).status).toBe(200);
    let stop = () => {};
    const watcher = watchHealthz(keptAlive, new Promise<void>((resolve) => (stop = resolve)), 20);

    // Below the limit: new connections are served as usual.
    const below = flood(250);
    await below.opened;
    const fresh = [];
    for (let i = 0; i < 20; i++) fresh.push(await healthz(false));

    // Past it: 500 more. The ~50 under the limit are held; the others are answered 503 at once.
    const past = flood(500);
    await past.opened;
    const openWhileFull = openFiles();
    const [first, second] = await Promise.all([below.done, past.done]);
    const after = await healthz(false);
    stop();
    const during = await watcher;
    keptAlive.destroy();

    const refused = second.filter((c) => c.received.startsWith('HTTP/1.1 503'));
    const held = [...first, ...second.filter((c) => !refused.includes(c))];
    console.log('healthz while flooded with idle sockets', {
      newConnectionsBelowLimit: summary(fresh),
      connectedClientThroughout: summary(during),
      refusedClosedAfterMs: summary(refused.map((c) => ({ ms: c.closedAfter }))),
      idleClosedAfterMs: summary(held.map((c) => ({ ms: c.closedAfter }))),
      serverOpenFiles: { before: files, whileFull: openWhileFull },
    });

    expect(refused.length).toBeGreaterThanOrEqual(440);
    expect(refused.length).toBeLessThanOrEqual(460);
    expect(refused[0]?.received).toMatch(/\r\nRetry-After: 5\r\n/i);
    expect(refused[0]?.received).toContain('"code":"service_unavailable"');
    expect(Math.max(...refused.map((c) => c.closedAfter))).toBeLessThan(1500);
    expect(server.output()).toContain('"limit":"max_connections"');
    // The process's open files stay bounded: the limit, plus refused connections being answered.
    expect(openWhileFull).toBeLessThan(files + limits.MAX_CONNECTIONS + MAX_LINGERING + 20);
    // The server closes the idle ones itself after HEADERS_TIMEOUT_MS, with a 408.
    expect(held.every((c) => c.received.startsWith('HTTP/1.1 408'))).toBe(true);
    expect(held[0]?.received).toContain('"code":"request_timeout"');
    expect(Math.min(...held.map((c) => c.closedAfter))).toBeGreaterThanOrEqual(limits.HEADERS_TIMEOUT_MS - 50);
    expect(Math.max(...held.map((c) => c.closedAfter))).toBeLessThan(limits.HEADERS_TIMEOUT_MS + 1500);
    expect(server.output()).toContain('"limit":"request_timeout"');
    // Meanwhile /healthz kept answering: the connected client throughout, new clients below the limit and after.
    expectResponsive([...fresh, ...during, after]);
  }, 30_000);

  it('slow request bodies are dropped with 408 after REQUEST_TIMEOUT_MS, and /healthz keeps answering meanwhile', async () => {
    const slow = Array.from({ length: 50 }, async () => {
      const client = await openIdle();
      client.socket.write(
        'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"username":"',
      );
      const drip = setInterval(() => client.socket.writable && client.socket.write('a'), 100);
      const closedAfter = await client.closed;
      clearInterval(drip);
      return { closedAfter, received: client.received() };
    });
    const done = Promise.all(slow);
    const during = await watchHealthz(false, done);
    const dropped = await done;
    console.log('healthz during 50 slow request bodies', summary(during), {
      droppedAfterMs: summary(dropped.map((d) => ({ ms: d.closedAfter }))),
    });
    for (const d of dropped) {
      expect(d.closedAfter).toBeGreaterThanOrEqual(limits.REQUEST_TIMEOUT_MS - 50);
      expect(d.closedAfter).toBeLessThan(limits.REQUEST_TIMEOUT_MS + 1500);
      expect(d.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    }
    expect(during.length).toBeGreaterThan(20);
    expectResponsive(during);
  }, 30_000);
});
