import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, testStore } from './databases.js';
import { eventually } from './live-client.js';
import { listeningWorkers, registerRemote, type ServerProcess, startServer } from './processes.js';

function workerPids(primaryPid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(primaryPid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe(`WORKERS=2 (${testStore})`, () => {
  let server: ServerProcess | undefined;
  const db = freshDatabase();

  afterAll(async () => {
    await server?.stop();
    await (await db).cleanup();
  });

  it('serves from two workers, replaces one that dies, and keeps sessions across workers', async () => {
    server = await startServer((await db).url, { WORKERS: '2' });
    const running = server;
    const primary = running.child.pid as number;
    // Killing a worker before the other listens would leave the port with no worker for a
    // moment (Node's cluster closes it), which is not what this test is about.
    const [victim, other] = await listeningWorkers(running, 2);
    expect(workerPids(primary).sort()).toEqual([victim, other].sort());
    const headers = await registerRemote(running.url, 'workers');

    process.kill(victim as number, 'SIGKILL');
    // Once the primary has seen it die, the other worker answers while the replacement starts.
    await eventually(() => running.output().includes(`worker ${victim} exited (SIGKILL); starting a new one`), 20_000);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    const replacement = (await listeningWorkers(running, 3))[2] as number;
    expect(workerPids(primary).sort()).toEqual([other, replacement].sort());

    // Whichever worker answers, the session (a database row) is valid.
    for (let i = 0; i < 20; i++) {
      const me = await fetch(`${running.url}/api/auth/me`, { headers });
      expect(me.status).toBe(200);
    }
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);

    // SIGTERM to the primary stops every worker.
    const pids = workerPids(primary);
    await server.stop('SIGTERM');
    server = undefined;
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 120_000);
});
