import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  api,
  createEventViaApi,
  newContext,
  noChromium,
  password,
  registerInBrowser,
  sessionToken,
  uniqueUsername,
  useBrowserApp,
  waitForPath,
} from './support.js';

async function signIn(page: Page, username: string, pass = password) {
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(pass);
  await page.getByRole('textbox', { name: 'Password' }).press('Enter');
}

describe.skipIf(noChromium)('session handling', () => {
  const env = useBrowserApp();

  it('an unauthenticated visit goes to login with the path kept, and login returns there', async () => {
    const username = uniqueUsername();
    const reg = await api<{ token: string }>(env.server.baseUrl, 'POST', '/api/auth/register', {
      body: { username, password },
    });
    const event = await createEventViaApi(env.server.baseUrl, reg.body.token, { name: 'Kept Path Party' });
    const { context, page } = await newContext(env.browser, env.server.baseUrl);

    await page.goto(`/events/${event.id}?status=ok`);
    await waitForPath(page, '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/events/${event.id}?status=ok`);
    expect(await page.getByText('Your session expired').count()).toBe(0);

    await signIn(page, username);
    await page.waitForURL((url) => url.pathname === `/events/${event.id}` && url.searchParams.get('status') === 'ok');
    await page.getByRole('heading', { name: 'Kept Path Party' }).waitFor();
    await context.close();
  });

  it('a session revoked mid-page sends the next action to login with a notice, then back to the same page', async () => {
    const { context, page, pageErrors } = await newContext(env.browser, env.server.baseUrl);
    const username = await registerInBrowser(page);
    const token = await sessionToken(context);
    const event = await createEventViaApi(env.server.baseUrl, token, { name: 'Revoked Mid Page' });
    await page.goto(`/events/${event.id}`);
    await expect.poll(() => page.getByTestId('total-tickets').textContent()).toBe('3');

    // Revoke the browser's session from outside, as an expiry or a logout elsewhere would.
    expect((await api(env.server.baseUrl, 'POST', '/api/auth/logout', { token })).status).toBe(204);
    expect((await api(env.server.baseUrl, 'GET', '/api/auth/me', { token })).status).toBe(401);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForPath(page, '/login');
    const url = new URL(page.url());
    expect(url.searchParams.get('next')).toBe(`/events/${event.id}`);
    expect(url.searchParams.get('expired')).toBe('1');
    await page.getByText('Your session expired, sign in again.').waitFor();

    await signIn(page, username);
    await waitForPath(page, `/events/${event.id}`);
    await page.getByRole('heading', { name: 'Revoked Mid Page' }).waitFor();
    await expect.poll(() => page.getByTestId('total-tickets').textContent()).toBe('3');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('logout revokes the session on the server and goes to login', async () => {
    const { context, page } = await newContext(env.browser, env.server.baseUrl);
    const username = await registerInBrowser(page);
    const token = await sessionToken(context);
    await page.getByRole('button', { name: `Account menu for ${username}` }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await waitForPath(page, '/login');
    expect((await api(env.server.baseUrl, 'GET', '/api/auth/me', { token })).status).toBe(401);
    await page.goto('/');
    await waitForPath(page, '/login');
    await context.close();
  });

  it('says what is wrong in words: validation, wrong password, taken username', async () => {
    const { context, page } = await newContext(env.browser, env.server.baseUrl);
    const username = await registerInBrowser(page);
    await context.clearCookies();

    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter a username.').waitFor();
    await page.getByText('Enter a password.').waitFor();

    await signIn(page, username, 'not the password');
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();

    await page.goto('/register');
    await page.getByRole('textbox', { name: 'Username' }).fill('ab');
    await page.getByRole('textbox', { name: 'Password' }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('A username has at least 3 characters.').waitFor();
    await page.getByText('A password has at least 8 characters.').waitFor();

    await page.getByRole('textbox', { name: 'Username' }).fill(username.toUpperCase());
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').filter({ hasText: 'That username is already taken.' }).waitFor();
    await context.close();
  });

  it('ignores a next parameter that points to another site', async () => {
    const username = uniqueUsername();
    await api(env.server.baseUrl, 'POST', '/api/auth/register', { body: { username, password } });
    const { context, page } = await newContext(env.browser, env.server.baseUrl);
    await page.goto('/login?next=%2F%2Fevil.example%2Fsteal');
    await signIn(page, username);
    await waitForPath(page, '/');
    expect(new URL(page.url()).host).toBe(new URL(env.server.baseUrl).host);
    await context.close();
  });
});
