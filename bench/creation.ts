/**
 * Part 3 of `npm run bench`: creation of an event's tickets against a raw insert, run by
 * bench/create-event.ts in a child process of its own, so that its million ids and heap stay out
 * of this one.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { CreationResult } from './create-event.js';
import { f, median, n0, root } from './lib.js';
import type { Bench } from './options.js';

/** Runs bench/create-event.ts with the run's sizes and returns the JSON it prints last. */
export function runCreation({ options, clock }: Bench): CreationResult {
  const { createTickets, createRuns } = options.sizes;
  clock.log(`creation: ${n0(createTickets)} tickets, ${createRuns} runs of raw insert and createEvent`);
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'bench', 'create-event.ts'),
      '--tickets',
      String(createTickets),
      '--runs',
      String(createRuns),
      '--json',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 10 * 1024 * 1024, timeout: 600_000 },
  );
  const last = out.trim().split('\n').pop() ?? '{}';
  const c = JSON.parse(last) as CreationResult;
  clock.log(`creation: raw ${f(median(c.rawMs) / 1000, 2)} s, createEvent ${f(median(c.adminMs) / 1000, 2)} s`);
  return c;
}
