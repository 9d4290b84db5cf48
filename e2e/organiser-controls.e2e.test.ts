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
  waitForPath,
} from './support.js';

describe.skipIf(noChromium)('organiser controls: rename, label by CSV and find at the door, delete', () => {
  const env = useBrowserApp();

  it('renames and re-dates an event from its page', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Harbur Jazz Nite', date: '2026-12-30' });
    await page.goto(`/events/${event.id}`);
    await page.getByRole('heading', { name: 'Harbur Jazz Nite', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit event' });
    expect(await seriousViolations(page), 'edit dialog').toEqual([]);
    await dialog.getByLabel('Name').fill('Harbour Jazz Night');
    await dialog.getByLabel('Date').fill('2026-12-31');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Harbour Jazz Night', level: 1 }).waitFor();
    await dialog.waitFor({ state: 'detached' });

    const saved = await api<{ event: { name: string; date: string } }>(
      env.server.baseUrl,
      'GET',
      `/api/events/${event.id}`,
      { token },
    );
    expect(saved.body.event).toMatchObject({ name: 'Harbour Jazz Night', date: '2026-12-31' });
    // The events list finds it by its new name.
    await page.goto('/?q=harbour');
    await page.getByRole('link', { name: 'Harbour Jazz Night' }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('labels tickets from a CSV, then the door finds a guest by name and admits them', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Gala dinner', initialTickets: 3 });
    const [zoe, marc, third] = (await ticketIdsViaApi(env.server.baseUrl, token, event.id)) as [string, string, string];

    await page.goto(`/events/${event.id}?tab=tickets`);
    const upload = page.locator('section[aria-labelledby="labels-upload-title"] input[type=file]');
    // A file with a bad row changes nothing and says which line.
    await upload.setInputFiles({
      name: 'guests.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`ticket_id,label\n${zoe},Zoë Martin\nnot-a-ticket,Nobody\n`),
    });
    await page.getByTestId('labels-bad-rows').getByText('Line 3: ticket_id: must be a ticket id (a UUID)').waitFor();
    await upload.setInputFiles({
      name: 'guests.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`ticket_id,label\n${zoe},Zoë Martin\n${marc},"Marc Dupont, table 4"\n`),
    });
    await page.getByText('2 rows read: 2 labelled.').waitFor();
    expect(await seriousViolations(page), 'tickets tab with an upload report').toEqual([]);
    await page.getByRole('searchbox', { name: 'Search tickets by label' }).fill('zoe');
    const table = page.getByRole('table', { name: 'Tickets' });
    await table.getByText('Zoë Martin').waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);

    // The door: a phone opened with a door link looks the guest up by name and admits them.
    const link = await api<{ url: string }>(env.server.baseUrl, 'POST', `/api/events/${event.id}/door-links`, {
      token,
      body: { label: 'Front door' },
    });
    const phone = await newPhoneContext(env.browser, env.server.baseUrl);
    await openDoorLink(phone.page, `${env.server.baseUrl}${link.body.url}`);
    await phone.page.getByRole('searchbox', { name: /Lost code\? Find the guest by name/ }).fill('martin');
    const guests = phone.page.getByRole('list', { name: 'Guests found' });
    await guests.getByText('Zoë Martin').waitFor();
    expect(await guests.textContent()).not.toContain(zoe.slice(8));
    await guests.getByRole('button', { name: 'Admit Zoë Martin' }).click();
    await phone.page.getByTestId('lookup-verdict').getByText('ADMITTED').waitFor();
    expect(await seriousViolations(phone.page), 'door lookup at 360 px').toEqual([]);
    expect(await ticketIdsViaApi(env.server.baseUrl, token, event.id, 'redeemed')).toEqual([zoe]);
    expect(await ticketIdsViaApi(env.server.baseUrl, token, event.id, 'ok')).toEqual([marc, third]);
    expect(phone.pageErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await phone.context.close();
    await context.close();
  });

  it('deletes a test event after a confirmation naming what is lost', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Test run', initialTickets: 4 });
    const [first] = (await ticketIdsViaApi(env.server.baseUrl, token, event.id)) as [string];
    expect((await api(env.server.baseUrl, 'GET', `/redeem/${first}`)).status).toBe(200);

    await page.goto(`/events/${event.id}`);
    await page.getByRole('heading', { name: 'Test run', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Test run?' });
    await dialog.getByText('4 tickets: their codes stop working at once').waitFor();
    await dialog.getByText('1 redeemed ticket and the scan log').waitFor();
    expect(await seriousViolations(page), 'delete dialog').toEqual([]);
    const confirm = dialog.getByRole('button', { name: 'Delete event' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the event’s name/).fill('Test run');
    await confirm.click();
    await waitForPath(page, '/');
    await page.getByText('Event deleted').waitFor();
    expect((await api(env.server.baseUrl, 'GET', `/api/events/${event.id}`, { token })).status).toBe(404);
    expect((await api(env.server.baseUrl, 'GET', `/redeem/${first}`)).status).toBe(404);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
