import fs from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPhoneContext, openDoorLink } from './door-support.js';
import {
  api,
  createEventViaApi,
  csvTicketIds,
  newContext,
  noChromium,
  password,
  readDownload,
  registerInBrowser,
  sessionToken,
  ticketIdsViaApi,
  useBrowserApp,
  waitForPath,
} from './support.js';

/** Within how long a change made elsewhere must show on an open page, without Refresh. */
const liveMs = 2_000;
/** For what is not about being live: a page load and its fetches. */
const settle = { timeout: 10_000 };

async function signIn(page: Page, username: string) {
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('textbox', { name: 'Password' }).press('Enter');
}

/** Waits until the page's live indicator says the stream is open (so what follows is pushed, not polled). */
async function waitLive(page: Page) {
  await page.locator('[data-testid="live-indicator"][data-state="live"]').first().waitFor();
}

async function downloadBytes(download: Download): Promise<Buffer> {
  return fs.readFile(await download.path());
}

describe.skipIf(noChromium)('the organiser’s view of the door: live counters, scan log, chart, undo, downloads', () => {
  const env = useBrowserApp();

  async function organiser(name: string, initialTickets = 5) {
    const session = await newContext(env.browser, env.server.baseUrl);
    const username = await registerInBrowser(session.page);
    const token = await sessionToken(session.context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name, initialTickets });
    const ids = await ticketIdsViaApi(env.server.baseUrl, token, event.id);
    return { ...session, username, token, event, ids };
  }

  it('counters, chart and scan log move within 2 s of redemptions made elsewhere, without Refresh', async () => {
    const { context, page, pageErrors, token, event, ids } = await organiser('Live Counter Night');
    const [first, second] = ids as [string, string];
    await page.goto(`/events/${event.id}`);
    await waitLive(page);
    expect(await page.getByTestId('redeemed-tickets').textContent()).toBe('0');
    await page.getByTestId('arrivals-empty').waitFor();

    // A redemption through the API (another device, another tab): the counters follow on their own.
    expect((await api(env.server.baseUrl, 'POST', `/api/tickets/${first}/redeem`, { token })).status).toBe(200);
    await expect.poll(() => page.getByTestId('redeemed-tickets').textContent(), { timeout: liveMs }).toBe('1');
    await expect.poll(() => page.getByTestId('remaining-tickets').textContent(), { timeout: liveMs }).toBe('4');
    // The chart draws a bar for it, and the progress says 1 of 5.
    const chart = page.getByTestId('arrivals-chart');
    await chart.locator('.recharts-bar-rectangle path').first().waitFor();
    await expect.poll(() => page.getByTestId('arrivals-progress').textContent(), settle).toContain('1 of 5 admitted');
    await page.getByTestId('arrivals-peak').waitFor();

    // The scan log, opened from its tab (kept in the URL): the admission is there.
    await page.getByRole('tab', { name: 'Scan log' }).click();
    await page.waitForURL((url) => url.searchParams.get('tab') === 'log');
    const rows = page.getByTestId('scan-row');
    await expect.poll(() => rows.count(), settle).toBe(1);
    expect(await rows.first().getAttribute('data-outcome')).toBe('admitted');
    await waitLive(page);

    // A second admission and a refused duplicate arrive at the top, live.
    await api(env.server.baseUrl, 'POST', `/api/tickets/${second}/redeem`, { token });
    await api(env.server.baseUrl, 'POST', `/api/tickets/${first}/redeem`, { token });
    await expect.poll(() => rows.count(), { timeout: liveMs }).toBe(3);
    await expect.poll(() => rows.first().getAttribute('data-outcome'), { timeout: liveMs }).toBe('already_redeemed');
    expect(await rows.nth(1).getAttribute('data-outcome')).toBe('admitted');
    expect(await rows.first().textContent()).toContain('public link');

    // The outcome filter shows only refusals, and keeps to it as more come in.
    await page
      .getByRole('textbox', { name: 'Outcome' })
      .or(page.getByRole('combobox', { name: 'Outcome' }))
      .click();
    await page.getByRole('option', { name: 'Already used' }).click();
    await page.waitForURL((url) => url.searchParams.get('outcome') === 'already_redeemed');
    await expect.poll(() => rows.count(), settle).toBe(1);
    await api(env.server.baseUrl, 'POST', `/api/tickets/${ids[2]}/redeem`, { token });
    await api(env.server.baseUrl, 'POST', `/api/tickets/${second}/redeem`, { token });
    await expect.poll(() => rows.count(), { timeout: liveMs }).toBe(2);
    for (const row of await rows.all()) expect(await row.getAttribute('data-outcome')).toBe('already_redeemed');

    // Back on the overview the counters already say 3 (no Refresh was pressed anywhere).
    await page.getByRole('tab', { name: 'Overview' }).click();
    await expect.poll(() => page.getByTestId('redeemed-tickets').textContent(), { timeout: liveMs }).toBe('3');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('while the stream is down the page says so and polls, and goes live again when it is back', async () => {
    const { context, page, token, event, ids } = await organiser('Flaky Proxy Night', 3);
    // A proxy that refuses the stream: the page must not sit on stale figures.
    await page.route('**/live', (route) => route.fulfill({ status: 502, body: 'Bad gateway' }));
    await page.goto(`/events/${event.id}`);
    const indicator = page.getByTestId('live-indicator');
    await expect.poll(() => indicator.getAttribute('data-state'), settle).toBe('reconnecting');
    expect(await indicator.textContent()).toContain('updating every 5 s');
    await api(env.server.baseUrl, 'POST', `/api/tickets/${ids[0]}/redeem`, { token });
    await expect.poll(() => page.getByTestId('redeemed-tickets').textContent(), { timeout: 8_000 }).toBe('1');

    await page.unroute('**/live');
    await expect.poll(() => indicator.getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
    await api(env.server.baseUrl, 'POST', `/api/tickets/${ids[1]}/redeem`, { token });
    await expect.poll(() => page.getByTestId('redeemed-tickets').textContent(), { timeout: liveMs }).toBe('2');
    await context.close();
  });

  it('the scan log pages with Load more, each scan once, newest first', async () => {
    const { context, page, token, event, ids } = await organiser('Long Log Night', 56);
    for (const id of ids.slice(0, 55)) await api(env.server.baseUrl, 'POST', `/api/tickets/${id}/redeem`, { token });
    await page.goto(`/events/${event.id}?tab=log`);
    const rows = page.getByTestId('scan-row');
    await expect.poll(() => rows.count(), settle).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count(), settle).toBe(55);
    await page.getByText('55 scans shown').waitFor();
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const tickets = await page.getByTestId('scan-row').locator('a').allTextContents();
    expect(new Set(tickets).size).toBe(55);
    // Newest first: the last ticket redeemed heads the log, the first ends it.
    expect(tickets[0]).toBe(ids[54]?.slice(0, 8));
    expect(tickets[54]).toBe(ids[0]?.slice(0, 8));
    await context.close();
  });

  it('the door page’s counter follows admissions at other doors, live', async () => {
    const { context, token, event, ids } = await organiser('Live Door Counter', 4);
    const made = await api<{ url: string }>(env.server.baseUrl, 'POST', `/api/events/${event.id}/door-links`, {
      token,
      body: { label: 'North gate' },
    });
    expect(made.status).toBe(201);
    const phone = await newPhoneContext(env.browser, env.server.baseUrl);
    await openDoorLink(phone.page, new URL(made.body.url, env.server.baseUrl).href);
    await waitLive(phone.page);
    const counters = phone.page.getByTestId('door-counters');
    expect(await counters.textContent()).toBe('0 / 4');
    await api(env.server.baseUrl, 'POST', `/api/tickets/${ids[0]}/redeem`, { token });
    await expect.poll(() => counters.textContent(), { timeout: liveMs }).toBe('1 / 4');
    expect(phone.pageErrors).toEqual([]);
    await phone.context.close();
    await context.close();
  });

  it('undoes an admission from the ticket page: the ticket is ok again, the log keeps both', async () => {
    const { context, page, pageErrors, token, event, ids } = await organiser('Undo Gala');
    const [ticketId, other] = ids as [string, string];
    await api(env.server.baseUrl, 'POST', `/api/tickets/${ticketId}/redeem`, { token });

    await page.goto(`/tickets/${ticketId}`);
    const status = page.getByTestId('ticket-status');
    await expect.poll(() => status.getAttribute('data-status'), settle).toBe('redeemed');
    await page.getByRole('button', { name: 'Undo admission' }).click();
    const dialog = page.getByRole('dialog', { name: 'Undo this admission?' });
    await dialog.getByRole('textbox', { name: 'Reason (optional)' }).fill('Scanned the wrong guest');
    await dialog.getByRole('button', { name: 'Undo admission' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => status.getAttribute('data-status'), settle).toBe('ok');
    await page.getByRole('button', { name: 'Redeem ticket' }).waitFor();
    expect(await page.getByRole('button', { name: 'Undo admission' }).count()).toBe(0);

    // The server agrees, and the ticket can be admitted again.
    const ticket = await api<{ ticket: { status: string } }>(env.server.baseUrl, 'GET', `/api/tickets/${ticketId}`, {
      token,
    });
    expect(ticket.body.ticket.status).toBe('ok');

    // The log has the admission and the organiser's undo.
    await page.goto(`/events/${event.id}?tab=log`);
    const rows = page.getByTestId('scan-row');
    await expect.poll(() => rows.count(), settle).toBe(2);
    expect(await rows.first().getAttribute('data-outcome')).toBe('undone');
    expect(await rows.first().textContent()).toContain('organiser');
    expect(await rows.nth(1).getAttribute('data-outcome')).toBe('admitted');

    // Undone behind the page's back (another tab): the page says so and shows the ticket as it is.
    await api(env.server.baseUrl, 'POST', `/api/tickets/${other}/redeem`, { token });
    await page.goto(`/tickets/${other}`);
    await expect.poll(() => status.getAttribute('data-status'), settle).toBe('redeemed');
    const undone = await api(env.server.baseUrl, 'POST', `/api/tickets/${other}/undo-redemption`, {
      token,
      body: {},
    });
    expect(undone.status).toBe(200);
    await page.getByRole('button', { name: 'Undo admission' }).click();
    await dialog.getByRole('button', { name: 'Undo admission' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'already undone' }).waitFor();
    await expect.poll(() => status.getAttribute('data-status'), settle).toBe('ok');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('downloads the tickets as PDF from the event page, all and per batch', async () => {
    const { context, page, pageErrors, token, event, ids } = await organiser('Print Night', 3);
    await api(env.server.baseUrl, 'POST', `/api/tickets/${ids[0]}/redeem`, { token });
    await page.goto(`/events/${event.id}`);
    await page.getByTestId('total-tickets').waitFor();

    await page.getByRole('button', { name: 'More downloads' }).click();
    await page.getByRole('menuitem', { name: /One ticket a page/ }).click();
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'Unredeemed tickets (PDF)' }).click(),
    ]);
    const bytes = await downloadBytes(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.suggestedFilename()).toMatch(/print.night.*\.pdf$/i);

    // Add a batch as PDF: it downloads at once, and its row offers CSV and PDF again.
    const addCard = page.locator('section[aria-labelledby="add-tickets-title"]');
    await addCard.getByText('PDF', { exact: true }).click();
    expect(await addCard.getByRole('radio', { name: 'PDF' }).isChecked()).toBe(true);
    await page.getByRole('textbox', { name: 'Number of tickets to add' }).fill('2');
    const [added] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Add', exact: true }).click(),
    ]);
    expect((await downloadBytes(added)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await expect.poll(() => page.getByTestId('batch-row').count(), settle).toBe(2);
    const newest = page.getByTestId('batch-row').first();
    const [batchCsv] = await Promise.all([
      page.waitForEvent('download'),
      newest.getByRole('button', { name: /as CSV$/ }).click(),
    ]);
    expect(csvTicketIds(await readDownload(batchCsv))).toHaveLength(2);
    const [batchPdf] = await Promise.all([
      page.waitForEvent('download'),
      newest.getByRole('button', { name: /as PDF$/ }).click(),
    ]);
    expect((await downloadBytes(batchPdf)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('“Download again” with an expired session goes to login and back, and never saves the error', async () => {
    const { context, page, username, token, event } = await organiser('Expired Download Fair', 2);
    const downloads: Download[] = [];
    page.on('download', (download) => downloads.push(download));
    await page.goto(`/events/${event.id}`);
    await page.getByRole('textbox', { name: 'Number of tickets to add' }).fill('2');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => downloads.length, settle).toBe(1);
    await page.getByRole('button', { name: 'Download the last batch again as CSV' }).waitFor();

    // The session ends elsewhere (expiry, or a logout on another device).
    expect((await api(env.server.baseUrl, 'POST', '/api/auth/logout', { token })).status).toBe(204);
    await page.getByRole('button', { name: 'Download the last batch again as CSV' }).click();
    await waitForPath(page, '/login');
    const url = new URL(page.url());
    expect(url.searchParams.get('next')).toBe(`/events/${event.id}`);
    expect(url.searchParams.get('expired')).toBe('1');
    expect(downloads).toHaveLength(1);

    await signIn(page, username);
    await waitForPath(page, `/events/${event.id}`);
    const newest = page.getByTestId('batch-row').first();
    const [again] = await Promise.all([
      page.waitForEvent('download'),
      newest.getByRole('button', { name: /as CSV$/ }).click(),
    ]);
    expect(csvTicketIds(await readDownload(again))).toHaveLength(2);
    await context.close();
  });
});
