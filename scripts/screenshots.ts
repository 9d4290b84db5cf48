// Takes desktop (1280×800) and phone (360×740) screenshots of every page, and of every state of the
// door, into docs/screenshots/.
// Starts the real server on a temporary database, seeds it through the API, and drives Chromium.
// Run: npx tsx scripts/screenshots.ts [organiser]   (CHROMIUM_PATH overrides /usr/bin/chromium)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { ffmpegPath, launchCameraBrowser, newPhoneContext, noFfmpeg, openDoorLink } from '../e2e/door-support.js';
import {
  api,
  createEventViaApi,
  launchBrowser,
  newContext,
  noChromium,
  password,
  sessionToken,
  startServer,
  ticketIdsViaApi,
} from '../e2e/support.js';

const outDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 360, height: 740 },
} as const;

const seedEvents = [
  { name: 'Harbour Jazz Night', date: '2026-12-12', initialTickets: 240, redeem: 173 },
  { name: 'City Marathon 2026 — runners’ pack pickup', date: '2026-10-04', initialTickets: 1200, redeem: 0 },
  { name: 'Indie Film Festival: opening gala', date: '2027-02-19', initialTickets: 80, redeem: 80 },
  { name: 'Winter Food Market', date: '2026-12-19', initialTickets: 500, redeem: 41 },
  { name: 'Tech Meetup #42', date: '2026-11-28', initialTickets: 60, redeem: 12 },
  { name: 'Choir Christmas Concert', date: '2026-12-23', initialTickets: 150, redeem: 0 },
];

async function shoot(page: Page, name: string, fullPage = false) {
  for (const [label, viewport] of Object.entries(viewports)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(350);
    await page.screenshot({ path: `${outDir}${name}-${label}.png`, fullPage });
  }
  await page.setViewportSize(viewports.desktop);
  console.log(`  ${name}`);
}

async function main(browser: Browser, baseUrl: string) {
  const { context, page } = await newContext(browser, baseUrl);
  await page.emulateMedia({ reducedMotion: 'reduce' });

  await page.goto('/login');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shoot(page, 'login');

  await page.goto('/register');
  await page.getByRole('textbox', { name: 'Username' }).fill('maria.organiser');
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await shoot(page, 'register');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('No events yet').waitFor();
  await shoot(page, 'events-empty');

  const token = await sessionToken(context);
  const created: { id: string; name: string }[] = [];
  for (const seed of seedEvents) {
    const event = await createEventViaApi(baseUrl, token, seed);
    created.push(event);
    const ids = await ticketIdsViaApi(baseUrl, token, event.id);
    for (const id of ids.slice(0, seed.redeem)) await api(baseUrl, 'POST', `/api/tickets/${id}/redeem`);
  }
  await page.goto('/');
  await page.getByRole('link', { name: 'Harbour Jazz Night' }).waitFor();
  await shoot(page, 'events');

  await page.getByRole('button', { name: 'New event' }).click();
  const dialog = page.getByRole('dialog', { name: 'New event' });
  await dialog.getByLabel('Name').fill('Spring Gala');
  await dialog.getByLabel('Date').fill('2027-04-17');
  await shoot(page, 'new-event');
  await page.keyboard.press('Escape');

  const jazz = created[0] as { id: string };
  await page.goto(`/events/${jazz.id}`);
  await page.getByTestId('total-tickets').waitFor();
  await page.getByRole('table', { name: 'Ticket batches' }).waitFor();
  await shoot(page, 'event');
  await shoot(page, 'event-full', true);
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByRole('dialog', { name: 'Edit event' }).waitFor();
  await shoot(page, 'event-edit');
  await page.keyboard.press('Escape');
  await page
    .getByRole('button', { name: /^Void the \d+ tickets of / })
    .first()
    .click();
  const batchVoid = page.getByRole('dialog', { name: /^Void \d+ tickets\?$/ });
  await batchVoid.getByLabel('Reason (optional)').fill('Sent to the wrong mailing list');
  await shoot(page, 'batch-void');
  await page.keyboard.press('Escape');

  const [okId] = await ticketIdsViaApi(baseUrl, token, jazz.id, 'ok');
  await page.goto(`/tickets/${okId}`);
  await page.getByTestId('ticket-status').waitFor();
  await shoot(page, 'ticket-ok');
  await page.getByRole('button', { name: 'Void ticket' }).click();
  await page.getByRole('dialog', { name: 'Void this ticket?' }).getByLabel('Reason (optional)').fill('Refunded');
  await shoot(page, 'ticket-void');
  await page.keyboard.press('Escape');

  const [redeemedId] = await ticketIdsViaApi(baseUrl, token, jazz.id, 'redeemed');
  await page.goto(`/tickets/${redeemedId}`);
  await page.getByRole('button', { name: 'Redeem again' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
  await page.getByText('Already redeemed', { exact: true }).waitFor();
  await shoot(page, 'ticket-redeemed');
  await page.getByRole('button', { name: 'Undo admission' }).click();
  await page.getByRole('dialog', { name: 'Undo this admission?' }).waitFor();
  await shoot(page, 'ticket-undo');
  await page.keyboard.press('Escape');

  await page.goto(`/check?event=${jazz.id}`);
  await page.getByRole('textbox', { name: 'Ticket id' }).fill('  0A1B2C3D-0000-4000-8000-000000000000 ');
  await page.getByRole('button', { name: 'Check ticket' }).click();
  await page.getByText('No such ticket').waitFor();
  await shoot(page, 'check-ticket');

  await page.goto('/no/such/page');
  await page.getByText('Page not found').waitFor();
  await shoot(page, 'not-found');

  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await page.goto(`/events/${jazz.id}`);
  await page.getByTestId('total-tickets').waitFor();
  await shoot(page, 'event-dark');
  await page.goto(`/tickets/${okId}`);
  await page.getByTestId('ticket-status').waitFor();
  await shoot(page, 'ticket-ok-dark');
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });

  // Session revoked on the server: the next call sends the user to login with a notice.
  await page.goto(`/events/${jazz.id}`);
  await page.getByTestId('total-tickets').waitFor();
  await api(baseUrl, 'POST', '/api/auth/logout', { token });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByText('Your session expired').waitFor();
  await shoot(page, 'session-expired');
  await context.close();
}

/** Shoots a state that lasts only ~2 s (a door verdict) with the page's clock paused, then lets it go on. */
async function shootFrozen(page: Page, name: string) {
  const now = await page.evaluate(() => Date.now());
  await page.clock.pauseAt(now + 250);
  await shoot(page, name);
  await page.clock.resume();
}

/** A dark, empty camera picture for the door screenshots (Chromium's fake camera), when ffmpeg is here. */
async function idleCameraVideo(): Promise<string | null> {
  if (noFfmpeg) return null;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'admit-shots-'));
  const video = path.join(dir, 'idle.y4m');
  execFileSync(ffmpegPath, [
    '-y',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=0x30343b:s=640x480:d=1',
    '-pix_fmt',
    'yuv420p',
    video,
  ]);
  return video;
}

/** The door: door links, the scanner in every state, the public ticket page, per-event check. */
async function door(browser: Browser, baseUrl: string) {
  const { context, page } = await newContext(browser, baseUrl);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/register');
  await page.getByRole('textbox', { name: 'Username' }).fill('sam.organiser');
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('No events yet').waitFor();
  const token = await sessionToken(context);
  const jazz = await createEventViaApi(baseUrl, token, {
    name: 'Harbour Jazz Night',
    date: '2026-12-12',
    initialTickets: 240,
  });
  const market = await createEventViaApi(baseUrl, token, {
    name: 'Winter Food Market',
    date: '2026-12-19',
    initialTickets: 5,
  });
  const ids = await ticketIdsViaApi(baseUrl, token, jazz.id);
  const [marketId] = await ticketIdsViaApi(baseUrl, token, market.id);
  for (const id of ids.slice(100, 272)) await api(baseUrl, 'POST', `/api/tickets/${id}/redeem`, { token });

  await page.goto(`/events/${jazz.id}`);
  const card = page.locator('#door-links');
  for (const label of ['Side entrance', 'North gate']) {
    await card.getByRole('textbox', { name: 'Door name' }).fill(label);
    await card.getByRole('button', { name: 'Create door link' }).click();
    await page.getByRole('dialog', { name: `Door link “${label}”` }).waitFor();
    if (label === 'North gate') break;
    await page.getByRole('button', { name: 'Done' }).click();
  }
  const modal = page.getByRole('dialog', { name: 'Door link “North gate”' });
  await shoot(page, 'door-link-modal');
  const link = (await modal.getByTestId('door-link-url').textContent()) ?? '';
  await modal.getByRole('button', { name: 'Done' }).click();
  await modal.waitFor({ state: 'detached' });
  await card.getByRole('button', { name: 'Revoke Side entrance' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await card.locator('[data-status="revoked"]').waitFor();
  await page.waitForTimeout(4_500); // let the "revoked" notice go
  await card.scrollIntoViewIfNeeded();
  await shoot(page, 'door-links');

  const video = await idleCameraVideo();
  const cameraBrowser = video ? await launchCameraBrowser(video) : browser;
  try {
    const phone = await newPhoneContext(cameraBrowser, baseUrl);
    const door = phone.page;
    await door.emulateMedia({ reducedMotion: 'reduce' });
    await door.clock.install();
    await door.goto(link);
    await door.getByRole('textbox', { name: 'Device name' }).fill('North gate phone 1');
    await shoot(door, 'door-device-name');
    await openDoorLink(door, link, 'North gate phone 1');
    await door.waitForTimeout(1_000);
    await shoot(door, 'door-ready');

    const answer = door.getByTestId('door-answer');
    const scan = async (code: string, name: string) => {
      await door.keyboard.type(`${code}\n`);
      await answer.waitFor();
      await shootFrozen(door, name);
      await answer.click();
      await answer.waitFor({ state: 'detached' });
    };
    await scan(ids[0] as string, 'door-admitted');
    await scan(marketId as string, 'door-wrong-event');
    await scan('00000000-0000-4000-8000-000000000000', 'door-not-found');
    await api(baseUrl, 'POST', `/api/tickets/${ids[3]}/void`, { token, body: { reason: 'Refunded on 28 Nov' } });
    await scan(ids[3] as string, 'door-void');
    await door.clock.runFor(3_500); // past the 3 s in which the same code is the same scan
    await door.keyboard.type(`${ids[0]}\n`);
    await answer.waitFor();
    await shootFrozen(door, 'door-already-used');
    await answer.click();
    await door.keyboard.type(`${ids[1]}\n`);
    await answer.waitFor();
    await answer.click();
    await door.getByTestId('door-undo').waitFor();
    await door.getByTestId('door-undo').getByRole('button', { name: 'Undo' }).click();
    await shoot(door, 'door-recent-undo');
    await door.getByRole('button', { name: 'Tap again to undo' }).click();
    await door.getByTestId('undo-result').waitFor();
    await shoot(door, 'door-undone');

    // Offline: the phone decides from its copy of the tickets (downloaded by now) and queues the scan.
    await door.locator('[data-testid="door-header"][data-verifier-count]:not([data-verifier-count=""])').waitFor();
    await phone.context.setOffline(true);
    await door.getByTestId('door-offline').waitFor();
    await shoot(door, 'door-offline');
    await door.keyboard.type(`${ids[2]}\n`);
    await door.locator('[data-testid="door-answer"][data-offline="true"]').waitFor();
    await shootFrozen(door, 'door-offline-admitted');
    await answer.click();
    await answer.waitFor({ state: 'detached' });
    await door.getByTestId('door-queue').waitFor();
    await shoot(door, 'door-offline-waiting');
    // A typed prefix cannot be decided offline.
    await door.keyboard.type(`${(ids[4] as string).slice(0, 8)}\n`);
    await answer.waitFor();
    await shoot(door, 'door-not-checked');
    await door.getByRole('button', { name: 'Dismiss' }).click();
    // Meanwhile another door, online, admits the same ticket first: a double entry, reported on reconnect.
    const south = await api<{ secret: string }>(baseUrl, 'POST', `/api/events/${jazz.id}/door-links`, {
      token,
      body: { label: 'South gate' },
    });
    const session = await api<{ token: string }>(baseUrl, 'POST', '/api/door/sessions', {
      body: { secret: south.body.secret, deviceName: 'South gate phone' },
    });
    await api(baseUrl, 'POST', '/api/door/scans', { token: session.body.token, body: { code: ids[2] } });
    await phone.context.setOffline(false);
    await door.getByTestId('door-queue').waitFor({ state: 'detached' });
    await door.getByTestId('door-double-entry').waitFor();
    await door.getByTestId('door-double-entry').scrollIntoViewIfNeeded();
    await shoot(door, 'door-double-entry');

    const links = await api<{ items: { id: string; label: string }[] }>(
      baseUrl,
      'GET',
      `/api/events/${jazz.id}/door-links`,
      {
        token,
      },
    );
    const north = links.body.items.find((l) => l.label === 'North gate');
    await api(baseUrl, 'DELETE', `/api/events/${jazz.id}/door-links/${north?.id}`, { token });
    await door.keyboard.type(`${ids[3]}\n`);
    await door.getByTestId('door-access').waitFor();
    await shoot(door, 'door-revoked');

    await door.goto(`/t/${ids[4]}`);
    await door.getByTestId('public-ticket').waitFor();
    await shoot(door, 'public-ticket-ok');
    await door.goto(`/t/${ids[0]}`);
    await door.getByTestId('public-ticket').waitFor();
    await shoot(door, 'public-ticket-used');
    await phone.context.close();
  } finally {
    if (cameraBrowser !== browser) await cameraBrowser.close();
  }

  await page.goto(`/check?event=${jazz.id}`);
  await page.getByRole('textbox', { name: 'Ticket id' }).fill(marketId as string);
  await page.getByRole('button', { name: 'Check ticket' }).click();
  await page.getByTestId('check-wrong-event').waitFor();
  await shoot(page, 'check-wrong-event');
  await context.close();
}

/**
 * A bell curve of arrival times over the last two hours, oldest first: the i-th of n scans, spread by
 * the normal distribution's quantiles (deterministic, so the screenshots change only when the page does).
 */
function eveningOfArrivals(n: number, now: number): number[] {
  const quantile = (p: number) => {
    // Acklam's rational approximation of the inverse normal CDF, central region is enough here.
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((-39.69683028665376 * r + 220.9460984245205) * r - 275.9285104469687) * r + 138.357751867269) * r -
        30.66479806614716) *
        r +
        2.506628277459239) *
        q) /
      (((((-54.47609879822406 * r + 161.5858368580409) * r - 155.6989798598866) * r + 66.80131188771972) * r -
        13.28068155288572) *
        r +
        1)
    );
  };
  const peak = now - 70 * 60_000;
  return Array.from({ length: n }, (_, i) => peak + quantile((i + 0.5) / n) * 18 * 60_000);
}

/**
 * The organiser's view of the door: an evening of scans at two doors and the public link (admitted,
 * refused for every reason, one undone), back-dated in the database over two hours so the chart has a
 * shape; then the live event page, the arrivals chart and the scan log, with one scan arriving live.
 */
async function organiserView(browser: Browser, baseUrl: string, databaseFile: string) {
  const { context, page } = await newContext(browser, baseUrl);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/register');
  await page.getByRole('textbox', { name: 'Username' }).fill('lee.organiser');
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('No events yet').waitFor();
  const token = await sessionToken(context);
  const jazz = await createEventViaApi(baseUrl, token, {
    name: 'Harbour Jazz Night',
    date: '2026-12-12',
    initialTickets: 300,
  });
  const market = await createEventViaApi(baseUrl, token, { name: 'Winter Food Market', initialTickets: 3 });
  await api(baseUrl, 'POST', `/api/events/${jazz.id}/tickets`, { token, body: { count: 60 } });
  const ids = await ticketIdsViaApi(baseUrl, token, jazz.id);
  const [otherEvent] = await ticketIdsViaApi(baseUrl, token, market.id);

  const doors: string[] = [];
  for (const [label, device] of [
    ['North gate', 'North gate phone 1'],
    ['Side entrance', 'Side entrance tablet'],
  ] as const) {
    const link = await api<{ url: string }>(baseUrl, 'POST', `/api/events/${jazz.id}/door-links`, {
      token,
      body: { label },
    });
    const secret = new URL(link.body.url, baseUrl).hash.slice(1);
    const session = await api<{ token: string }>(baseUrl, 'POST', '/api/door/sessions', {
      body: { secret, deviceName: device },
    });
    doors.push(session.body.token);
  }
  const scanAt = (door: number, code: string) =>
    api(baseUrl, 'POST', '/api/door/scans', { token: doors[door], body: { code } });
  const guests = ids.slice(0, 231);
  for (const [i, id] of guests.entries()) {
    if (i % 12 === 11) await api(baseUrl, 'POST', `/api/tickets/${id}/redeem`);
    else await scanAt(i % 3 === 2 ? 1 : 0, id);
    if (i % 17 === 5) await scanAt((i + 1) % 2, id); // shown twice
    if (i % 53 === 7) await scanAt(0, `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`);
    if (i % 71 === 3) await scanAt(1, 'https://example.com/not-a-ticket');
    if (i % 97 === 9) await scanAt(0, otherEvent as string);
  }
  await api(baseUrl, 'POST', `/api/tickets/${guests[40]}/undo-redemption`, {
    token,
    body: { reason: 'Scanned the wrong guest’s ticket' },
  });

  // Back-date the evening: the scans (and the redemptions they made) spread over two hours.
  const db = new Database(databaseFile);
  try {
    const event = db.prepare('select seq from events where id = ?').get(jazz.id) as { seq: number };
    const rows = db
      .prepare('select seq, outcome, ticket_id from scans where event_seq = ? order by seq')
      .all(event.seq) as {
      seq: number;
      outcome: string;
      ticket_id: string | null;
    }[];
    // The organiser's undo, last in the log, comes a little after the last arrival.
    const scans = rows.filter((row) => row.outcome !== 'undone');
    const times = eveningOfArrivals(scans.length, Date.now());
    const timeOf = new Map(scans.map((row, i) => [row.seq, times[i] as number]));
    const last = Math.max(...times);
    for (const row of rows) if (row.outcome === 'undone') timeOf.set(row.seq, last + 90_000);
    const setScan = db.prepare(
      'update scans set at = ?, redeemed_at = case when redeemed_at is null then null else ? end where seq = ?',
    );
    const setTicket = db.prepare('update tickets set redeemed_at = ? where id = ? and redeemed_at is not null');
    db.transaction(() => {
      rows.forEach((row) => {
        const at = new Date(timeOf.get(row.seq) as number).toISOString();
        setScan.run(at, at, row.seq);
        if (row.outcome === 'admitted' && row.ticket_id) setTicket.run(at, row.ticket_id);
      });
    })();
  } finally {
    db.close();
  }

  await page.goto(`/events/${jazz.id}`);
  await page.locator('[data-testid="live-indicator"][data-state="live"]').first().waitFor();
  await page.getByTestId('arrivals-chart').locator('.recharts-bar-rectangle').first().waitFor();
  await shoot(page, 'event-live');
  for (const [label, viewport] of Object.entries(viewports)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(350);
    await page
      .locator('section[aria-labelledby="arrivals-title"]')
      .screenshot({ path: `${outDir}event-arrivals-${label}.png` });
  }
  await page.setViewportSize(viewports.desktop);
  console.log('  event-arrivals');

  await page.getByRole('tab', { name: 'Scan log' }).click();
  await page.getByTestId('scan-row').first().waitFor();
  await scanAt(0, ids[250] as string); // arrives live, marked at the top
  await page.locator('[data-testid="scan-row"].scan-row-new').first().waitFor();
  await shoot(page, 'event-scan-log');
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await shoot(page, 'event-scan-log-dark');
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByTestId('arrivals-chart').locator('.recharts-bar-rectangle').first().waitFor();
  await shoot(page, 'event-live-dark');
  await context.close();
}

if (noChromium) {
  console.error('No Chromium found; install it or set CHROMIUM_PATH.');
  process.exit(1);
}
execFileSync(process.execPath, [fileURLToPath(new URL('./ensure-web-build.mjs', import.meta.url))], {
  stdio: 'inherit',
});
await fs.mkdir(outDir, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  console.log(`Shooting ${server.baseUrl} into docs/screenshots/`);
  // `npx tsx scripts/screenshots.ts pages|door|organiser` shoots only the app's pages and dialogs,
  // the door, or the organiser's view of the door.
  const only = process.argv[2];
  if (!only || only === 'pages') await main(browser, server.baseUrl);
  if (!only || only === 'door') await door(browser, server.baseUrl);
  if (!only || only === 'organiser') await organiserView(browser, server.baseUrl, server.databaseFile);
} finally {
  await browser.close();
  await server.close();
}
