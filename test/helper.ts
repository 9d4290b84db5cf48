import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyServerOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { type App, buildApp, loggerOptions } from '../server/app.js';
import { type Config, loadConfig } from '../server/config.js';
import { canonicalId, nowIso } from '../server/domain/common.js';
import { hashPassword } from '../server/domain/users/passwords.js';
import { usernameKey } from '../server/domain/users/register-user.js';
import { createSession } from '../server/domain/users/sessions.js';
import { type FreshDatabase, freshDatabase } from './databases.js';
import type { RegisteredRoute } from './routes.js';

/** Builds the real app on a fresh database, as the server does, with logging off; collects its routes. */
export async function makeApp(
  overrides: Partial<Config> = {},
): Promise<{ app: App; routes: RegisteredRoute[]; close: () => Promise<void> }> {
  const db = await freshDatabase();
  // Tests register many accounts from inject's one address: the registration throttle has its own tests.
  const config = loadConfig(
    {},
    { databaseUrl: db.url, logLevel: 'silent', webRoot: null, registrationsPerHour: 1000, ...overrides },
  );
  const routes: RegisteredRoute[] = [];
  const app = await buildApp(config, {
    onRoute: (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema });
    },
  });
  return {
    app,
    routes,
    close: async () => {
      await app.close();
      await db.cleanup();
    },
  };
}

/**
 * Per-file app: `const ctx = useApp()` then `ctx.app` inside tests; `ctx.routes` lists every
 * registered route. Also fails the file if any request gave a 500.
 */
export function useApp(overrides: Partial<Config> = {}) {
  const ctx = {} as { app: App; routes: RegisteredRoute[]; serverErrors: string[] };
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const made = await makeApp(overrides);
    ctx.app = made.app;
    ctx.routes = made.routes;
    ctx.serverErrors = [];
    ctx.app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode >= 500) ctx.serverErrors.push(`${request.method} ${request.url} -> ${reply.statusCode}`);
    });
    close = made.close;
  });
  afterAll(async () => {
    const errors = ctx.serverErrors ?? [];
    await close();
    expect(errors, 'no request may produce a 5xx').toEqual([]);
  });
  return ctx;
}

let counter = 0;

/** The password of every user createUser makes. */
export const PASSWORD = 'correct horse battery';
/** Its scrypt hash, computed once per test process instead of once per user. */
let passwordHash: Promise<string> | undefined;

/**
 * A user with a signed-in session, written straight to the database (rows as registration makes
 * them) so a test pays no scrypt per user; tests of registration itself go through the API.
 * Returns the bearer token and an auth header.
 */
export async function createUser(app: App, username = `user${Date.now().toString(36)}${counter++}`) {
  passwordHash ??= hashPassword(PASSWORD);
  const user = { id: canonicalId(randomUUID()), username, createdAt: nowIso() };
  await app.store.db
    .insertInto('users')
    .values({
      id: user.id,
      username,
      username_key: usernameKey(username),
      password_hash: await passwordHash,
      created_at: user.createdAt,
    })
    .execute();
  const { token } = await createSession(app.store.db, user.id, app.config.sessionTtlSeconds);
  return { token, user, headers: { authorization: `Bearer ${token}` } };
}

/** Creates an event through the API and returns it. */
export async function createEvent(
  app: App,
  headers: Record<string, string>,
  input: { name?: string; date?: string; initialTickets?: number } = {},
) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/events',
    headers,
    payload: {
      name: input.name ?? 'Test event',
      date: input.date ?? '2026-12-31',
      initialTickets: input.initialTickets ?? 5,
    },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { event: { id: string; name: string; totalTickets: number } }).event;
}

/** All ticket ids of an event via the cursor API. */
export async function ticketIds(
  app: App,
  headers: Record<string, string>,
  eventId: string,
  status?: 'ok' | 'redeemed',
) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ limit: '500' });
    if (status) qs.set('status', status);
    if (cursor) qs.set('cursor', cursor);
    const res = await app.inject({ method: 'GET', url: `/api/events/${eventId}/tickets?${qs}`, headers });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...body.items.map((t) => t.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

/** Parses a CSV body produced by the export (no embedded newlines in our cells). */
export function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split(','));
}

export const unknownId = () => randomUUID();

type Reply = LightMyRequestResponse;

/**
 * Asserts an RFC 9457 problem answer with this status and code that leaks nothing internal;
 * returns its body. A HEAD answer has no body: its status and content type are checked.
 */
export function expectProblem(res: Reply, status: number, code: string) {
  type Body = Record<string, unknown> & { detail: string; errors?: { field: string; message: string }[] };
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (res.raw.req.method === 'HEAD') return { detail: '', code } as Body;
  const body = res.json() as Body;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
    }),
  );
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body).not.toHaveProperty('stack');
  expect(res.body).not.toMatch(
    /\n\s+at |node_modules|SQLITE_|\bselect\b.+\bfrom\b|\binsert into\b|better-sqlite3|kysely/i,
  );
  return body;
}

/** Asserts a 400 validation_failed that names `field` in `errors[]` and in the detail. */
export function expectFieldError(res: Reply, field: string) {
  const body = expectProblem(res, 400, 'validation_failed');
  expect(body.errors?.map((e) => e.field)).toContain(field);
  expect(body.detail).toContain(field);
  return body;
}

const tables = [
  'users',
  'sessions',
  'events',
  'event_counters',
  'ticket_batches',
  'tickets',
  'redemption_attempts',
  'unknown_code_scans',
  'door_links',
  'door_sessions',
  'scans',
] as const;

/** Row counts of every table plus the event counters: compare before and after to prove nothing changed. */
export async function dbSnapshot(app: App) {
  const db = app.store.db;
  const counts = {} as Record<(typeof tables)[number], number>;
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  const events = await db
    .selectFrom('events')
    .select(['id', 'name', 'date', 'additional_tickets'])
    .orderBy('id')
    .execute();
  const redeemed = await db
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('redeemed_at', 'is not', null)
    .executeTakeFirstOrThrow();
  // Unknown codes bump a per-minute count: a second one in the same minute adds no row.
  const unknownScans = await db
    .selectFrom('unknown_code_scans')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('scans'), eb.lit(0)).as('n'))
    .executeTakeFirstOrThrow();
  return { counts, events, redeemedTickets: Number(redeemed.n), unknownCodeScans: Number(unknownScans.n) };
}

/** A door link of an event and a door session (device) opened with it, through the API. */
export async function openDoor(
  app: App,
  ownerHeaders: Record<string, string>,
  eventId: string,
  options: { label?: string; deviceName?: string } = {},
) {
  const created = await app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/door-links`,
    headers: ownerHeaders,
    payload: { label: options.label ?? 'North gate' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const { doorLink, secret } = created.json() as { doorLink: { id: string; label: string }; secret: string };
  const opened = await app.inject({
    method: 'POST',
    url: '/api/door/sessions',
    payload: { secret, deviceName: options.deviceName ?? 'Phone 1' },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const { token } = opened.json() as { token: string };
  return { linkId: doorLink.id, label: doorLink.label, secret, token, headers: { authorization: `Bearer ${token}` } };
}

/** One door scan through the API; returns the answer. */
export function doorScan(app: App, doorHeaders: Record<string, string>, code: string, scanId: string = randomUUID()) {
  return app.inject({ method: 'POST', url: '/api/door/scans', headers: doorHeaders, payload: { code, scanId } });
}

/**
 * Per-file app with the real request logger writing into memory: `ctx.lines` holds every log line
 * (JSON) as written. For tests of what the log says, and what it must never say.
 */
export function useLoggedApp(overrides: Partial<Config> = {}) {
  const ctx = { lines: [] as string[] } as { app: App; lines: string[] };
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      ctx.lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  let db: FreshDatabase | undefined;
  beforeAll(async () => {
    db = await freshDatabase();
    const config = loadConfig({}, { databaseUrl: db.url, logLevel: 'trace', webRoot: null, ...overrides });
    const logger = { ...(loggerOptions(config.logLevel) as object), stream: sink } as FastifyServerOptions['logger'];
    ctx.app = await buildApp(config, { logger });
  });
  afterAll(async () => {
    await ctx.app?.close();
    await db?.cleanup();
  });
  return ctx;
}
