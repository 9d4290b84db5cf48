import { describe, expect, it } from 'vitest';
import {
  api,
  createEventViaApi,
  newContext,
  noChromium,
  password,
  ticketIdsViaApi,
  uniqueUsername,
  useBrowserApp,
} from './support.js';

// A redeem link opened in a real browser: the page must not use the ticket, must work under the
// server's CSP (no script, a form posting to the server), and its button must admit exactly once.
describe.skipIf(noChromium)('a /redeem link opened in a browser', () => {
  const env = useBrowserApp();

  async function tickets(count: number) {
    const registered = await api<{ token: string }>(env.server.baseUrl, 'POST', '/api/auth/register', {
      body: { username: uniqueUsername('link'), password },
    });
    const token = registered.body.token;
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Link Night', initialTickets: count });
    return ticketIdsViaApi(env.server.baseUrl, token, event.id);
  }
  const statusOf = async (id: string) => (await api(env.server.baseUrl, 'GET', `/status/${id}`)).status;

  it('shows what the link does without using the ticket; its button admits, once', async () => {
    const [id, other] = (await tickets(2)) as [string, string];
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl, {
      width: 390,
      height: 844,
    });
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) blocked.push(message.text());
    });

    const opened = await page.goto(`/redeem/${id}`);
    expect(opened?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Use this ticket?' }).waitFor();
    await page.getByText('This link uses up the ticket at the door.').waitFor();
    await page.getByText('Link Night').waitFor();
    expect(await statusOf(id)).toBe(200);

    await page.getByRole('button', { name: 'Use this ticket now' }).click();
    await page.getByRole('heading', { name: 'ADMITTED' }).waitFor();
    expect(await statusOf(id)).toBe(410);

    // Opened again: already used, and no button to press.
    await page.goto(`/redeem/${id}`);
    await page.getByText('Already used').waitFor();
    expect(await page.getByRole('button').count()).toBe(0);

    // A page left open while the ticket is used elsewhere: its button says so, with when.
    await page.goto(`/redeem/${other}`);
    expect((await api(env.server.baseUrl, 'GET', `/redeem/${other}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Use this ticket now' }).click();
    await page.getByRole('heading', { name: 'ALREADY USED' }).waitFor();
    expect(await page.getByText(/First used on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/).count()).toBe(1);

    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
