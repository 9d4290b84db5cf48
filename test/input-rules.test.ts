import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nowIso } from '../server/domain/common.js';
import { hashPassword } from '../server/domain/users/passwords.js';
import { usernameKey } from '../server/domain/users/register-user.js';
import { testStore } from './databases.js';
import {
  createEvent,
  createUser,
  dbSnapshot,
  expectFieldError,
  openDoor,
  PASSWORD,
  ticketIds,
  useApp,
} from './helper.js';
import { eventually, injectAny, isStreamRoute } from './live-client.js';
import { endpointOf, isDoorRoute, isPublic } from './routes.js';

// Every test here registers: the per-address registration allowance would stop them.
const ctx = useApp({ registrationsPerHour: 1_000_000 });

let serial = 0;
const uniqueName = (base: string) => `${base}${(serial++).toString(36)}`;

function register(username: string, password = PASSWORD) {
  return ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username, password } });
}

function login(username: string, password = PASSWORD) {
  return ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

/** The four kinds of names a person types, each sent through its route with `value` in its field. */
async function nameRoutes() {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
  const door = await openDoor(ctx.app, owner.headers, event.id);
  return {
    name: (value: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: owner.headers,
        payload: { name: value, date: '2026-12-31', initialTickets: 1 },
      }),
    username: (value: string) => register(value),
    label: (value: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/events/${event.id}/door-links`,
        headers: owner.headers,
        payload: { label: value },
      }),
    deviceName: (value: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/door/sessions',
        payload: { secret: door.secret, deviceName: value },
      }),
  };
}

describe(`names (${testStore})`, () => {
  it('are stored in NFC: a name typed decomposed is the same name, and a search finds it typed either way', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { name: '  Cafe\u0301 de Nuit  ' });
    expect(event.name).toBe('Caf\u00e9 de Nuit');
    for (const q of ['caf\u00e9', 'CAFE\u0301', 'fe\u0301 de']) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/events?q=${encodeURIComponent(q)}`,
        headers: owner.headers,
      });
      expect(
        res.json().items.map((e: { id: string }) => e.id),
        q,
      ).toEqual([event.id]);
    }

    const decomposed = uniqueName('Jose\u0301');
    const reg = await register(decomposed);
    expect(reg.statusCode, reg.body).toBe(201);
    expect(reg.json().user.username).toBe(decomposed.normalize('NFC'));
    expect((await login(decomposed.normalize('NFC').toUpperCase())).statusCode).toBe(200);
    expect((await register(decomposed.normalize('NFC'))).statusCode).toBe(409);
  });

  const invisible = [
    ['U+202E', '\u202E'], // right-to-left override: "gate\u202Eexe" reads backwards
    ['U+202A', '\u202A'],
    ['U+2066', '\u2066'],
    ['U+2069', '\u2069'],
    ['U+200E', '\u200E'],
    ['U+200F', '\u200F'],
    ['U+061C', '\u061C'],
    ['U+200B', '\u200B'],
    ['U+200D', '\u200D'],
    ['U+2060', '\u2060'],
    ['U+FEFF', '\uFEFF'],
    ['U+00AD', '\u00AD'],
    ['U+2028', '\u2028'],
  ] as const;

  it('refuse bidi and zero-width characters in every name field, naming the field and the character', async () => {
    const routes = await nameRoutes();
    const before = await dbSnapshot(ctx.app);
    for (const [field, send] of Object.entries(routes)) {
      for (const [codePoint, char] of invisible) {
        const res = await send(uniqueName(`North${char}gate`));
        const body = expectFieldError(res, field);
        expect(body.detail, `${field} ${codePoint}`).toContain(codePoint);
      }
      expectFieldError(await send(uniqueName('Lone \uD800 surrogate')), field);
      expectFieldError(await send(uniqueName('Lone \uDFFF surrogate')), field);
      expectFieldError(await send(uniqueName('nul\u0000')), field);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('keep what is visible: accents, other scripts, emoji without joiners', async () => {
    const routes = await nameRoutes();
    for (const [field, send] of Object.entries(routes)) {
      for (const value of ['Zoë & Ørsted', 'Нова сцена', '東京ドーム', 'بوابة', 'Gate 🎟️']) {
        const res = await send(uniqueName(value));
        expect(res.statusCode, `${field} ${value}: ${res.body}`).toBe(201);
      }
    }
  });

  // 200 × İ lowercases to 400 characters and ﷺ folds to 18: keys outgrew PostgreSQL's varchar
  // columns and those requests were 500 there, while SQLite took them.
  it('are accepted alike on both stores when their keys outgrow the names: 200 × İ, 64 × İ, 64 × ﷺ', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { name: 'İ'.repeat(200) });
    expect(event.name).toBe('İ'.repeat(200));
    const search = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?q=${encodeURIComponent('İİİ')}`,
      headers: owner.headers,
    });
    expect(search.json().items.map((e: { id: string }) => e.id)).toEqual([event.id]);

    for (const username of ['İ'.repeat(64), '\uFDFA'.repeat(64), `${'ǅ'.repeat(60)}${serial++}`]) {
      const res = await register(username);
      expect(res.statusCode, res.body).toBe(201);
      expect((await login(username)).statusCode).toBe(200);
      expect(usernameKey(username).length).toBeGreaterThan(64);
    }

    const routes = await nameRoutes();
    expect((await routes.label('İ'.repeat(100))).statusCode).toBe(201);
    expect((await routes.deviceName('İ'.repeat(60))).statusCode).toBe(201);
  });

  it('are counted after NFC: one that NFC lengthens past its limit is refused, naming the field', async () => {
    // U+FB2C (a Hebrew presentation form) is three characters in NFC.
    const routes = await nameRoutes();
    const before = await dbSnapshot(ctx.app);
    const tooLong = { name: 100, username: 30, label: 40, deviceName: 30 } as const;
    for (const [field, count] of Object.entries(tooLong)) {
      const res = await routes[field as keyof typeof tooLong]('\uFB2C'.repeat(count));
      expect(expectFieldError(res, field).detail).toMatch(/at most \d+ characters/);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe('passwords chosen at registration', () => {
  it('must hold more than spaces', async () => {
    for (const password of [' '.repeat(8), '\u3000'.repeat(8), '\t \t \t \t ', '\u00A0'.repeat(10)]) {
      const body = expectFieldError(await register(uniqueName('spaces'), password), 'password');
      expect(body.detail).toContain('spaces');
    }
  });

  it('must not be one of the common passwords, in any letter case or spacing', async () => {
    const before = await dbSnapshot(ctx.app);
    for (const password of ['password', 'PASSWORD', '12345678', 'iloveyou', 'Qwertyuiop', 'pass word', 'sunshine']) {
      const body = expectFieldError(await register(uniqueName('common'), password), 'password');
      expect(body.detail).toContain('common');
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('an uncommon one is accepted, and login never applies the policy to an old password', async () => {
    expect((await register(uniqueName('good'), 'violet staircase 42')).statusCode).toBe(201);
    const username = uniqueName('legacy');
    await ctx.app.store.db
      .insertInto('users')
      .values({
        id: randomUUID(),
        username,
        username_key: usernameKey(username),
        password_hash: await hashPassword('12345678'),
        created_at: nowIso(),
      })
      .execute();
    expect((await login(username, '12345678')).statusCode).toBe(200);
  });
});

describe('Cache-Control: no-store', () => {
  it('is on every answer of every signed-in route, the register and login answers, and problems', async () => {
    const username = uniqueName('cached');
    const registered = await register(username);
    expect(registered.headers['cache-control']).toBe('no-store');
    const signedIn = await login(username);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    const headers = { authorization: `Bearer ${signedIn.json().token}` };

    const event = await createEvent(ctx.app, headers, { initialTickets: 2 });
    const [ticketId] = await ticketIds(ctx.app, headers, event.id);
    const door = await openDoor(ctx.app, headers, event.id);
    const ids = { eventId: event.id, ticketId: ticketId as string, linkId: door.linkId, scanId: randomUUID() };
    const reads = ctx.routes.filter((r) => r.method === 'GET' && !isPublic(r));
    expect(reads.length).toBeGreaterThan(5);
    let streams = 0;
    for (const route of reads) {
      const e = endpointOf(route, ids);
      const request = { method: 'GET' as const, url: e.url, headers: isDoorRoute(route) ? door.headers : headers };
      // The live stream never ends: its headers are checked, then it is closed as a browser would.
      const res = isStreamRoute(route) ? await injectAny(ctx.app, request) : await ctx.app.inject(request);
      expect(res.statusCode, `${e.name} ${res.body}`).toBeLessThan(500);
      expect(res.headers['cache-control'], e.name).toBe('no-store');
      if (isStreamRoute(route)) {
        expect(res.statusCode, `${e.name} ${res.body}`).toBe(200);
        expect(res.headers['content-type'], e.name).toBe('text/event-stream; charset=utf-8');
        streams++;
      }
    }
    expect(streams, 'the live stream is among the reads').toBeGreaterThan(0);
    await eventually(() => ctx.app.live.stats().subscribers === 0);
    const problem = await ctx.app.inject({ method: 'GET', url: '/api/events' });
    expect(problem.statusCode).toBe(401);
    expect(problem.headers['cache-control']).toBe('no-store');
  });
});
