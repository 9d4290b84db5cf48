import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, testStore } from './databases.js';
import { type ServerProcess, startServer } from './processes.js';

/** Pids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const tasks = fs.readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((task) =>
    fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
}

// npm start's launcher (scripts/start-server.mjs): on Linux the server runs as its child with
// MALLOC_ARENA_MAX=2, and stopping the launcher stops the server gracefully.
describe.runIf(process.platform === 'linux')(`npm start's launcher (${testStore})`, () => {
  let server: ServerProcess | undefined;
  const db = freshDatabase();

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await (await db).cleanup();
  });

  it('serves from a child with MALLOC_ARENA_MAX=2, passes SIGTERM on and exits 0 after it', async () => {
    const inherited = process.env.MALLOC_ARENA_MAX;
    delete process.env.MALLOC_ARENA_MAX; // as in a shell that never set it
    server = await startServer((await db).url, {}, 'scripts/start-server.mjs');
    const launcher = server.child.pid as number;
    const [child] = childrenOf(launcher);
    expect(child).toBeDefined();
    const environ = fs.readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
    expect(environ).toContain('MALLOC_ARENA_MAX=2');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => server?.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect(await exited, server.output()).toBe(0);
    expect(fs.existsSync(`/proc/${child}`)).toBe(false);
    if (inherited !== undefined) process.env.MALLOC_ARENA_MAX = inherited;
  });
});
