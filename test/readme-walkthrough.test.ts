import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase, testStore } from './databases.js';
import { type ServerProcess, startServer } from './processes.js';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'README.md'), 'utf8');
const hasCurl = spawnSync('curl', ['--version']).status === 0;
if (!hasCurl) {
  console.warn('[readme-walkthrough] Skipping the README walk-through: no `curl` on PATH (apt-get install curl).');
}

/** The ```sh block of the README's "## The API in one walk-through" section. */
function walkthrough(): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('The API in one walk-through'));
  const block = section && /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md: no ```sh block under "## The API in one walk-through"');
  return block;
}

/** Runs the block with bash as a reader would paste it, against `url`, in `cwd`. */
function run(script: string, cwd: string) {
  const result = spawnSync('bash', ['-c', script], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    // The block calls `node`: the one running the tests, whatever PATH says.
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The status codes the block prints (`... -> 200`), in order. */
const statuses = (stdout: string) => [...stdout.matchAll(/-> (\d{3})$/gm)].map((m) => Number(m[1]));

describe.skipIf(!hasCurl)(`README walk-through against a real server (${testStore})`, () => {
  let server: ServerProcess | undefined;
  let db: FreshDatabase | undefined;
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-walkthrough-'));

  beforeAll(async () => {
    db = await freshDatabase();
    server = await startServer(db.url);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('points at localhost:3000, which the test replaces', () => {
    expect(walkthrough()).toMatch(/^B=http:\/\/localhost:3000$/m);
  });

  it('prints the statuses it promises on a first and on a second run, and never a stack trace', () => {
    const script = walkthrough().replace(/^B=http:\/\/localhost:3000$/m, `B=${server?.url}`);
    const runs = [run(script, cwd), run(script, cwd)];
    const [first, second] = runs;

    // Register 201 the first time, 409 username_taken the second; everything after it the same.
    const after = [200, 410, 410, 404, 204, 401];
    expect(statuses(first?.stdout ?? ''), first?.stdout).toEqual([201, ...after]);
    expect(statuses(second?.stdout ?? ''), second?.stdout).toEqual([409, ...after]);

    for (const { code, stdout, stderr } of runs) {
      expect(code, stderr).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).not.toMatch(/Error|^\s+at /m);
      // Each run works on its own new event: counters before and after the walk.
      expect(stdout).toContain('{"totalTickets":3,"redeemedTickets":0}');
      expect(stdout).toContain('{"totalTickets":5,"redeemedTickets":1}');
      expect(stdout).toContain('ticket_id,status,created_at,redeemed_at');
      expect(stdout).toContain('"code":"ticket_already_redeemed"');
      expect(stdout).toContain('"code":"ticket_not_found"');
      // The only 401 is the last line, the token after logout: no call ran without a session.
      expect(stdout).not.toMatch(/"status":\s*401|unauthorized/);
      expect(stdout.trimEnd().split('\n').at(-1)).toBe('me -> 401');
    }
  });
});
