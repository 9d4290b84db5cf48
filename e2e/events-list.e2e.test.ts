import { describe, expect, it } from 'vitest';
import {
  createEventViaApi,
  newContext,
  noChromium,
  registerInBrowser,
  sessionToken,
  useBrowserApp,
} from './support.js';

describe.skipIf(noChromium)('events list: search, sort and pagination kept in the URL', () => {
  const env = useBrowserApp();

  it('searches and pages through 27 events, and the URL keeps the search', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);
    const token = await sessionToken(context);
    // 22 concerts and 5 workshops, created through the API with the browser's session.
    for (let i = 1; i <= 22; i++) {
      await createEventViaApi(env.server.baseUrl, token, {
        name: `Concert ${String(i).padStart(2, '0')}`,
        initialTickets: 1,
      });
    }
    for (let i = 1; i <= 5; i++) {
      await createEventViaApi(env.server.baseUrl, token, { name: `Pottery workshop ${i}`, initialTickets: 1 });
    }

    await page.goto('/');
    const rows = page.getByRole('table', { name: 'Events' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(20);
    await page.getByText('1–20 of 27').waitFor();

    // Page 2 holds the other 7, and the page is in the URL.
    await page.getByRole('button', { name: 'Page 2' }).click();
    await page.waitForURL((url) => url.searchParams.get('page') === '2');
    await expect.poll(() => rows.count()).toBe(7);
    await page.getByText('21–27 of 27').waitFor();

    // A smaller page size makes three pages.
    await page.getByRole('combobox', { name: 'Events per page' }).selectOption('10');
    await page.waitForURL((url) => url.searchParams.get('pageSize') === '10' && !url.searchParams.has('page'));
    await expect.poll(() => rows.count()).toBe(10);
    await page.getByRole('button', { name: 'Page 3' }).waitFor();

    // The search (debounced) goes into the URL and filters case-insensitively.
    await page.getByRole('searchbox', { name: 'Search events by name' }).fill('WORKSHOP');
    await page.waitForURL((url) => url.searchParams.get('q') === 'WORKSHOP');
    await expect.poll(() => rows.count()).toBe(5);
    await page.getByText('1–5 of 5').waitFor();

    // Reload keeps it; the box shows it again.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(5);
    expect(await page.getByRole('searchbox', { name: 'Search events by name' }).inputValue()).toBe('WORKSHOP');
    expect(new URL(page.url()).searchParams.get('q')).toBe('WORKSHOP');

    // Sorting by name (click the header) puts workshop 5 first when descending.
    await page.getByRole('button', { name: 'Name' }).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'name');
    await expect.poll(() => rows.first().textContent()).toContain('Pottery workshop 1');
    await page.getByRole('button', { name: 'Name' }).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === '-name');
    await expect.poll(() => rows.first().textContent()).toContain('Pottery workshop 5');
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Name');

    // A search with no match says so; clearing it brings everything back.
    await page.getByRole('searchbox', { name: 'Search events by name' }).fill('zzz');
    await page.getByText('No events match “zzz”').waitFor();
    await page.getByRole('button', { name: 'Clear search' }).first().click();
    await page.waitForURL((url) => !url.searchParams.has('q'));
    await expect.poll(() => rows.count()).toBe(10);

    // Back goes to the previous search state.
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.has('q') || url.searchParams.get('sort') === 'name');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('opens an event from the list', async () => {
    const { context, page } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Open Air Cinema', initialTickets: 2 });
    await page.goto('/');
    await page.getByRole('link', { name: 'Open Air Cinema' }).click();
    await page.waitForURL((url) => url.pathname === `/events/${event.id}`);
    await expect.poll(() => page.getByTestId('total-tickets').textContent()).toBe('2');
    await context.close();
  });
});
