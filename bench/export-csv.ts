/**
 * Export benchmark: starts a real server process on a fresh SQLite file, creates an event of
 * 1,000,000 tickets through the API, downloads its CSV and samples the server's RSS throughout.
 * Run: npm run bench:export [-- --tickets 1000000]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const arg = process.argv.indexOf('--tickets');
const tickets = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function waitForHealth() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  // Measure the server as `npm start` runs it: compiled JavaScript.
  execFileSync(process.execPath, ['scripts/ensure-server-build.mjs'], { stdio: 'inherit' });
  const child = spawn(process.execPath, ['dist/node/server/server.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${dir}/bench.db`,
      LOG_LEVEL: 'warn',
      WEB_ROOT: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = child.pid as number;
  try {
    await waitForHealth();
    const reg = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench-password' }),
    });
    const { token } = (await reg.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    let t0 = performance.now();
    const created = await fetch(`${base}/api/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Bench', date: '2026-12-31', initialTickets: tickets }),
    });
    const { event } = (await created.json()) as { event: { id: string } };
    const createMs = performance.now() - t0;

    const baselineRss = rssMb(pid);
    let peak = baselineRss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid));
    }, 20);
    t0 = performance.now();
    const res = await fetch(`${base}/api/events/${event.id}/tickets.csv`, { headers });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    const exportMs = performance.now() - t0;
    clearInterval(sampler);

    console.log(`Export of an event with ${tickets.toLocaleString('en-US')} tickets (SQLite, one server process)`);
    console.log(`create via API        ${(createMs / 1000).toFixed(2)} s`);
    console.log(
      `CSV download          ${(exportMs / 1000).toFixed(2)} s, ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / 1e6 / (exportMs / 1000)).toFixed(1)} MB/s, ${lines - 1} rows`,
    );
    console.log(
      `server RSS            ${baselineRss.toFixed(0)} MB before export, peak ${peak.toFixed(0)} MB during export`,
    );
    if (lines - 1 !== tickets) throw new Error(`expected ${tickets} rows, got ${lines - 1}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
