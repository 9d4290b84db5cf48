/**
 * CPU profile of the door rush: starts the compiled server on a fresh SQLite file with
 * `node --cpu-prof`, redeems N distinct tickets with 64 connections, stops the server with SIGINT
 * so V8 writes the profile, and prints the top self-time functions and packages.
 * Run: npm run bench:profile [-- --tickets 100000 --dir /tmp/prof --top 15 --duplicates | --door]
 *      (--duplicates: profile 100 redeemed tickets scanned --tickets times instead;
 *       --door: the same first scans through POST /api/door/scans as one door session)
 *      npx tsx bench/profile-rush.ts --summarise <file.cpuprofile>   (summary of an existing profile)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureServerBuild, registerRemote, remoteTicketIds } from '../test/processes.js';
import { createEventRemote } from './export-csv.js';
import { cannon, doorScanRequests, idRequests, n0, openDoorRemote, startAdmit } from './lib.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: the app, a package, Node itself, or V8 / native. */
function owner(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.includes('/dist/node/')) return 'admit (dist/node)';
  return url;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(`${path.resolve(import.meta.dirname, '..')}/`, '');
}

export function summarise(file: string, top = 15): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map<string, number>();
  const owners = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    total += us;
    if (frame.functionName === '(idle)') idle += us;
    const key = `${frame.functionName || '(anonymous)'}  ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const o = ['(idle)', '(garbage collector)', '(program)'].includes(frame.functionName)
      ? frame.functionName
      : owner(frame.url);
    owners.set(o, (owners.get(o) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((idle / total) * 100).toFixed(1)}% idle`,
    '',
    `top ${top} functions by self time (% of all samples):`,
  ];
  for (const [key, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
  lines.push('', 'self time by owner:');
  for (const [key, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    lines.push(`  ${pct(us)}  ${key}`);
  }
  return lines.join('\n');
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const top = Number(option('--top') ?? 15);
  const existing = option('--summarise');
  if (existing) {
    console.log(summarise(existing, top));
    return;
  }
  const tickets = Number(option('--tickets') ?? 100_000);
  const duplicates = process.argv.includes('--duplicates');
  const door = process.argv.includes('--door');
  const profDir = path.resolve(option('--dir') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'admit-prof-')));
  fs.mkdirSync(profDir, { recursive: true });
  const before = new Set(fs.readdirSync(profDir));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  ensureServerBuild();
  const databaseUrl = `sqlite:${path.join(dir, 'admit.db')}`;
  // Tickets are created by a first, unprofiled server, so the profile holds only the rush.
  const setup = await startAdmit(databaseUrl);
  let ids: string[];
  let doorToken = '';
  try {
    const headers = await registerRemote(setup.url, 'profile');
    const event = await createEventRemote(setup.url, headers, 'Profile', tickets);
    ids = await remoteTicketIds(setup.url, headers, event.id);
    if (door) doorToken = await openDoorRemote(setup.url, headers, event.id);
    if (duplicates) {
      // The duplicate storm: 100 tickets redeemed now, then scanned again and again.
      ids = ids.slice(0, 100);
      for (const id of ids) await (await fetch(`${setup.url}/redeem/${id}`)).arrayBuffer();
    }
  } finally {
    await setup.stop();
  }
  const server = await startAdmit(databaseUrl, {}, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
  try {
    const { result: r, seconds } = await cannon(
      {
        url: server.url,
        connections: 64,
        amount: duplicates ? tickets : ids.length,
        requests: door ? doorScanRequests(ids, doorToken) : idRequests(ids, duplicates),
        timeout: 30,
      },
      600,
    );
    const answered = duplicates ? r.non2xx : r['2xx'];
    console.log(
      `${duplicates ? 'duplicate storm' : door ? 'door scans' : 'door rush'} under --cpu-prof: ${n0(answered / seconds)} answers/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`,
    );
  } finally {
    await server.stop('SIGINT');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const written = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (written.length === 0) throw new Error(`no profile written to ${profDir}:\n${server.output()}`);
  for (const f of written) console.log(`\n${summarise(path.join(profDir, f), top)}`);
}

await main();
