import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPhoneContext, openDoorLink } from './door-support.js';
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

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe.skipIf(noChromium)('void: a ticket and a batch from the web app, refused at the door', () => {
  const env = useBrowserApp();

  async function voidIds(token: string, eventId: string): Promise<string[]> {
    const res = await api<{ items: { id: string }[] }>(
      env.server.baseUrl,
      'GET',
      `/api/events/${eventId}/tickets?status=void&limit=500`,
      { token },
    );
    return res.body.items.map((t) => t.id);
  }

  /** Types a code into the door page's field and answers the verdict shown, with its text. */
  async function scanAtDoor(page: Page, ticketId: string): Promise<{ outcome: string | null; text: string }> {
    await page.getByRole('textbox', { name: /Ticket code/ }).fill(ticketId);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const answer = page.getByTestId('door-answer');
    await answer.waitFor();
    const result = { outcome: await answer.getAttribute('data-outcome'), text: (await answer.textContent()) ?? '' };
    await answer.click();
    await answer.waitFor({ state: 'detached' });
    return result;
  }

  it('voids a ticket on its page: the door shows a red VOID with the reason; unvoided, the door admits it', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Void night', initialTickets: 3 });
    const [guest, other] = (await ticketIdsViaApi(env.server.baseUrl, token, event.id)) as [string, string];
    const link = await api<{ url: string }>(env.server.baseUrl, 'POST', `/api/events/${event.id}/door-links`, {
      token,
      body: { label: 'Main door' },
    });
    const door = await newPhoneContext(env.browser, env.server.baseUrl);
    await openDoorLink(door.page, `${env.server.baseUrl}${link.body.url}`);

    await page.goto(`/tickets/${guest}`);
    await page.getByTestId('void-controls').getByRole('button', { name: 'Void ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Void this ticket?' });
    // A reason over 200 characters is refused before anything is sent.
    await dialog.getByLabel('Reason (optional)').fill('x'.repeat(201));
    await dialog.getByText('At most 200 characters (201 now).').waitFor();
    expect(await dialog.getByRole('button', { name: 'Void ticket' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Reason (optional)').fill('Refunded by mail');
    expect(await seriousViolations(page), 'void dialog').toEqual([]);
    await dialog.getByRole('button', { name: 'Void ticket' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('ticket-status').getAttribute('data-status')).toBe('void');
    await page.getByTestId('void-details').getByText('Refunded by mail').waitFor();
    // A void ticket has no Redeem: only Unvoid.
    expect(await page.getByRole('button', { name: /Redeem/ }).count()).toBe(0);
    expect(await seriousViolations(page), 'void ticket page').toEqual([]);
    expect(await voidIds(token, event.id)).toEqual([guest]);

    // The holder's own page (the QR code's link) says VOID too, and doesn't hide the event.
    const holder = await context.newPage();
    await holder.goto(`/t/${guest}`);
    await expect.poll(() => holder.getByTestId('public-ticket').getAttribute('data-state')).toBe('void');
    expect(await holder.getByRole('status').textContent()).toContain('VOID');
    await holder.getByRole('heading', { name: 'Void night' }).waitFor();
    expect(await seriousViolations(holder), 'void public ticket page').toEqual([]);
    await holder.close();

    const refused = await scanAtDoor(door.page, guest);
    expect(refused.outcome).toBe('void');
    expect(refused.text).toContain('VOID');
    expect(refused.text).toContain('Reason: Refunded by mail');

    // Unvoid: one click, no question; the door admits the ticket at its next scan.
    await page.getByTestId('void-details').getByRole('button', { name: 'Unvoid' }).click();
    await expect.poll(() => page.getByTestId('ticket-status').getAttribute('data-status')).toBe('ok');
    await page.getByTestId('void-controls').getByRole('button', { name: 'Void ticket' }).waitFor();
    await door.page.waitForTimeout(3_100); // the door takes the same code within 3 s as the same scan
    const admitted = await scanAtDoor(door.page, guest);
    expect(admitted.outcome).toBe('admitted');
    await page.reload();
    await expect.poll(() => page.getByTestId('ticket-status').getAttribute('data-status')).toBe('redeemed');
    await page
      .getByTestId('void-redeemed-note')
      .getByText(/Undo the admission first/)
      .waitFor();

    // A ticket redeemed while its dialog is open: the 409 is said in plain words, nothing changes.
    await page.goto(`/tickets/${other}`);
    await page.getByTestId('void-controls').getByRole('button', { name: 'Void ticket' }).click();
    expect((await api(env.server.baseUrl, 'GET', `/redeem/${other}`)).status).toBe(200);
    const late = page.getByRole('dialog', { name: 'Void this ticket?' });
    await late.getByRole('button', { name: 'Void ticket' }).click();
    await late
      .getByRole('alert')
      .getByText(/a guest came in with it\. Undo the admission first/)
      .waitFor();
    expect(await voidIds(token, event.id)).toEqual([]);

    expect(pageErrors).toEqual([]);
    expect(door.pageErrors).toEqual([]);
    await door.context.close();
    await context.close();
  });

  it('voids a batch at 360 px after naming how many tickets, counts them apart, and filters and unvoids in the table', async () => {
    const phone = await newPhoneContext(env.browser, env.server.baseUrl);
    const { context, page, pageErrors } = phone;
    await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Wrong list', initialTickets: 4 });
    const ids = await ticketIdsViaApi(env.server.baseUrl, token, event.id);
    const [used, ...rest] = ids as [string, ...string[]];
    expect((await api(env.server.baseUrl, 'GET', `/redeem/${used}`)).status).toBe(200);

    await page.goto(`/events/${event.id}`);
    const batch = page.getByTestId('batch-row');
    await batch.getByRole('button', { name: /^Void the 3 tickets of / }).waitFor();
    expect(await seriousViolations(page), 'overview with Void on the batch at 360 px').toEqual([]);
    await batch.getByRole('button', { name: /^Void the 3 tickets of / }).click();
    const dialog = page.getByRole('dialog', { name: 'Void 3 tickets?' });
    await dialog.getByText(/The 1 ticket already redeemed stay/).waitFor();
    await dialog.getByLabel('Reason (optional)').fill('Sent to the wrong list');
    // The dialog itself (the page behind it is dimmed by the overlay).
    expect(await seriousViolations(page, '[role=dialog]'), 'void batch dialog at 360 px').toEqual([]);
    await dialog.getByRole('button', { name: 'Void 3 tickets' }).click();
    await page.getByText('3 tickets voided').waitFor();
    await expect.poll(() => page.getByTestId('void-tickets').textContent()).toMatch(/^3 void/);
    await expect.poll(() => page.getByTestId('remaining-tickets').textContent()).toBe('0');
    await batch.getByTestId('batch-voided').getByText('3 void').waitFor();
    // Nothing is left to void in that batch.
    expect(await batch.getByRole('button', { name: /^Void the/ }).count()).toBe(0);
    expect((await voidIds(token, event.id)).sort()).toEqual([...rest].sort());
    expect(await fitsWidth(page)).toBe(true);
    expect(await seriousViolations(page), 'overview with void tickets at 360 px').toEqual([]);

    // The tickets table: the Void filter, then Unvoid as a row action.
    await page.goto(`/events/${event.id}?tab=tickets`);
    await page.locator('label[for$="-void"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('void');
    const table = page.getByRole('table', { name: 'Tickets' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    expect(await seriousViolations(page), 'void filter at 360 px').toEqual([]);
    const first = rest[0] as string;
    await table.getByRole('button', { name: `Unvoid ticket ${first.slice(0, 8)}` }).click();
    await page.getByText('Ticket unvoided').waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await ticketIdsViaApi(env.server.baseUrl, token, event.id, 'ok')).toEqual([first]);

    // And void again from the table, with the row's dialog.
    await page.locator('label[for$="-ok"]').click();
    await table.getByRole('button', { name: `Void ticket ${first.slice(0, 8)}` }).click();
    await page.getByRole('dialog', { name: 'Void this ticket?' }).getByRole('button', { name: 'Void ticket' }).click();
    await page.getByText('Ticket voided').waitFor();
    await page.getByText('No ticket is left to redeem.').waitFor();
    expect((await voidIds(token, event.id)).length).toBe(3);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
