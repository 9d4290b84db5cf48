import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp, loggerOptions } from '../server/app.js';
import { type Config, loadConfig } from '../server/config.js';
import { type FreshDatabase, freshDatabase } from './databases.js';
import { createEvent, createUser, expectProblem, ticketIds, unknownId } from './helper.js';
import { freePort } from './processes.js';
import { createCheapUser, expectThrottled, failedLoginsNeverStopScans, freshAddress, login } from './throttle-cases.js';

const redisUrl = process.env.ADMIT_TEST_REDIS_URL;
if (!redisUrl) {
  console.log(
    '[admit] ADMIT_TEST_REDIS_URL is not set: the throttle tests on Redis are skipped. ' +
      'Set it (e.g. redis://127.0.0.1:6379) to run them.',
  );
}

/** Every key this test run writes starts with it, so parallel runs (SQLite and PostgreSQL) never share a counter. */
const prefix = `admit-test:${randomUUID()}:`;

let db: FreshDatabase;
const apps: App[] = [];

/** One more app on this file's database; its log lines go to `lines` when given. */
async function startApp(overrides: Partial<Config>, lines?: string[]) {
  const config = loadConfig(
    {},
    { databaseUrl: db.url, logLevel: lines ? 'info' : 'silent', webRoot: null, ...overrides },
  );
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines?.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = lines
    ? ({ ...(loggerOptions('info') as object), stream: sink } as FastifyServerOptions['logger'])
    : false;
  const app = await buildApp(config, { logger, redisKeyPrefix: prefix });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await db.cleanup();
  if (redisUrl) {
    // The counters expire by themselves within the hour; tidy up anyway.
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
});

describe.skipIf(!redisUrl)('throttles, counters in Redis', () => {
  let first: App;
  let second: App;
  beforeAll(async () => {
    first = await startApp({ redisUrl: redisUrl ?? null });
    second = await startApp({ redisUrl: redisUrl ?? null, unknownTicketsPerMinute: 10, registrationsPerHour: 2 });
  });

  failedLoginsNeverStopScans(() => first);

  it('two app instances share one failed-login limit', async () => {
    const user = await createCheapUser(first);
    const address = freshAddress();
    for (let i = 0; i < 10; i++) {
      expectProblem(await login(first, user.username, `wrong ${i}`, address), 401, 'invalid_credentials');
      expectProblem(await login(second, user.username, `wrong ${i}`, address), 401, 'invalid_credentials');
    }
    expectThrottled(await login(first, user.username, 'wrong 21', address), 'too_many_attempts', 60);
    expectThrottled(await login(second, user.username, user.password, address), 'too_many_attempts', 60);
  });

  it('two app instances share the unknown-ticket and registration limits', async () => {
    // A third instance with the second's small allowances: both count into the same Redis keys.
    const third = await startApp({ redisUrl: redisUrl ?? null, unknownTicketsPerMinute: 10, registrationsPerHour: 2 });
    const owner = await createUser(second);
    const event = await createEvent(second, owner.headers, { initialTickets: 1 });
    const [ticket] = await ticketIds(second, owner.headers, event.id);
    const address = freshAddress();
    for (let i = 0; i < 10; i++) {
      const app = i % 2 === 0 ? second : third;
      const res = await app.inject({ method: 'GET', url: `/status/${unknownId()}`, remoteAddress: address });
      expect(res.statusCode).toBe(404);
    }
    for (const app of [second, third]) {
      const res = await app.inject({ method: 'GET', url: `/redeem/${unknownId()}`, remoteAddress: address });
      expectThrottled(res, 'too_many_unknown_tickets', 60);
    }
    expect((await third.inject({ method: 'GET', url: `/redeem/${ticket}`, remoteAddress: address })).statusCode).toBe(
      200,
    );

    const register = (app: App, username: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { username, password: 'a long enough passphrase' },
        remoteAddress: address,
      });
    const name = `r${randomUUID().slice(0, 8)}`;
    expect((await register(second, `${name}a`)).statusCode).toBe(201);
    expect((await register(third, `${name}b`)).statusCode).toBe(201);
    expectThrottled(await register(second, `${name}c`), 'too_many_attempts', 3600);
  });

  it('keeps serving when Redis goes away, logs it, and throttles again once it is back', async () => {
    // A relay to the real Redis that the test can cut and restore.
    const target = new URL(redisUrl ?? '');
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    const port = await freePort();
    const listen = () => new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    await listen();
    const lines: string[] = [];
    const relayed = new URL(redisUrl ?? '');
    relayed.host = `127.0.0.1:${port}`;
    const app = await startApp({ redisUrl: relayed.toString() }, lines);
    const user = await createCheapUser(app);

    const address = freshAddress();
    for (let i = 0; i < 20; i++) await login(app, user.username, `wrong ${i}`, address);
    expectThrottled(await login(app, user.username, 'wrong', address), 'too_many_attempts', 60);

    // Redis goes away: nothing is refused any more, nothing fails, and the log says why.
    await new Promise<void>((resolve) => {
      relay.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    const down = freshAddress();
    for (let i = 0; i < 25; i++) {
      expectProblem(await login(app, user.username, `wrong ${i}`, down), 401, 'invalid_credentials');
    }
    expect((await login(app, user.username, user.password, address)).statusCode).toBe(200);
    expectProblem(await app.inject({ method: 'GET', url: `/status/${unknownId()}` }), 404, 'ticket_not_found');
    const events = () => lines.map((line) => JSON.parse(line) as { event?: string; level: number; msg: string });
    expect(events().filter((e) => e.event === 'throttle_store_unavailable')).toHaveLength(1);

    // Back: ioredis reconnects by itself, and the counters count again.
    await listen();
    for (let i = 0; i < 50 && !events().some((e) => e.event === 'throttle_store_restored'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events().some((e) => e.event === 'throttle_store_restored')).toBe(true);
    const again = freshAddress();
    for (let i = 0; i < 20; i++) await login(app, user.username, `wrong ${i}`, again);
    expectThrottled(await login(app, user.username, 'wrong', again), 'too_many_attempts', 60);
    await new Promise<void>((resolve) => {
      relay.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  });
});

describe('throttles, Redis unreachable from the start', () => {
  it('the server starts and serves, throttles are off, and the log says so once', async () => {
    const lines: string[] = [];
    const app = await startApp({ redisUrl: `redis://127.0.0.1:${await freePort()}` }, lines);
    const user = await createCheapUser(app);
    const address = freshAddress();
    for (let i = 0; i < 25; i++) {
      expectProblem(await login(app, user.username, `wrong ${i}`, address), 401, 'invalid_credentials');
    }
    expect((await login(app, user.username, user.password, address)).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const unavailable = lines.filter((line) => line.includes('"throttle_store_unavailable"'));
    expect(unavailable).toHaveLength(1);
    expect(JSON.parse(unavailable[0]!)).toMatchObject({ level: 50, event: 'throttle_store_unavailable' });
  });
});
