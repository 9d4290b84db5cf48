import { describe, expect, it } from 'vitest';
import {
  api,
  csvTicketIds,
  newContext,
  noChromium,
  readDownload,
  registerInBrowser,
  sessionToken,
  useBrowserApp,
  waitForPath,
} from './support.js';

describe.skipIf(noChromium)('event journey: create, count, download, redeem, add tickets', () => {
  const env = useBrowserApp();

  it('registers and lands on the Events page', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);
    await waitForPath(page, '/');
    await page.getByText('No events yet').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('creates an event with 5 tickets, downloads, redeems, refreshes and adds tickets', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);

    // Create through the New event form: the new event opens with 5 total, 0 redeemed.
    await page.getByRole('button', { name: 'New event' }).click();
    const dialog = page.getByRole('dialog', { name: 'New event' });
    await dialog.getByLabel('Name').fill('Harbour Jazz Night');
    await dialog.getByLabel('Date').fill('2026-12-31');
    await dialog.getByLabel('Initial tickets').fill('5');
    await dialog.getByRole('button', { name: 'Create event' }).click();
    await waitForPath(page, /^\/events\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Harbour Jazz Night', level: 1 }).waitFor();
    const total = page.getByTestId('total-tickets');
    const redeemed = page.getByTestId('redeemed-tickets');
    await expect.poll(() => total.textContent()).toBe('5');
    expect(await redeemed.textContent()).toBe('0');
    const eventId = new URL(page.url()).pathname.split('/').pop() as string;

    // The unredeemed CSV has the 5 tickets.
    const download = (
      await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download unredeemed (CSV)' }).click(),
      ])
    )[0];
    const firstCsv = csvTicketIds(await readDownload(download));
    expect(firstCsv).toHaveLength(5);
    expect(new Set(firstCsv).size).toBe(5);

    // Redeem one through the public endpoint, then Refresh shows it.
    const redeemedId = firstCsv[0] as string;
    const redeem = await api(env.server.baseUrl, 'GET', `/redeem/${redeemedId}`);
    expect(redeem.status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => redeemed.textContent()).toBe('1');
    expect(await page.getByTestId('remaining-tickets').textContent()).toBe('4');

    // The CSV now has the 4 others.
    const second = (
      await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download unredeemed (CSV)' }).click(),
      ])
    )[0];
    const secondCsv = csvTicketIds(await readDownload(second));
    expect(secondCsv.sort()).toEqual(firstCsv.filter((id) => id !== redeemedId).sort());

    // Add 3: a download with exactly the 3 new ids, and the total is 8.
    await page.getByLabel('Number of tickets to add').fill('3');
    const added = (
      await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Add', exact: true }).click()])
    )[0];
    const newIds = csvTicketIds(await readDownload(added));
    expect(newIds).toHaveLength(3);
    for (const id of newIds) expect(firstCsv).not.toContain(id);
    await expect.poll(() => total.textContent()).toBe('8');

    const token = await sessionToken(context);
    const all = await api<{ items: { id: string }[] }>(
      env.server.baseUrl,
      'GET',
      `/api/events/${eventId}/tickets?limit=500`,
      { token },
    );
    expect(all.body.items.map((t) => t.id).sort()).toEqual([...firstCsv, ...newIds].sort());

    // The tickets table (its own tab) lists them and filters by status.
    await page.getByRole('tab', { name: 'Tickets' }).click();
    await page.waitForURL((url) => url.searchParams.get('tab') === 'tickets');
    await page.getByRole('table', { name: 'Tickets' }).waitFor();
    await page.locator('.mantine-SegmentedControl-root').getByText('Redeemed', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'redeemed');
    await page.getByRole('link', { name: redeemedId }).waitFor();
    expect(await page.getByRole('table', { name: 'Tickets' }).getByRole('row').count()).toBe(2);

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
