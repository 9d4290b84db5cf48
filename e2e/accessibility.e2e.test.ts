import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  api,
  createEventViaApi,
  newContext,
  noChromium,
  registerInBrowser,
  sessionToken,
  ticketIdsViaApi,
  useBrowserApp,
} from './support.js';

/** Serious or critical WCAG 2.1 A/AA violations on the page as it is now, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`),
    );
}

describe.skipIf(noChromium)('accessibility: axe finds no serious or critical violations', () => {
  const env = useBrowserApp();

  for (const scheme of ['light', 'dark'] as const) {
    it(`every page, ${scheme} scheme`, async () => {
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
      await page.getByRole('table', { name: 'Tickets' }).waitFor();
      await check('event');

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

      await page.goto('/check');
      await page.getByRole('textbox', { name: 'Ticket id' }).fill('00000000-0000-4000-8000-000000000000');
      await page.getByRole('button', { name: 'Check ticket' }).click();
      await page.getByRole('alert').filter({ hasText: 'No such ticket' }).waitFor();
      await check('check a ticket');

      await page.goto('/nowhere');
      await page.getByText('Page not found').waitFor();
      await check('not found');

      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`/events/${event.id}`);
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Check a ticket' }).waitFor();
      await check('phone navigation');

      expect(found).toEqual({});
      await context.close();
    });
  }
});
