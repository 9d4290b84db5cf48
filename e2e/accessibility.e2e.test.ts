import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPhoneContext, openDoorLink, waitForVerifier } from './door-support.js';
import {
  api,
  createEventViaApi,
  newContext,
  noChromium,
  registerInBrowser,
  seriousViolations,
  sessionToken,
  ticketIdsViaApi,
  useBrowserApp,
} from './support.js';

// A sweep visits every page and runs axe on each: about 45 s on a 2-core machine, so it gets
// twice the e2e project's 90 s.
const sweep = { timeout: 180_000 };

describe.skipIf(noChromium)('accessibility: axe finds no serious or critical violations', () => {
  const env = useBrowserApp();

  for (const scheme of ['light', 'dark'] as const) {
    it(`every page, ${scheme} scheme`, sweep, async () => {
      const { context, page } = await newContext(env.browser, env.server.baseUrl);
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      const found: Record<string, string[]> = {};
      const check = async (name: string) => {
        await page.waitForTimeout(300); // let transitions settle
        const violations = await seriousViolations(page);
        if (violations.length) found[name] = violations;
      };

      await page.goto('/login?expired=1&next=%2Fcheck');
      await page.getByText('Your session expired').waitFor();
      await check('login');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Enter a username.').waitFor();
      await check('login with errors');
      await page.goto('/register');
      await page.getByRole('heading', { name: 'Create your account' }).waitFor();
      await check('register');

      await registerInBrowser(page);
      await page.getByText('No events yet').waitFor();
      await check('events (empty)');

      const token = await sessionToken(context);
      const event = await createEventViaApi(env.server.baseUrl, token, {
        name: 'Accessible Arts Fair',
        initialTickets: 6,
      });
      await createEventViaApi(env.server.baseUrl, token, { name: 'Second Event', initialTickets: 2 });
      const [okId, redeemedId] = await ticketIdsViaApi(env.server.baseUrl, token, event.id);
      await api(env.server.baseUrl, 'GET', `/redeem/${redeemedId}`);

      await page.goto('/');
      await page.getByRole('link', { name: 'Accessible Arts Fair' }).waitFor();
      await check('events');
      await page.getByRole('button', { name: 'New event' }).click();
      await page.getByRole('dialog', { name: 'New event' }).getByRole('button', { name: 'Create event' }).click();
      await page.getByText('Give the event a name.').waitFor();
      await check('new event form with errors');
      await page.keyboard.press('Escape');

      await page.goto(`/events/${event.id}`);
      await page.getByTestId('arrivals-chart').waitFor();
      await page.getByRole('table', { name: 'Ticket batches' }).waitFor();
      await check('event: overview with the arrivals chart and batches');
      await page.getByRole('button', { name: 'More downloads' }).click();
      await page.getByRole('menuitem', { name: 'All tickets (PDF)' }).waitFor();
      await check('event: downloads menu');
      await page.keyboard.press('Escape');
      await page.getByRole('tab', { name: 'Scan log' }).click();
      await page.getByRole('table', { name: 'Scan log' }).waitFor();
      await check('event: scan log');
      await page.getByRole('tab', { name: 'Tickets' }).click();
      await page.getByRole('table', { name: 'Tickets' }).waitFor();
      await check('event: tickets');

      await page.goto(`/tickets/${okId}`);
      await page.getByTestId('ticket-status').waitFor();
      await check('ticket (ok)');
      await page.goto(`/tickets/${redeemedId}`);
      await page.getByRole('button', { name: 'Redeem again' }).click();
      await page.getByRole('dialog', { name: 'Redeem this ticket?' }).waitFor();
      await check('redeem confirmation');
      await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
      await page.getByRole('alert').filter({ hasText: 'Already redeemed' }).waitFor();
      await check('ticket (already redeemed)');
      await page.getByRole('button', { name: 'Undo admission' }).click();
      await page.getByRole('dialog', { name: 'Undo this admission?' }).waitFor();
      await check('undo admission confirmation');
      await page.keyboard.press('Escape');

      await page.goto(`/check?event=${event.id}`);
      await page.getByRole('textbox', { name: 'Ticket id' }).fill('00000000-0000-4000-8000-000000000000');
      await page.getByRole('button', { name: 'Check ticket' }).click();
      await page.getByRole('alert').filter({ hasText: 'No such ticket' }).waitFor();
      await check('check a ticket');

      await page.goto('/nowhere');
      await page.getByText('Page not found').waitFor();
      await check('not found');

      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`/events/${event.id}?tab=log`);
      await page.getByRole('table', { name: 'Scan log' }).waitFor();
      await check('event: scan log at 360 px');
      await page.goto(`/events/${event.id}`);
      await page.getByTestId('arrivals-chart').waitFor();
      await check('event: overview at 360 px');
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Check a ticket' }).waitFor();
      await check('phone navigation');

      expect(found).toEqual({});
      await context.close();
    });
  }

  // Placeholders are on screen for as long as the network takes: on a slow phone they are what
  // axe (and a screen reader) meets first. Each list's request is held until the check is done.
  it('loading placeholders: the event page and the events list while their data is on its way', async () => {
    const { context, page } = await newContext(env.browser, env.server.baseUrl);
    await page.setViewportSize({ width: 360, height: 740 });
    await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Slow Network Gala', initialTickets: 3 });
    const held: Array<() => Promise<void>> = [];
    const slow = /\/api\/events(\?.*)?$|\/api\/events\/[^/]+\/(arrivals|batches|scans|tickets|door-links)(\?.*)?$/;
    await page.route(slow, (route) => {
      held.push(() => route.continue().catch(() => {}));
    });
    const found: Record<string, string[]> = {};
    const check = async (name: string, placeholders: number) => {
      await expect
        .poll(() => page.locator('[aria-busy="true"]').count(), { message: name })
        .toBeGreaterThanOrEqual(placeholders);
      const violations = await seriousViolations(page);
      if (violations.length) found[name] = violations;
    };

    await page.goto(`/events/${event.id}`);
    await page.getByRole('heading', { name: 'Slow Network Gala' }).waitFor();
    await check('event overview, loading', 3);
    await page.getByRole('tab', { name: 'Scan log' }).click();
    await check('scan log, loading', 1);
    await page.getByRole('tab', { name: 'Tickets' }).click();
    await check('tickets, loading', 1);
    await page.goto('/');
    await check('events list, loading', 1);

    expect(found).toEqual({});
    await page.unroute(slow);
    await Promise.all(held.map((release) => release()));
    await context.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(
      `the door: door-link modal, scanner, NOT CHECKED, revoked, public ticket page; no sideways scroll at 360 px, ${scheme} scheme`,
      sweep,
      async () => {
        const found: Record<string, string[]> = {};
        const check = async (page: Page, name: string) => {
          await page.waitForTimeout(300);
          const violations = await seriousViolations(page);
          if (violations.length) found[name] = violations;
          const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
          if (sideways && page.viewportSize()?.width === 360)
            found[`${name} (scrolls sideways at 360 px)`] = ['scrollWidth'];
        };
        const org = await newContext(env.browser, env.server.baseUrl);
        await org.page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        await registerInBrowser(org.page);
        const token = await sessionToken(org.context);
        const event = await createEventViaApi(env.server.baseUrl, token, {
          name: 'Accessible Door Night',
          initialTickets: 4,
        });
        const [admitId, usedId, okId] = (await ticketIdsViaApi(env.server.baseUrl, token, event.id)) as [
          string,
          string,
          string,
        ];
        await api(env.server.baseUrl, 'GET', `/redeem/${usedId}`);

        await org.page.goto(`/events/${event.id}`);
        await org.page.getByRole('textbox', { name: 'Door name' }).fill('Main entrance');
        await org.page.getByRole('button', { name: 'Create door link' }).click();
        const modal = org.page.getByRole('dialog', { name: 'Door link “Main entrance”' });
        await modal.waitFor();
        await check(org.page, 'door-link modal');
        const link = (await modal.getByTestId('door-link-url').textContent()) ?? '';
        await modal.getByRole('button', { name: 'Done' }).click();
        await org.page.getByTestId('door-link-row').first().waitFor();
        await check(org.page, 'event with door links');

        const phone = await newPhoneContext(env.browser, env.server.baseUrl);
        const { page } = phone;
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        await page.goto(link);
        await page.getByRole('button', { name: 'Start scanning' }).waitFor();
        await check(page, 'door: device name');
        await openDoorLink(page, link);
        await waitForVerifier(page, 4);
        await page.keyboard.type(`${admitId}\n`);
        await page.getByTestId('door-answer').waitFor();
        await page.getByTestId('door-answer').click();
        await page.getByTestId('door-undo').waitFor();
        await check(page, 'door: ready, recent scans with undo');
        await phone.context.setOffline(true);
        await page.getByTestId('door-offline').waitFor();
        await check(page, 'door: offline banner');
        // A typed prefix needs the server: NOT CHECKED offline.
        await page.keyboard.type(`${okId.slice(0, 8)}\n`);
        await page.locator('[data-testid="door-answer"][data-outcome="not_checked"]').waitFor();
        await check(page, 'door: NOT CHECKED');
        await page.getByRole('button', { name: 'Dismiss' }).click();
        await page.getByTestId('door-answer').waitFor({ state: 'detached' });
        // A full code is decided from the phone's copy: ADMITTED, marked offline.
        await page.keyboard.type(`${okId}\n`);
        await page.locator('[data-testid="door-answer"][data-offline="true"]').waitFor();
        await check(page, 'door: ADMITTED · OFFLINE');
        await phone.context.setOffline(false);

        await page.goto(`/t/${okId}`);
        await page.getByTestId('public-ticket').waitFor();
        await check(page, 'public ticket (ok)');
        await page.goto(`/t/${usedId}`);
        await page.getByTestId('public-ticket').waitFor();
        await check(page, 'public ticket (used)');
        await page.goto('/t/00000000-0000-4000-8000-000000000000');
        await page.getByTestId('public-ticket').waitFor();
        await check(page, 'public ticket (not found)');

        await page.context().clearCookies();
        await page.goto('/door');
        await page.getByTestId('door-access').waitFor();
        await check(page, 'door: open the link again');

        expect(found).toEqual({});
        await phone.context.close();
        await org.context.close();
      },
    );
  }
});
