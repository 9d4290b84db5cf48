import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HASHING_SLOTS } from '../server/domain/users/passwords.js';
import { LOGIN_LIMITS } from '../server/plugins/throttles.js';
import {
  createEvent,
  createUser,
  doorScan,
  expectProblem,
  makeApp,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';
import { createCheapUser, expectThrottled, failedLoginsNeverStopScans, freshAddress, login } from './throttle-cases.js';

// Counters in this process's memory (no REDIS_URL); throttles-redis.test.ts runs the same cases on Redis.
// The registration allowance is the default, set again here because the test helper raises it.
const ctx = useApp({ registrationsPerHour: 5 });

afterEach(() => {
  vi.useRealTimers();
});

describe('throttles, counters in memory', () => {
  failedLoginsNeverStopScans(() => ctx.app);

  it('checks no more guesses than the allowance when they are all sent at once', async () => {
    const { app } = ctx;
    const user = await createCheapUser(app);
    const address = freshAddress();
    // 59 wrong guesses and, last, the right one: it must not be checked, it is past the allowance.
    const guesses = [...Array.from({ length: 59 }, (_, i) => `wrong ${i}`), user.password];
    const burst = await Promise.all(guesses.map((guess) => login(app, user.username, guess, address)));
    const statuses = burst.map((res) => res.statusCode);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 401)).toHaveLength(LOGIN_LIMITS.address[0]!.max);
    expect(statuses.filter((status) => status === 429)).toHaveLength(60 - LOGIN_LIMITS.address[0]!.max);
  });

  it('counts failed logins per username across addresses; successful logins never count', async () => {
    const { app } = ctx;
    const user = await createCheapUser(app);
    const allowance = LOGIN_LIMITS.username[0]!.max;
    for (let i = 0; i < allowance - 1; i++) {
      expectProblem(await login(app, user.username, `wrong ${i}`, freshAddress()), 401, 'invalid_credentials');
    }
    const home = freshAddress();
    for (let i = 0; i < 10; i++) expect((await login(app, user.username, user.password, home)).statusCode).toBe(200);
    // The last failure the allowance has room for, in another letter case (the same username).
    const last = await login(app, user.username.toUpperCase(), 'wrong again', freshAddress());
    expectProblem(last, 401, 'invalid_credentials');
    // From now on the username is locked from every address, for at most the minute.
    expectThrottled(await login(app, user.username, user.password, freshAddress()), 'too_many_attempts', 60);
    expectThrottled(await login(app, user.username, user.password, home), 'too_many_attempts', 60);
    // Other users at the same addresses are not.
    const other = await createCheapUser(app);
    expect((await login(app, other.username, other.password, home)).statusCode).toBe(200);
  });

  it('makes the delay grow for failures that go on, up to a cap', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app } = ctx;
    const user = await createCheapUser(app);
    const [short, long] = LOGIN_LIMITS.username as [
      { max: number; windowMs: number },
      { max: number; windowMs: number },
    ];
    const start = Date.now();
    const fail = async (expected: number) => {
      const res = await login(app, user.username, 'wrong', freshAddress());
      expect(res.statusCode).toBe(expected);
      return res;
    };
    for (let i = 0; i < short.max; i++) await fail(401);
    const first = expectThrottled(await fail(429), 'too_many_attempts', short.windowMs / 1000);

    vi.setSystemTime(start + short.windowMs + 1000);
    for (let i = short.max; i < long.max; i++) await fail(401);
    const second = expectThrottled(await fail(429), 'too_many_attempts', long.windowMs / 1000);
    expect(second).toBeGreaterThan(first * 5);

    // Capped: once the long window has passed, the user signs in again.
    vi.setSystemTime(start + long.windowMs + 1000);
    expect((await login(app, user.username, user.password, freshAddress())).statusCode).toBe(200);
  });

  it('throttles registration per address', async () => {
    const { app } = ctx;
    const address = freshAddress();
    const register = (username: string, remoteAddress = address) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { username, password: 'a long enough passphrase' },
        remoteAddress,
      });
    const allowance = app.config.registrationsPerHour;
    for (let i = 0; i < allowance; i++) expect((await register(`reg${address}x${i}`)).statusCode).toBe(201);
    const refused = await register(`reg${address}x${allowance}`);
    expectThrottled(refused, 'too_many_attempts', 3600);
    const row = await app.store.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', `reg${address}x${allowance}`)
      .executeTakeFirst();
    expect(row, 'a refused registration creates nobody').toBeUndefined();
    expect((await register(`reg${address}y`, freshAddress())).statusCode).toBe(201);
  });

  it('never throttles a session: the organiser and the door work from a throttled address', async () => {
    const { app } = ctx;
    const owner = await createUser(app);
    const event = await createEvent(app, owner.headers, { initialTickets: 2 });
    const [ticket] = await ticketIds(app, owner.headers, event.id);
    const door = await openDoor(app, owner.headers, event.id);
    const address = freshAddress();
    const victim = await createCheapUser(app);
    for (let i = 0; i < LOGIN_LIMITS.address[0]!.max; i++) await login(app, victim.username, `wrong ${i}`, address);
    for (let i = 0; i <= app.config.unknownTicketsPerMinute; i += 1) {
      await app.inject({ method: 'GET', url: `/status/${unknownId()}`, remoteAddress: address });
    }
    expectThrottled(await login(app, victim.username, victim.password, address), 'too_many_attempts', 60);
    expectProblem(
      await app.inject({ method: 'GET', url: `/status/${unknownId()}`, remoteAddress: address }),
      429,
      'too_many_unknown_tickets',
    );

    const list = await app.inject({
      method: 'GET',
      url: '/api/events',
      headers: owner.headers,
      remoteAddress: address,
    });
    expect(list.statusCode).toBe(200);
    // Door scans of unknown codes are decided scans (not_found), never refused.
    for (let i = 0; i < 20; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/door/scans',
        headers: door.headers,
        payload: { code: unknownId() },
        remoteAddress: address,
      });
      expect(res.json()).toMatchObject({ outcome: 'not_found' });
    }
    expect((await doorScan(app, door.headers, ticket!)).json()).toMatchObject({ outcome: 'admitted' });
  });

  it('does not count door scans of unknown codes against the public allowance', async () => {
    const { app } = ctx;
    const owner = await createUser(app);
    const event = await createEvent(app, owner.headers, { initialTickets: 1 });
    const door = await openDoor(app, owner.headers, event.id);
    const address = freshAddress();
    for (let i = 0; i <= app.config.unknownTicketsPerMinute; i += 50) {
      const scans = Array.from({ length: 50 }, () =>
        app.inject({
          method: 'POST',
          url: '/api/door/scans',
          headers: door.headers,
          payload: { code: unknownId() },
          remoteAddress: address,
        }),
      );
      for (const res of await Promise.all(scans)) expect(res.statusCode).toBe(200);
    }
    const lookup = await app.inject({ method: 'GET', url: `/status/${unknownId()}`, remoteAddress: address });
    expectProblem(lookup, 404, 'ticket_not_found');
  });
});

describe('password hashing', () => {
  it(`runs ${HASHING_SLOTS} at a time: with 32 logins in flight, static files and /healthz answer at once`, async () => {
    const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-web-'));
    fs.mkdirSync(path.join(webRoot, 'assets'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>admit</title>');
    fs.writeFileSync(path.join(webRoot, 'assets', 'app-1234abcd.js'), 'console.log("admit")');
    const { app, close } = await makeApp({ webRoot });
    try {
      // N=2^13: a quarter of the real cost, still far longer than a static file takes, so the test is quick.
      const user = await createCheapUser(app, 'right password 2', 8192);
      let finished = 0;
      const logins = Array.from({ length: 32 }, () =>
        login(app, user.username, user.password, freshAddress()).then((res) => {
          finished++;
          return res.statusCode;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      const asset = await app.inject({ method: 'GET', url: '/assets/app-1234abcd.js' });
      const assetMs = performance.now() - started;
      const stillHashing = 32 - finished;
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      const healthMs = performance.now() - started - assetMs;
      expect(asset.statusCode).toBe(200);
      expect(asset.body).toContain('admit');
      expect(health.statusCode).toBe(200);
      console.log(
        `[throttles] static file ${assetMs.toFixed(0)} ms, /healthz ${healthMs.toFixed(0)} ms, with ${stillHashing} of 32 logins in flight`,
      );
      // Without the bound, the file's reads queue behind every hash on libuv's 4 threads: nearly all
      // logins would be done first. With it, fewer than one pool's worth of hashes can finish meanwhile.
      expect(stillHashing).toBeGreaterThanOrEqual(28);
      expect(await Promise.all(logins)).toEqual(Array(32).fill(200));
    } finally {
      await close();
      fs.rmSync(webRoot, { recursive: true, force: true });
    }
  });
});
