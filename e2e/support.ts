import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { chromiumPath, launchChromium } from './chromium.js';

export { chromiumPath };

import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';

/** True when the browser journeys cannot run here; each e2e file skips itself with a message. */
export const noChromium = !existsSync(chromiumPath);
if (noChromium) {
  console.warn(
    `[e2e] Skipping browser journeys: no Chromium executable at ${chromiumPath}. ` +
      'Install Debian\'s "chromium" package or set CHROMIUM_PATH.',
  );
}

const webRoot = fileURLToPath(new URL('../dist/web', import.meta.url));
export const password = 'correct horse battery staple';

/** The real server on a fresh SQLite file and a free port, serving the built web app. */
export async function startServer(): Promise<{ baseUrl: string; databaseFile: string; close: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'admit-e2e-'));
  const databaseFile = path.join(dir, 'admit.db');
  const config = loadConfig(
    {},
    {
      databaseUrl: `sqlite:${databaseFile}`,
      logLevel: 'silent',
      webRoot,
      host: '127.0.0.1',
      port: 0,
      // Every journey registers from 127.0.0.1: the per-address allowance is tested elsewhere.
      registrationsPerHour: 10_000,
    },
  );
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    databaseFile,
    close: async () => {
      await app.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless. */
export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** A fresh browser profile (no cookies) with downloads allowed; fails the test on page errors. */
export async function newContext(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    acceptDownloads: true,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

let userCounter = 0;
/** A username unique within this run. */
export function uniqueUsername(prefix = 'user'): string {
  userCounter += 1;
  return `${prefix}${Date.now().toString(36)}${userCounter}`;
}

/** Registers through the web form and waits for the Events page. */
export async function registerInBrowser(page: Page, username = uniqueUsername()): Promise<string> {
  await page.goto('/register');
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
  return username;
}

/** The session token of the browser's cookie, usable as a bearer token from node. */
export async function sessionToken(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'admit_session');
  if (!cookie) throw new Error('no admit_session cookie in the browser');
  return cookie.value;
}

/** Calls the API from node with a bearer token; returns status and parsed JSON (if any). */
export async function api<T = unknown>(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${urlPath}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Creates an event through the API. */
export async function createEventViaApi(
  baseUrl: string,
  token: string,
  input: { name: string; date?: string; initialTickets?: number },
): Promise<{ id: string; name: string }> {
  const res = await api<{ event: { id: string; name: string } }>(baseUrl, 'POST', '/api/events', {
    token,
    body: { name: input.name, date: input.date ?? '2026-12-31', initialTickets: input.initialTickets ?? 3 },
  });
  if (res.status !== 201) throw new Error(`create event answered ${res.status}`);
  return res.body.event;
}

/** All ticket ids of an event, optionally filtered by status. */
export async function ticketIdsViaApi(baseUrl: string, token: string, eventId: string, status?: 'ok' | 'redeemed') {
  const query = new URLSearchParams({ limit: '500', ...(status ? { status } : {}) });
  const res = await api<{ items: { id: string }[] }>(baseUrl, 'GET', `/api/events/${eventId}/tickets?${query}`, {
    token,
  });
  return res.body.items.map((t) => t.id);
}

/** The text of a finished download. */
export async function readDownload(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFile(file, 'utf8');
}

/** Ticket ids in a CSV export (first column, header skipped). */
export function csvTicketIds(csv: string): string[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines.shift();
  if (header !== 'ticket_id,status,created_at,redeemed_at') throw new Error(`unexpected CSV header: ${header}`);
  return lines.map((line) => line.split(',')[0] ?? '');
}

/** Waits until the page's URL path (and search, if given) match. */
export async function waitForPath(page: Page, pathname: string | RegExp): Promise<void> {
  await page.waitForURL((url) =>
    typeof pathname === 'string' ? url.pathname === pathname : pathname.test(url.pathname),
  );
}

/** Per-file real server and browser: `const env = useBrowserApp()`, then `env.server` and `env.browser` in tests. */
export function useBrowserApp() {
  const env = {} as { server: Awaited<ReturnType<typeof startServer>>; browser: Browser };
  beforeAll(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * Serious or critical WCAG 2.1 A/AA violations on the page as it is now (or in `only`, a
 * selector), one readable line per element.
 */
export async function seriousViolations(page: Page, only?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (only) builder.include(only);
  const results = await builder.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`),
    );
}
