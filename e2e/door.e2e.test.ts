import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchCameraBrowser,
  linkVia,
  makeQrVideo,
  newPhoneContext,
  noFfmpeg,
  openDoorLink,
  startRelay,
  waitForVerifier,
} from './door-support.js';
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

if (noFfmpeg) {
  console.warn('[e2e] Skipping the door camera journey: no ffmpeg at /usr/bin/ffmpeg (set FFMPEG_PATH).');
}

const unknownId = '00000000-0000-4000-8000-000000000000';

describe.skipIf(noChromium)('door: door links, the scanner page, network loss, the public ticket page', () => {
  const env = useBrowserApp();

  /** An organiser signed in in the browser, with two events of their own. */
  async function organiser() {
    const session = await newContext(env.browser, env.server.baseUrl);
    await registerInBrowser(session.page);
    const token = await sessionToken(session.context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Harbour Jazz Night', initialTickets: 8 });
    const other = await createEventViaApi(env.server.baseUrl, token, { name: 'Winter Food Market', initialTickets: 2 });
    const ids = await ticketIdsViaApi(env.server.baseUrl, token, event.id);
    const otherIds = await ticketIdsViaApi(env.server.baseUrl, token, other.id);
    return { ...session, token, event, other, ids, otherIds };
  }

  /** Creates a door link on the event page and returns its absolute URL, read from the once-only modal. */
  async function createDoorLink(page: Page, eventId: string, label: string): Promise<string> {
    await page.goto(`/events/${eventId}`);
    const card = page.locator('#door-links');
    await card.getByRole('textbox', { name: 'Door name' }).fill(label);
    await card.getByRole('button', { name: 'Create door link' }).click();
    const modal = page.getByRole('dialog', { name: `Door link “${label}”` });
    await modal.waitFor();
    await modal.getByRole('img', { name: `QR code of the door link ${label}` }).waitFor();
    expect(await modal.textContent()).toContain('will not be shown again');
    expect(await modal.textContent()).toContain('for this event only');
    const link = (await modal.getByTestId('door-link-url').textContent()) ?? '';
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/door#[\w-]{20,}$/);
    await modal.getByRole('button', { name: 'Done' }).click();
    await modal.waitFor({ state: 'detached' });
    return link;
  }

  const ticketState = async (id: string) => (await api(env.server.baseUrl, 'GET', `/status/${id}`)).status;

  /** POSTs of scans the page sent. */
  function countScanPosts(page: Page) {
    const posts: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/door/scans') posts.push(request);
    });
    return posts;
  }

  async function answerOf(page: Page): Promise<string | null> {
    const answer = page.getByTestId('door-answer');
    await answer.waitFor();
    return answer.getAttribute('data-outcome');
  }

  async function dismiss(page: Page) {
    const answer = page.getByTestId('door-answer');
    await answer.click();
    await answer.waitFor({ state: 'detached' });
  }

  it('checks guests in by keyboard wedge and typed prefix, with every verdict, undo, and revocation', async () => {
    const org = await organiser();
    const link = await createDoorLink(org.page, org.event.id, 'North gate');
    const [admitId, prefixId, undoId, revokedId] = org.ids as [string, string, string, string];
    await api(env.server.baseUrl, 'GET', `/redeem/${org.ids[5]}`); // used before the doors opened

    const phone = await newPhoneContext(env.browser, env.server.baseUrl);
    const { page } = phone;
    const posts = countScanPosts(page);
    await openDoorLink(page, link, 'Maria’s phone');
    expect(new URL(page.url()).hash).toBe(''); // the secret left the address bar
    expect(await page.getByTestId('door-label').textContent()).toContain('North gate · Maria’s phone');
    await expect.poll(() => page.getByTestId('door-counters').textContent()).toMatch(/^1\s*\/\s*8$/);

    // Keyboard wedge with a button focused: the Enter ending the code does not press the button.
    await page.getByRole('button', { name: 'Camera off' }).focus();
    await page.keyboard.type(`${admitId}\n`);
    expect(await answerOf(page)).toBe('admitted');
    expect(await page.getByTestId('door-answer').textContent()).toContain('ADMITTED');
    expect(await ticketState(admitId)).toBe(410);
    await page.getByRole('button', { name: 'Camera off' }).waitFor(); // still on: the button was not pressed
    // The answer goes by itself after about 2 s.
    await page.getByTestId('door-answer').waitFor({ state: 'detached', timeout: 4_000 });
    expect(posts).toHaveLength(1);

    // The same code again within 3 s is the same scan: nothing sent, no answer.
    await page.keyboard.type(`${admitId}\n`);
    await page.waitForTimeout(400);
    expect(await page.getByTestId('door-answer').count()).toBe(0);
    expect(posts).toHaveLength(1);

    // After 3 s it is a new scan: ALREADY USED, with the first admission's time and door.
    await page.waitForTimeout(3_000);
    await page.keyboard.type(`${admitId.toUpperCase()}\n`);
    expect(await answerOf(page)).toBe('already_redeemed');
    const used = (await page.getByTestId('door-answer').textContent()) ?? '';
    expect(used).toContain('ALREADY USED');
    expect(used).toMatch(/First admitted \d{2}:\d{2}:\d{2}/);
    expect(used).toContain('Door: North gate');
    expect(used).toMatch(/Refused attempts since: 1/);
    await dismiss(page);

    await page.keyboard.type(`${org.otherIds[0]}\n`);
    expect(await answerOf(page)).toBe('wrong_event');
    expect(await page.getByTestId('door-answer').textContent()).toContain('This ticket is for another event');
    await dismiss(page);
    expect(await ticketState(org.otherIds[0] as string)).toBe(200); // nothing changed there

    await page.keyboard.type(`${unknownId}\n`);
    expect(await answerOf(page)).toBe('not_found');
    await dismiss(page);

    // Typing the first 8 characters.
    const field = page.getByRole('textbox', { name: /Ticket code/ });
    await field.fill(prefixId.slice(0, 8));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    expect(await answerOf(page)).toBe('admitted');
    expect(await ticketState(prefixId)).toBe(410);
    await dismiss(page);
    await expect.poll(() => field.inputValue()).toBe('');

    // A whole public URL, as a phone camera or a pasted link gives it.
    await page.keyboard.type(`${env.server.baseUrl}/t/${undoId}\n`);
    expect(await answerOf(page)).toBe('admitted');
    await dismiss(page);

    // Recent scans, and Undo on the last admission (one tap to confirm).
    const recent = page.getByTestId('recent-scans');
    await expect.poll(() => recent.locator('li').count()).toBe(6);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const undoBar = page.getByTestId('door-undo');
    expect(await undoBar.textContent()).toContain(undoId.slice(0, 8));
    await undoBar.getByRole('button', { name: 'Undo' }).click();
    await undoBar.getByRole('button', { name: 'Tap again to undo' }).click();
    await page.getByTestId('undo-result').filter({ hasText: 'Admission undone' }).waitFor();
    expect(await ticketState(undoId)).toBe(200);
    await recent.locator('li[data-outcome="undone"]').first().waitFor();
    await expect.poll(() => page.getByTestId('door-counters').textContent()).toMatch(/^3\s*\/\s*8$/);

    // The organiser revokes the link: the phone says so at its next scan, and admits nobody.
    await org.page.goto(`/events/${org.event.id}`);
    await org.page.getByRole('button', { name: 'Revoke North gate' }).click();
    await org.page
      .getByRole('dialog', { name: 'Revoke “North gate”?' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await org.page.locator('[data-testid="door-link-row"][data-status="revoked"]').waitFor();
    const access = page.getByTestId('door-access');
    if (!(await access.isVisible())) await page.keyboard.type(`${revokedId}\n`);
    await access.waitFor();
    expect(await access.getAttribute('data-problem')).toBe('revoked');
    expect(await access.textContent()).toContain('Ask the organiser for a new door link');
    expect(await ticketState(revokedId)).toBe(200);

    expect(phone.pageErrors).toEqual([]);
    expect(org.pageErrors).toEqual([]);
    await phone.context.close();
    await org.context.close();
  });

  it('offline, a prefix says NOT CHECKED and redeems nothing; back online Try again admits; a scan the server never answers is decided by the phone and uploaded once', async () => {
    const org = await organiser();
    const link = await createDoorLink(org.page, org.event.id, 'East door');
    const relay = await startRelay(Number(new URL(env.server.baseUrl).port));
    const phone = await newPhoneContext(env.browser, relay.origin);
    const { page, context } = phone;
    const posts = countScanPosts(page);
    try {
      await openDoorLink(page, linkVia(link, relay.origin));
      const [first, second] = org.ids as [string, string];

      // Truly cut off: the connection is gone, and the phone knows it is offline.
      await relay.cut();
      await context.setOffline(true);
      await page.getByTestId('door-offline').waitFor();
      // A typed prefix: what the phone's offline copy of the tickets cannot decide (a full code it would).
      await page.keyboard.type(`${first.slice(0, 8)}\n`);
      expect(await answerOf(page)).toBe('not_checked');
      const text = (await page.getByTestId('door-answer').textContent()) ?? '';
      expect(text).toContain('NOT CHECKED');
      expect(text).not.toMatch(/ADMITTED|ALREADY USED/);
      expect(await ticketState(first)).toBe(200);
      // Still offline: Try again answers at once, and still nothing is decided.
      await page.getByRole('button', { name: 'Try again' }).click();
      expect(await answerOf(page)).toBe('not_checked');
      expect(await ticketState(first)).toBe(200);

      await relay.restore();
      await context.setOffline(false);
      await page.getByTestId('door-offline').waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => page.getByTestId('door-answer').getAttribute('data-outcome')).toBe('admitted');
      expect(await ticketState(first)).toBe(410);
      await dismiss(page);

      // The server unreachable while the phone believes it is online: the request gets no answer, so
      // the phone's copy of the tickets decides (ADMITTED, marked offline), queued under the same scanId.
      await waitForVerifier(page, org.ids.length);
      await relay.cut();
      await page.keyboard.type(`${second}\n`);
      expect(await answerOf(page)).toBe('admitted');
      expect(await page.getByTestId('door-answer').getAttribute('data-offline')).toBe('true');
      expect(await ticketState(second)).toBe(200);
      await relay.restore();
      // Back: the queue uploads it with that scanId, and the server admits it, once.
      await expect.poll(() => ticketState(second), { timeout: 20_000 }).toBe(410);
      const secondIds = posts
        .filter((p) => (p.postDataJSON() as { code: string }).code === second)
        .map((p) => (p.postDataJSON() as { scanId: string }).scanId);
      expect(secondIds.length).toBeGreaterThanOrEqual(2);
      expect(new Set(secondIds).size).toBe(1);
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await context.close();
      await org.context.close();
      await relay.close();
    }
  });

  it('an admission whose answer was lost is decided by the phone and uploaded with the same scanId: admitted once, never ALREADY USED', async () => {
    const org = await organiser();
    const link = await createDoorLink(org.page, org.event.id, 'West door');
    const phone = await newPhoneContext(env.browser, env.server.baseUrl);
    const { page, context } = phone;
    const ticketId = org.ids[0] as string;
    await openDoorLink(page, link);
    let lost = 0;
    await page.route('**/api/door/scans', async (route) => {
      if (route.request().method() === 'POST' && lost === 0) {
        lost += 1;
        await route.fetch(); // the server decides and commits...
        await route.abort('connectionreset'); // ...and the answer never reaches the phone
        return;
      }
      await route.continue();
    });
    const posts = countScanPosts(page);
    await waitForVerifier(page, org.ids.length);
    await page.keyboard.type(`${ticketId}\n`);
    // No answer came back: the phone's copy says ok, so ADMITTED (marked offline), queued.
    expect(await answerOf(page)).toBe('admitted');
    expect(await page.getByTestId('door-answer').getAttribute('data-offline')).toBe('true');
    expect(await ticketState(ticketId)).toBe(410); // it was admitted on the server
    // The queue uploads it under the request's scanId: the server replays its admission.
    await expect.poll(() => posts.length, { timeout: 20_000 }).toBe(2);
    const scanIds = posts.map((p) => (p.postDataJSON() as { scanId: string }).scanId);
    expect(scanIds[0]).toBe(scanIds[1]);
    await expect.poll(() => page.locator('[data-testid="door-header"]').textContent()).not.toMatch(/waiting/);
    const status = await api<{ redeemedTickets: number }>(
      env.server.baseUrl,
      'GET',
      `/api/events/${org.event.id}/status`,
      { token: org.token },
    );
    expect(status.body.redeemedTickets).toBe(1);
    // No double-entry notice: the upload replayed the phone's own admission.
    expect(await page.getByText(/double entry/i).count()).toBe(0);
    expect(phone.pageErrors).toEqual([]);
    await context.close();
    await org.context.close();
  });

  describe.skipIf(noFfmpeg)('by camera', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'admit-door-camera-'));
    });
    afterAll(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('admits a ticket whose QR (its public URL) is held in front of the rear camera, once however long it is held', async () => {
      const org = await organiser();
      const link = await createDoorLink(org.page, org.event.id, 'Camera gate');
      const ticketId = org.ids[1] as string;
      const owner = await api<{ ticket: { publicUrl: string } }>(
        env.server.baseUrl,
        'GET',
        `/api/tickets/${ticketId}`,
        {
          token: org.token,
        },
      );
      expect(owner.body.ticket.publicUrl).toBe(`${env.server.baseUrl}/t/${ticketId}`);
      const video = await makeQrVideo(dir, 'ticket', owner.body.ticket.publicUrl);
      const cameraBrowser = await launchCameraBrowser(video);
      try {
        const phone = await newPhoneContext(cameraBrowser, env.server.baseUrl);
        const posts = countScanPosts(phone.page);
        await openDoorLink(phone.page, link);
        const answer = phone.page.getByTestId('door-answer');
        await answer.waitFor({ timeout: 15_000 });
        expect(await answer.getAttribute('data-outcome')).toBe('admitted');
        expect(await ticketState(ticketId)).toBe(410);
        // The code stays in view: the verdict goes, and no ALREADY USED follows for this guest.
        await answer.waitFor({ state: 'detached', timeout: 4_000 });
        await phone.page.waitForTimeout(3_500);
        expect(await answer.count()).toBe(0);
        expect(posts).toHaveLength(1);
        expect(phone.pageErrors).toEqual([]);
        await phone.context.close();
      } finally {
        await cameraBrowser.close();
        await org.context.close();
      }
    });
  });

  it('without a session, /door says to open the link again; the public ticket page shows OK, USED and NOT FOUND', async () => {
    const visitor = await newPhoneContext(env.browser, env.server.baseUrl);
    const { page } = visitor;
    await page.goto('/door');
    const access = page.getByTestId('door-access');
    await access.waitFor();
    expect(await access.getAttribute('data-problem')).toBe('signed_out');
    await page.goto('/door#not-a-real-secret');
    await page.getByRole('button', { name: 'Start scanning' }).click();
    await access.waitFor();
    expect(['invalid_link', 'revoked']).toContain(await access.getAttribute('data-problem'));

    const org = await organiser();
    const [okId, usedId] = org.ids as [string, string];
    await api(env.server.baseUrl, 'GET', `/redeem/${usedId}`);
    const ticket = page.getByTestId('public-ticket');
    const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    await page.goto(`/t/${okId}`);
    await ticket.waitFor();
    expect(await ticket.getAttribute('data-state')).toBe('ok');
    expect(await ticket.textContent()).toContain('Harbour Jazz Night');
    expect(await page.getByTestId('public-ticket-id').textContent()).toBe(
      okId.replace(/-/g, '').match(/.{4}/g)?.join(' '),
    );
    expect(await noSideScroll()).toBe(true);
    // Opening it changed nothing.
    expect(await ticketState(okId)).toBe(200);

    await page.goto(`/t/${usedId.toUpperCase()}`);
    await expect.poll(() => ticket.getAttribute('data-state')).toBe('used');
    expect(await ticket.textContent()).toMatch(/USED.*Used \w{3} \d+, \d{4}/);

    await page.goto(`/t/${unknownId}`);
    await expect.poll(() => ticket.getAttribute('data-state')).toBe('not_found');
    expect(visitor.pageErrors).toEqual([]);
    await visitor.context.close();
    await org.context.close();
  });

  it('the organiser’s Check a ticket page checks for one event: WRONG EVENT for another’s ticket', async () => {
    const org = await organiser();
    await org.page.goto(`/events/${org.event.id}`);
    await org.page.getByRole('main').getByRole('link', { name: 'Check a ticket' }).click();
    await org.page.waitForURL((url) => url.pathname === '/check' && url.searchParams.get('event') === org.event.id);
    const field = org.page.getByRole('textbox', { name: 'Ticket id' });
    await field.fill(org.otherIds[0] as string);
    await org.page.getByRole('button', { name: 'Check ticket' }).click();
    const wrong = org.page.getByTestId('check-wrong-event');
    await wrong.waitFor();
    expect(await wrong.textContent()).toContain('WRONG EVENT');
    expect(await wrong.textContent()).toContain('Winter Food Market');
    expect(await ticketState(org.otherIds[0] as string)).toBe(200);

    await field.fill(org.ids[0] as string);
    await org.page.getByRole('button', { name: 'Check ticket' }).click();
    await org.page.waitForURL((url) => url.pathname === `/tickets/${org.ids[0]}`);
    // The ticket page's QR holds the public page URL.
    const qrLink = org.page.getByRole('link', { name: 'public page' });
    expect(await qrLink.getAttribute('href')).toBe(`${env.server.baseUrl}/t/${org.ids[0]}`);

    await org.page.goto(`/check?event=${org.event.id}`);
    await org.page.getByRole('link', { name: 'Scan with a phone: create a door link' }).click();
    await org.page.waitForURL((url) => url.pathname === `/events/${org.event.id}` && url.hash === '#door-links');
    await org.page.getByRole('heading', { name: 'Door links' }).waitFor();
    expect(org.pageErrors).toEqual([]);
    await org.context.close();
  });
});
