import { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp, loggerOptions } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { type FreshDatabase, freshDatabase } from './databases.js';
import { createEvent, createUser, ticketIds } from './helper.js';

// This file builds its own app: it needs the real request logger, writing into memory.
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, callback) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    callback();
  },
});
let app: App;
let db: FreshDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  const config = loadConfig({}, { databaseUrl: db.url, logLevel: 'trace', webRoot: null });
  const logger = { ...(loggerOptions('trace') as object), stream: sink } as FastifyServerOptions['logger'];
  app = await buildApp(config, { logger });
});

afterAll(async () => {
  await app.close();
  await db.cleanup();
});

describe('request logs', () => {
  it('never contain passwords, session tokens, cookies or whole ticket codes', async () => {
    const password = 'correct horse battery';
    const owner = await createUser(app);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: owner.user.username, password },
    });
    const cookieToken = login.json().token as string;
    await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `admit_session=${cookieToken}` } });
    const event = await createEvent(app, owner.headers, { initialTickets: 2 });
    const ids = await ticketIds(app, owner.headers, event.id);
    for (const id of ids) {
      await app.inject({ method: 'GET', url: `/redeem/${id}`, headers: { 'idempotency-key': 'log-check-key' } });
      await app.inject({ method: 'POST', url: `/api/tickets/${id.toUpperCase()}/redeem` });
      await app.inject({ method: 'GET', url: `/status/${id}` });
    }
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password } });

    const log = lines.join('\n');
    expect(log).toContain('/redeem/');
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [password, owner.token, cookieToken, ...ids, ...ids.map((id) => id.toUpperCase())]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/authorization|admit_session=/i);
    // Ticket codes appear shortened to their first 8 characters, enough to trace a scan.
    expect(log).toContain(`/redeem/${ids[0]?.slice(0, 8)}-`);
  });
});
