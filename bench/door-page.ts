/**
 * Part 6 of `npm run bench` (and `npm run bench:door-page` alone): seconds per guest through the
 * door page. A phone-sized Chromium opens a door link on the compiled server and checks guests
 * in with a keyboard-wedge scanner (each ticket id typed, then Enter, with nothing focused), one
 * guest after another as a volunteer would: the next code is scanned as soon as the verdict of the
 * last one shows (the page takes a new scan while a verdict is on screen). Timed per guest: scan
 * start → that guest's ADMITTED on screen; and, once, how long a verdict stays before the page is
 * ready by itself.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromiumPath, launchChromium } from '../e2e/chromium.js';
import { registerRemote, remoteTicketIds } from '../test/processes.js';
import { createEventRemote } from './export-csv.js';
import { f, median, percentile, root, startAdmit } from './lib.js';
import type { Bench } from './options.js';

export interface DoorPageResult {
  guests: number;
  /** Per guest, from the first key of the scan to that guest's verdict on screen. */
  scanToVerdictMs: number[];
  /** All guests, first scan to last verdict. */
  totalMs: number;
  /** A verdict left alone: how long until the page shows itself ready again. */
  verdictToReadyMs: number;
  /** Every guest admitted, and the door's counter says so. */
  admitted: number;
}

/** Checks `guests` guests in through the door page; undefined (with a note) without Chromium. */
export async function measureDoorPage(bench: Bench, guests: number): Promise<DoorPageResult | undefined> {
  const { clock, running } = bench;
  if (!fs.existsSync(chromiumPath)) {
    clock.log(`door page: no Chromium at ${chromiumPath} (install Debian's chromium or set CHROMIUM_PATH); left out`);
    return undefined;
  }
  // The web app as npm start serves it, built if missing or out of date.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'ensure-web-build.mjs')], { stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  const server = await startAdmit(`sqlite:${path.join(dir, 'admit.db')}`, { WEB_ROOT: path.join(root, 'dist', 'web') });
  running.add(server);
  const browser = await launchChromium();
  try {
    const headers = await registerRemote(server.url, 'door-page');
    const event = await createEventRemote(server.url, headers, 'Door page', guests + 1);
    const ids = await remoteTicketIds(server.url, headers, event.id);
    const link = await fetch(`${server.url}/api/events/${event.id}/door-links`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Main door' }),
    });
    const { url } = (await link.json()) as { url: string };
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole('textbox', { name: 'Device name' }).fill('Bench phone');
    await page.getByRole('button', { name: 'Start scanning' }).click();
    await page.getByTestId('door-event').waitFor();

    /** Waits for the verdict of this ticket (its first 8 characters are on the verdict). */
    const verdictOf = (id: string) =>
      page.waitForFunction(
        (short) => {
          const answer = document.querySelector('[data-testid="door-answer"]');
          return answer?.getAttribute('data-outcome') === 'admitted' && answer.textContent?.includes(short);
        },
        id.slice(0, 8),
        { polling: 'raf', timeout: 15_000 },
      );

    // Warm-up: the first guest (caches, JIT), then the verdict left alone until ready.
    const [first, ...rest] = ids as [string, ...string[]];
    await page.keyboard.type(`${first}\n`);
    await verdictOf(first);
    const shown = Date.now();
    await page.getByTestId('door-answer').waitFor({ state: 'detached', timeout: 15_000 });
    const verdictToReadyMs = Date.now() - shown;

    const scanToVerdictMs: number[] = [];
    const started = performance.now();
    for (const id of rest.slice(0, guests)) {
      const t0 = performance.now();
      await page.keyboard.type(`${id}\n`);
      await verdictOf(id);
      scanToVerdictMs.push(performance.now() - t0);
    }
    const totalMs = performance.now() - started;
    const me = await page.evaluate(async () => (await fetch('/api/door/me')).json());
    await context.close();
    const result = {
      guests: scanToVerdictMs.length,
      scanToVerdictMs,
      totalMs,
      verdictToReadyMs,
      admitted: (me as { redeemedTickets: number }).redeemedTickets - 1,
    };
    clock.log(
      `door page: ${result.guests} guests by keyboard wedge, scan → verdict median ${f(median(scanToVerdictMs), 0)} ms, p95 ${f(percentile(scanToVerdictMs, 95), 0)} ms; ${f(totalMs / 1000 / result.guests, 2)} s a guest back to back`,
    );
    return result;
  } finally {
    await browser.close();
    await server.stop();
    running.delete(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `npm run bench:door-page [-- --guests 200]`: this part alone, printed.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ensureServerBuild } = await import('../test/processes.js');
  const { parseOptions, startClock } = await import('./options.js');
  ensureServerBuild();
  const i = process.argv.indexOf('--guests');
  const guests = i > 0 ? Number(process.argv[i + 1]) : 200;
  const options = parseOptions([], process.env);
  await measureDoorPage({ options, clock: startClock(10), running: new Set() }, guests);
}
