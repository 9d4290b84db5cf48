// Takes desktop (1280×800) and phone (360×740) screenshots of every page into docs/screenshots/.
// Starts the real server on a temporary database, seeds it through the API, and drives Chromium.
// Run: npx tsx scripts/screenshots.ts   (CHROMIUM_PATH overrides /usr/bin/chromium)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
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
  await page.getByRole('table', { name: 'Tickets' }).waitFor();
  await shoot(page, 'event');
  await shoot(page, 'event-full', true);

  const [okId] = await ticketIdsViaApi(baseUrl, token, jazz.id, 'ok');
  await page.goto(`/tickets/${okId}`);
  await page.getByTestId('ticket-status').waitFor();
  await shoot(page, 'ticket-ok');

  const [redeemedId] = await ticketIdsViaApi(baseUrl, token, jazz.id, 'redeemed');
  await page.goto(`/tickets/${redeemedId}`);
  await page.getByRole('button', { name: 'Redeem again' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
  await page.getByText('Already redeemed', { exact: true }).waitFor();
  await shoot(page, 'ticket-redeemed');

  await page.goto('/check');
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
  await main(browser, server.baseUrl);
} finally {
  await browser.close();
  await server.close();
}
