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
  waitForPath,
} from './support.js';

describe.skipIf(noChromium)('ticket journey: status, redeem, duplicate, check, phone width', () => {
  const env = useBrowserApp();

  async function signedInWithEvent(viewport?: { width: number; height: number }) {
    const session = await newContext(env.browser, env.server.baseUrl, viewport);
    await registerInBrowser(session.page);
    const token = await sessionToken(session.context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Door Test Gig', initialTickets: 4 });
    const ids = await ticketIdsViaApi(env.server.baseUrl, token, event.id);
    return { ...session, token, event, ids };
  }

  async function redeemInPage(page: import('playwright-core').Page, buttonName: string) {
    await page.getByRole('button', { name: buttonName }).click();
    await page.getByRole('dialog', { name: 'Redeem this ticket?' }).getByRole('button', { name: 'Redeem' }).click();
  }

  it('shows an ok ticket, redeems it there, and a second redeem says when it was first redeemed', async () => {
    const { context, page, pageErrors, event, ids } = await signedInWithEvent();
    const ticketId = ids[0] as string;
    await page.goto(`/tickets/${ticketId}`);
    const status = page.getByTestId('ticket-status');
    await status.waitFor();
    expect(await status.getAttribute('data-status')).toBe('ok');
    expect(await status.textContent()).toContain('OK');
    expect(await page.getByTestId('ticket-id').textContent()).toBe(ticketId);
    await page.getByRole('link', { name: event.name }).first().waitFor();
    await page.getByRole('img', { name: `QR code of ticket ${ticketId}` }).waitFor();

    await redeemInPage(page, 'Redeem ticket');
    await expect.poll(() => status.getAttribute('data-status')).toBe('redeemed');
    expect(await status.textContent()).toMatch(/REDEEMED.*Redeemed \w{3} \d+, \d{4}/);
    await page.getByText('Ticket redeemed').waitFor();

    await redeemInPage(page, 'Redeem again');
    const alert = page.getByRole('alert').filter({ hasText: 'Already redeemed' });
    await alert.waitFor();
    const { body } = await api<{ ticket: { redeemedAt: string } }>(env.server.baseUrl, 'GET', `/status/${ticketId}`);
    const firstRedemption = new Date(
      (body as unknown as { redeemedAt?: string; ticket?: { redeemedAt: string } }).redeemedAt ??
        (body as { ticket: { redeemedAt: string } }).ticket.redeemedAt,
    );
    const shown = firstRedemption.toLocaleString('en-US', {
      dateStyle: 'medium',
      timeStyle: 'medium',
      timeZone: 'UTC',
    });
    expect(await alert.textContent()).toContain(`First redeemed ${shown}`);
    expect(await alert.textContent()).toContain('Refused scans since then: 1');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the 410 answer when the ticket was redeemed meanwhile at a door', async () => {
    const { context, page, ids } = await signedInWithEvent();
    const ticketId = ids[1] as string;
    await page.goto(`/tickets/${ticketId}`);
    await page.getByRole('button', { name: 'Redeem ticket' }).waitFor();
    expect((await api(env.server.baseUrl, 'GET', `/redeem/${ticketId}`)).status).toBe(200);
    await redeemInPage(page, 'Redeem ticket');
    await page.getByRole('alert').filter({ hasText: 'Already redeemed' }).waitFor();
    await expect.poll(() => page.getByTestId('ticket-status').getAttribute('data-status')).toBe('redeemed');
    await context.close();
  });

  it('checks a ticket pasted in capitals with spaces, and says plainly when there is no such ticket', async () => {
    const { context, page, ids } = await signedInWithEvent();
    const ticketId = ids[2] as string;
    await page.getByRole('link', { name: 'Check a ticket' }).click();
    await waitForPath(page, '/check');
    const field = page.getByRole('textbox', { name: 'Ticket id' });
    await field.fill(`   ${ticketId.toUpperCase()}  `);
    await field.press('Enter');
    await waitForPath(page, `/tickets/${ticketId}`);
    expect(await page.getByTestId('ticket-status').getAttribute('data-status')).toBe('ok');

    await page.goto('/check');
    await field.fill('00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: 'Check ticket' }).click();
    await page.getByRole('alert').filter({ hasText: 'No such ticket' }).waitFor();
    await field.fill('not a ticket');
    await field.press('Enter');
    await page.getByText('That is not a ticket id.').waitFor();
    await context.close();
  });

  it('at 360 px the Event and Ticket pages do not scroll sideways', async () => {
    const phone = { width: 360, height: 740 };
    const { context, page, event, ids } = await signedInWithEvent(phone);
    await api(env.server.baseUrl, 'GET', `/redeem/${ids[3]}`);
    const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    for (const tab of ['', '?tab=log', '?tab=tickets']) {
      await page.goto(`/events/${event.id}${tab}`);
      await page
        .getByRole('table', { name: tab === '?tab=log' ? 'Scan log' : tab ? 'Tickets' : 'Ticket batches' })
        .waitFor();
      expect(await noSideScroll(), `event page ${tab || 'overview'}`).toBe(true);
    }

    for (const id of [ids[0], ids[3]]) {
      await page.goto(`/tickets/${id}`);
      await page.getByTestId('ticket-status').waitFor();
      expect(await noSideScroll(), `ticket ${id}`).toBe(true);
    }
    await context.close();
  });
});
