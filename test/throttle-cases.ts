import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { expect, it } from 'vitest';
import type { App } from '../server/app.js';
import { canonicalId, nowIso } from '../server/domain/common.js';
import { usernameKey } from '../server/domain/users/register-user.js';
import { LOGIN_LIMITS } from '../server/plugins/throttles.js';
import { createEvent, createUser, expectProblem, PASSWORD, ticketIds, unknownId } from './helper.js';

const runTag = randomBytes(1)[0]!;
let addresses = 0;

/** A client address of its own (inject's remoteAddress), so one test's counters never touch another's. */
export function freshAddress(): string {
  const n = addresses++;
  return `10.${runTag}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

/**
 * A user whose stored hash is scrypt at N=`cost` (verifyPassword reads the parameters from the hash;
 * the default 1024 lets a test fail dozens of logins in milliseconds). The throttles do not care
 * how hard the hash is.
 */
export async function createCheapUser(app: App, password = 'right password 1', cost = 1024) {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { N: cost, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  const hash = ['scrypt', cost, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
  const username = `cheap${randomBytes(6).toString('hex')}`;
  await app.store.db
    .insertInto('users')
    .values({
      id: canonicalId(randomUUID()),
      username,
      username_key: usernameKey(username),
      password_hash: hash,
      created_at: nowIso(),
    })
    .execute();
  return { username, password };
}

/** One login from a client address. */
export function login(app: App, username: string, password: string, remoteAddress: string) {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
}

/** Asserts a 429 with this code and a Retry-After from 1 to `maxSeconds`; returns the Retry-After. */
export function expectThrottled(res: Awaited<ReturnType<App['inject']>>, code: string, maxSeconds: number): number {
  expectProblem(res, 429, code);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  return retryAfter;
}

/**
 * The test, for whichever counter store the app uses: the 21st wrong password in a minute
 * is refused while a scanner at the same address redeems 5,000 real tickets, none refused.
 */
export function failedLoginsNeverStopScans(getApp: () => App) {
  it('the 21st wrong password in a minute is 429; a scanner at that address redeems 5,000 tickets, none refused', async () => {
    const app = getApp();
    const owner = await createUser(app);
    const event = await createEvent(app, owner.headers, { initialTickets: 5000 });
    const ids = await ticketIds(app, owner.headers, event.id);
    expect(ids).toHaveLength(5000);
    const user = await createCheapUser(app);
    const address = freshAddress();
    const allowance = LOGIN_LIMITS.address[0]!.max;
    expect(allowance).toBe(20);

    // 20 wrong passwords at once: each is checked, counted and refused as wrong, none throttled.
    const wrong = await Promise.all(
      Array.from({ length: allowance }, (_, i) => login(app, user.username, `wrong ${i}`, address)),
    );
    for (const res of wrong) expectProblem(res, 401, 'invalid_credentials');
    expectThrottled(await login(app, user.username, 'wrong 21', address), 'too_many_attempts', 60);
    // Locked: not even the right password gets in from here (it is not checked).
    expectThrottled(await login(app, user.username, user.password, address), 'too_many_attempts', 60);

    const statuses = new Map<number, number>();
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids
        .slice(i, i + 100)
        .map((id, j) =>
          j % 2 === 0
            ? app.inject({ method: 'GET', url: `/redeem/${id}`, remoteAddress: address })
            : app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem`, remoteAddress: address }),
        );
      for (const res of await Promise.all(batch)) statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 5000 });
    // A second scan of a real ticket is its 410, never a 429.
    const again = await app.inject({ method: 'GET', url: `/redeem/${ids[0]}`, remoteAddress: address });
    expectProblem(again, 410, 'ticket_already_redeemed');
    // Another address logs in at once.
    expect((await login(app, owner.user.username, PASSWORD, freshAddress())).statusCode).toBe(200);
  });

  it('unknown ids past the allowance get 429 at every public endpoint; real tickets at that address still answer', async () => {
    const app = getApp();
    const owner = await createUser(app);
    const event = await createEvent(app, owner.headers, { initialTickets: 3 });
    const [a, b, c] = await ticketIds(app, owner.headers, event.id);
    const address = freshAddress();
    const allowance = app.config.unknownTicketsPerMinute;
    const lookups = [
      (id: string) => app.inject({ method: 'GET', url: `/redeem/${id}`, remoteAddress: address }),
      (id: string) => app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem`, remoteAddress: address }),
      (id: string) => app.inject({ method: 'GET', url: `/status/${id}`, remoteAddress: address }),
      (id: string) => app.inject({ method: 'HEAD', url: `/redeem/${id}`, remoteAddress: address }),
    ];
    for (let i = 0; i < allowance; i += 50) {
      const batch = Array.from({ length: Math.min(50, allowance - i) }, (_, j) => lookups[(i + j) % 4]!(unknownId()));
      for (const res of await Promise.all(batch)) expect(res.statusCode).toBe(404);
    }
    for (const lookup of lookups) expectThrottled(await lookup(unknownId()), 'too_many_unknown_tickets', 60);

    // Real tickets are looked up and answered as ever, from the same address.
    expect((await lookups[2]!(a!)).statusCode).toBe(200);
    expect((await lookups[0]!(a!)).statusCode).toBe(200);
    expect((await lookups[1]!(b!)).statusCode).toBe(200);
    expectProblem(await lookups[0]!(a!), 410, 'ticket_already_redeemed');
    expect((await lookups[3]!(c!)).statusCode).toBe(200);
    expect((await lookups[2]!(b!)).statusCode).toBe(410);
    // The limit is this address's: another one still gets its 404.
    const elsewhere = await app.inject({ method: 'GET', url: `/status/${unknownId()}`, remoteAddress: freshAddress() });
    expectProblem(elsewhere, 404, 'ticket_not_found');
  });
}
