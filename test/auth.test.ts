import { describe, expect, it } from 'vitest';
import {
  createEvent,
  createUser,
  dbSnapshot,
  expectFieldError,
  expectProblem,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';
import { sessionEndpoints } from './routes.js';

const ctx = useApp();
const password = 'correct horse battery';
const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let seq = 0;
const freshName = (prefix = 'auth') => `${prefix}${Date.now().toString(36)}${seq++}`;

function register(username: string, pw = password) {
  return ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username, password: pw } });
}

function login(username: string, pw = password) {
  return ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: pw } });
}

/** The admit_session cookie a response set, as `name=value` for a Cookie header. */
function sessionCookie(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : [setCookie ?? ''];
  const cookie = all.find((c) => c.startsWith('admit_session='));
  expect(cookie).toBeDefined();
  return cookie?.split(';')[0] ?? '';
}

describe('POST /api/auth/register', () => {
  it('creates the user, signs in at once and sets an HttpOnly SameSite=Strict cookie', async () => {
    const username = freshName('Alice');
    const before = Date.now();
    const res = await register(username);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      token: expect.any(String),
      expiresAt: expect.stringMatching(isoUtc),
      user: { id: expect.stringMatching(uuid), username, createdAt: expect.stringMatching(isoUtc) },
    });
    expect(body.token.length).toBeGreaterThanOrEqual(22);
    // Default lifetime: 12 hours.
    const ttl = Date.parse(body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(12 * 3600 * 1000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(12 * 3600 * 1000 + 60_000);

    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^admit_session=[^;]+/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(sessionCookie(res.headers['set-cookie'])).toBe(`admit_session=${body.token}`);

    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: body.user, expiresAt: body.expiresAt });
  });

  it('stores the password only as a scrypt hash and the session only as a token hash', async () => {
    const username = freshName();
    const res = await register(username);
    const { token, user } = res.json();
    const row = await ctx.app.store.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(password);
    const sessions = await ctx.app.store.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.token_hash).not.toBe(token);
    expect(sessions[0]?.token_hash).not.toContain(token);
  });

  it('refuses a username taken in another letter case with 409 username_taken', async () => {
    const username = freshName('Bob');
    expect((await register(username)).statusCode).toBe(201);
    const before = await dbSnapshot(ctx.app);
    for (const variant of [username.toUpperCase(), username.toLowerCase(), ` ${username} `]) {
      expectProblem(await register(variant), 409, 'username_taken');
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('refuses short or long usernames and short passwords, naming the field', async () => {
    const before = await dbSnapshot(ctx.app);
    expectFieldError(await register('ab'), 'username');
    expectFieldError(await register('  ab  '), 'username');
    expectFieldError(await register('x'.repeat(65)), 'username');
    expectFieldError(await register(freshName(), 'short'), 'password');
    expectFieldError(await register(freshName(), '1234567'), 'password');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('names missing and unknown fields', async () => {
    const missing = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username: 'carol' } });
    expectFieldError(missing, 'password');
    const extra = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: freshName(), password, admin: true },
    });
    expectFieldError(extra, 'admin');
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with the same shape as register, any letter case of the username', async () => {
    const username = freshName('Dave');
    const { user } = (await register(username)).json();
    const res = await login(username.toUpperCase());
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ token: expect.any(String), expiresAt: expect.stringMatching(isoUtc), user });
    expect(sessionCookie(res.headers['set-cookie'])).toBe(`admit_session=${body.token}`);
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.json().user).toEqual(user);
  });

  it('answers wrong username and wrong password with the same 401 body', async () => {
    const username = freshName();
    await register(username);
    const wrongPassword = await login(username, 'not the password');
    const wrongUser = await login(freshName('nobody'), password);
    const a = expectProblem(wrongPassword, 401, wrongPassword.json().code);
    const b = expectProblem(wrongUser, 401, wrongUser.json().code);
    expect(a).toEqual(b);
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
    expect(wrongUser.headers['set-cookie']).toBeUndefined();
  });

  it('names an invalid field', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'someone' } });
    expectFieldError(res, 'password');
  });
});

describe('cookie sessions', () => {
  it('authenticate GET /api/auth/me', async () => {
    const res = await register(freshName());
    const cookie = sessionCookie(res.headers['set-cookie']);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toEqual(res.json().user);
  });

  it('refuse a state-changing request from a foreign Origin with 403 and change nothing', async () => {
    const res = await register(freshName());
    const cookie = sessionCookie(res.headers['set-cookie']);
    const before = await dbSnapshot(ctx.app);
    const payload = { name: 'Forged', date: '2026-12-31', initialTickets: 3 };
    const forged = await ctx.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { cookie, host: 'admit.example', origin: 'https://evil.example' },
      payload,
    });
    expectProblem(forged, 403, 'forbidden');
    const crossSite = await ctx.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { cookie, host: 'admit.example', 'sec-fetch-site': 'cross-site' },
      payload,
    });
    expectProblem(crossSite, 403, 'forbidden');
    const logout = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, host: 'admit.example', origin: 'https://evil.example' },
    });
    expectProblem(logout, 403, 'forbidden');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
  });

  it('accept a state-changing request from the same origin', async () => {
    const res = await register(freshName());
    const cookie = sessionCookie(res.headers['set-cookie']);
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { cookie, host: 'admit.example', origin: 'http://admit.example', 'sec-fetch-site': 'same-origin' },
      payload: { name: 'Same origin', date: '2026-12-31', initialTickets: 1 },
    });
    expect(created.statusCode).toBe(201);
  });

  it('do not restrict bearer tokens by Origin (a browser never sends them on its own)', async () => {
    const { headers } = await createUser(ctx.app);
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { ...headers, origin: 'https://elsewhere.example' },
      payload: { name: 'Script client', date: '2026-12-31', initialTickets: 1 },
    });
    expect(created.statusCode).toBe(201);
  });
});

describe('POST /api/auth/logout', () => {
  it('answers 204, clears the cookie and kills the token at once, leaving other sessions alive', async () => {
    const username = freshName();
    const first = (await register(username)).json();
    const second = (await login(username)).json();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(String(res.headers['set-cookie'])).toMatch(/^admit_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    const dead = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${first.token}` },
    });
    expectProblem(dead, 401, 'unauthorized');
    const again = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${first.token}` },
    });
    expectProblem(again, 401, 'unauthorized');
    const other = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${second.token}` },
    });
    expect(other.statusCode).toBe(200);
  });

  it('works with the cookie from the same origin', async () => {
    const res = await register(freshName());
    const cookie = sessionCookie(res.headers['set-cookie']);
    const out = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, host: 'admit.example', origin: 'http://admit.example' },
    });
    expect(out.statusCode).toBe(204);
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } }),
      401,
      'unauthorized',
    );
  });
});

describe('401 unauthorized on every session route', () => {
  async function fixture() {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 2 });
    const [ticketId] = await ticketIds(ctx.app, owner.headers, event.id);
    return {
      owner,
      endpoints: sessionEndpoints(ctx.routes, {
        eventId: event.id,
        ticketId: ticketId ?? unknownId(),
        linkId: unknownId(),
        batchId: unknownId(),
      }),
    };
  }

  const badCredentials: [string, Record<string, string>][] = [
    ['no session', {}],
    ['Authorization: Basic', { authorization: 'Basic x' }],
    ['Bearer with garbage', { authorization: 'Bearer garbage-token-that-was-never-issued' }],
    ['Bearer with nothing', { authorization: 'Bearer' }],
    ['Bearer with two words', { authorization: 'Bearer a b' }],
    ['a garbage cookie', { cookie: 'admit_session=nonsense' }],
    ['an over-long token', { authorization: `Bearer ${'x'.repeat(5000)}` }],
  ];

  it.each(badCredentials)('with %s', async (_label, headers) => {
    const { endpoints } = await fixture();
    const before = await dbSnapshot(ctx.app);
    for (const e of endpoints) {
      const res = await ctx.app.inject({ method: e.method, url: e.url, payload: e.payload, headers });
      expect(res.statusCode, `${e.name} -> ${res.body}`).toBe(401);
      expectProblem(res, 401, 'unauthorized');
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('after logout', async () => {
    const { owner, endpoints } = await fixture();
    const out = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: owner.headers });
    expect(out.statusCode).toBe(204);
    const before = await dbSnapshot(ctx.app);
    for (const e of endpoints) {
      const res = await ctx.app.inject({ method: e.method, url: e.url, payload: e.payload, headers: owner.headers });
      expect(res.statusCode, `${e.name} -> ${res.body}`).toBe(401);
      expectProblem(res, 401, 'unauthorized');
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('before looking at the input: no session and an invalid body is still 401', async () => {
    const cases = [
      { method: 'POST' as const, url: '/api/events', payload: { name: '' } },
      { method: 'POST' as const, url: `/api/events/${unknownId()}/tickets`, payload: { count: 0 } },
      { method: 'GET' as const, url: '/api/events/not-a-uuid' },
      { method: 'GET' as const, url: '/api/events?page=0' },
      { method: 'GET' as const, url: '/api/tickets/not-a-uuid' },
    ];
    for (const c of cases) {
      expectProblem(await ctx.app.inject(c), 401, 'unauthorized');
    }
  });
});
