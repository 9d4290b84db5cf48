import Fastify, { type InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { frameworkErrorHandler } from '../server/plugins/errors.js';
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

const ctx = useApp();

/** A user with an event of 2 tickets, one of them redeemed, as the backdrop that must not change. */
async function fixture() {
  const { headers } = await createUser(ctx.app);
  const event = await createEvent(ctx.app, headers, { initialTickets: 2 });
  const [ticketId, redeemedId] = (await ticketIds(ctx.app, headers, event.id)) as [string, string];
  await ctx.app.inject({ method: 'GET', url: `/redeem/${redeemedId}` });
  return { headers, eventId: event.id, ticketId };
}

/** Sends each request and asserts a 4xx problem with code and detail, and that the database did not change. */
async function expectRefusedWithoutChange(requests: InjectOptions[]) {
  const before = await dbSnapshot(ctx.app);
  for (const request of requests) {
    const res = await ctx.app.inject(request);
    const label = `${request.method} ${request.url} ${String(request.payload ?? '').slice(0, 60)} -> ${res.statusCode} ${res.body}`;
    expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, label).toBeLessThan(500);
    if (request.method !== 'HEAD') expectProblem(res, res.statusCode, res.json().code);
  }
  expect(await dbSnapshot(ctx.app)).toEqual(before);
}

const json = { 'content-type': 'application/json' };

describe('malformed bodies', () => {
  it.each([
    ['/api/events', 'event'],
    ['/api/events/:eventId/tickets', 'tickets'],
    ['/api/auth/register', 'register'],
    ['/api/auth/login', 'login'],
  ])('POST %s: bad JSON, wrong types and content types, empty and odd bodies', async (path) => {
    const f = await fixture();
    const url = path.replace(':eventId', f.eventId);
    const headers = path.startsWith('/api/events') ? f.headers : {};
    const raw = (payload: string | undefined, extra: Record<string, string> = json): InjectOptions => ({
      method: 'POST',
      url,
      headers: { ...headers, ...extra },
      payload,
    });
    await expectRefusedWithoutChange([
      raw('{"name": "x",'),
      raw('{name: "x"}'),
      raw("{'count': 1}"),
      raw('not json at all'),
      raw(''),
      raw(undefined, {}),
      raw('[]'),
      raw('[{"count": 1}]'),
      raw('null'),
      raw('"a string"'),
      raw('42'),
      raw('true'),
      raw('{"count": 1}', { 'content-type': 'text/plain' }),
      raw('<event><count>1</count></event>', { 'content-type': 'application/xml' }),
      raw('count=1', { 'content-type': 'application/x-www-form-urlencoded' }),
      raw('{"count": 1}', { 'content-type': 'multipart/form-data; boundary=x' }),
      raw('{"__proto__": {"admin": true}, "count": 1}'),
      raw('{"constructor": {"prototype": {"admin": true}}, "count": 1}'),
      raw(JSON.stringify({ name: 'x'.repeat(70_000), count: 1 })),
    ]);
  });

  it('refuses huge, negative, fractional and non-numeric counts, naming the field', async () => {
    const f = await fixture();
    const numbers = [
      '1e400',
      '-1e400',
      '9007199254740993',
      '1e21',
      '-1',
      '-0.5',
      '0',
      '1000001',
      '2.5',
      '"10"',
      '[1]',
      '{}',
    ];
    const before = await dbSnapshot(ctx.app);
    for (const n of numbers) {
      const tickets = await ctx.app.inject({
        method: 'POST',
        url: `/api/events/${f.eventId}/tickets`,
        headers: { ...f.headers, ...json },
        payload: `{"count": ${n}}`,
      });
      expectFieldError(tickets, 'count');
      const event = await ctx.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: { ...f.headers, ...json },
        payload: `{"name": "Numbers", "date": "2026-12-31", "initialTickets": ${n}}`,
      });
      expectFieldError(event, 'initialTickets');
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('refuses strings that are too long, naming the field', async () => {
    const f = await fixture();
    const before = await dbSnapshot(ctx.app);
    const post = (url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url, headers, payload });
    expectFieldError(
      await post('/api/events', { name: 'n'.repeat(201), date: '2026-12-31', initialTickets: 1 }, f.headers),
      'name',
    );
    expectFieldError(
      await post('/api/events', { name: 'ok', date: `2026-12-31${'1'.repeat(100)}`, initialTickets: 1 }, f.headers),
      'date',
    );
    expectFieldError(
      await post('/api/auth/register', { username: 'u'.repeat(65), password: 'correct horse battery' }),
      'username',
    );
    expectFieldError(
      await post('/api/auth/register', { username: 'longpassword', password: 'p'.repeat(1025) }),
      'password',
    );
    expectFieldError(await post('/api/auth/login', { username: 'u'.repeat(65), password: 'whatever1' }), 'username');
    expectFieldError(await post('/api/auth/login', { username: 'someone', password: 'p'.repeat(1025) }), 'password');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe('control characters in text', () => {
  // PostgreSQL refuses NUL in text outright; no such character may turn into a 500 there.
  it('are refused in event names and searches, naming the field, and make a username unknown', async () => {
    const f = await fixture();
    const before = await dbSnapshot(ctx.app);
    for (const name of ['a\u0000b', 'line\nbreak', 'tab\there', '\u0007bell']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: f.headers,
        payload: { name, date: '2026-12-31', initialTickets: 1 },
      });
      expectFieldError(res, 'name');
    }
    expectFieldError(await ctx.app.inject({ method: 'GET', url: '/api/events?q=a%00b', headers: f.headers }), 'q');
    expectFieldError(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { username: 'nul\u0000name', password: 'correct horse battery' },
      }),
      'username',
    );
    const me = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: f.headers });
    const username = me.json().user.username as string;
    const login = (name: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: name, password: 'wrong password' },
      });
    const nul = await login(`${username}\u0000`);
    expect(expectProblem(nul, 401, nul.json().code)).toEqual((await login(`${username}x`)).json());
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('are fine inside a password, which is only ever hashed', async () => {
    const username = `nulpass${Date.now().toString(36)}`;
    const password = 'pass\u0000word\tsecret';
    const reg = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username, password } });
    expect(reg.statusCode).toBe(201);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    expect(login.statusCode).toBe(200);
  });
});

describe('unknown query parameters', () => {
  it('are refused by name where a query is accepted', async () => {
    const f = await fixture();
    for (const url of [
      '/api/events?foo=1',
      '/api/events?q=a&limit=5',
      `/api/events/${f.eventId}/tickets?page=2`,
      `/api/events/${f.eventId}/tickets?foo=1`,
      `/api/events/${f.eventId}/tickets.csv?foo=1`,
      `/api/events/${f.eventId}/tickets.csv?cursor=abc`,
    ]) {
      const field = [...new URL(url, 'http://x').searchParams.keys()].at(-1) ?? '';
      expectFieldError(await ctx.app.inject({ method: 'GET', url, headers: f.headers }), field);
    }
  });
});

describe('malformed ids in every path parameter', () => {
  const malformed = [
    'not-a-uuid',
    '123',
    '00000000000000000000000000000000',
    `${unknownId()}a`,
    unknownId().slice(0, 35),
    'gggggggg-gggg-4ggg-8ggg-gggggggggggg',
    `{${unknownId()}}`,
    encodeURIComponent(` ${unknownId()}`),
    encodeURIComponent("' OR 1=1 --"),
    encodeURIComponent('../../etc/passwd'),
    '%00',
    '%C3%A9t%C3%A9',
    'x'.repeat(150),
  ];

  function routes(eventId: string, ticketId: string, id: string): InjectOptions[] {
    const e = (path: string) => path.replace(':eventId', id);
    return [
      { method: 'GET', url: e('/api/events/:eventId') },
      { method: 'GET', url: e('/api/events/:eventId/status') },
      { method: 'POST', url: e('/api/events/:eventId/tickets'), payload: { count: 1 } },
      { method: 'GET', url: e('/api/events/:eventId/tickets') },
      { method: 'GET', url: e('/api/events/:eventId/tickets.csv') },
      { method: 'GET', url: `/api/events/${eventId}/tickets.csv?batch=${id}` },
      { method: 'GET', url: `/api/tickets/${id}` },
      { method: 'POST', url: `/api/tickets/${id}/redeem` },
      { method: 'GET', url: `/redeem/${id}` },
      { method: 'HEAD', url: `/redeem/${id}` },
      { method: 'GET', url: `/status/${id}` },
      // A valid id next to a malformed one: the malformed one still decides.
      { method: 'GET', url: `/redeem/${ticketId}/${id}` },
    ];
  }

  it('get a 4xx problem with code and detail and change nothing', async () => {
    const f = await fixture();
    const requests = malformed.flatMap((id) =>
      routes(f.eventId, f.ticketId, id).map((r) => ({ ...r, headers: f.headers })),
    );
    await expectRefusedWithoutChange(requests);
  });

  it('name the parameter in a 400 validation_failed', async () => {
    const f = await fixture();
    const checks: [InjectOptions, string][] = [
      [{ method: 'GET', url: '/api/events/nope' }, 'eventId'],
      [{ method: 'GET', url: '/api/events/nope/status' }, 'eventId'],
      [{ method: 'POST', url: '/api/events/nope/tickets', payload: { count: 1 } }, 'eventId'],
      [{ method: 'GET', url: '/api/events/nope/tickets' }, 'eventId'],
      [{ method: 'GET', url: '/api/events/nope/tickets.csv' }, 'eventId'],
      [{ method: 'GET', url: `/api/events/${f.eventId}/tickets.csv?batch=nope` }, 'batch'],
      [{ method: 'GET', url: '/api/tickets/nope' }, 'ticketId'],
      [{ method: 'POST', url: '/api/tickets/nope/redeem' }, 'ticketId'],
      [{ method: 'GET', url: '/redeem/nope' }, 'ticketId'],
      [{ method: 'GET', url: '/status/nope' }, 'ticketId'],
    ];
    for (const [request, field] of checks) {
      expectFieldError(await ctx.app.inject({ ...request, headers: f.headers }), field);
    }
  });

  it('a broken percent-encoding or an over-long id is a problem+json 400 too', async () => {
    const f = await fixture();
    await expectRefusedWithoutChange([
      { method: 'GET', url: '/redeem/%E0%A4%A', headers: f.headers },
      { method: 'GET', url: `/api/events/${'x'.repeat(300)}`, headers: f.headers },
      { method: 'POST', url: `/api/tickets/${'a'.repeat(201)}/redeem` },
    ]);
  });

  it('frameworkErrorHandler shapes the router’s own refusals as problem+json without echoing the path', async () => {
    const app = Fastify({ routerOptions: { maxParamLength: 40 }, frameworkErrors: frameworkErrorHandler });
    app.get('/redeem/:ticketId', async () => 'never');
    for (const url of ['/redeem/%E0%A4%A', `/redeem/${'s3cret'.repeat(20)}`]) {
      const res = await app.inject({ method: 'GET', url });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body).not.toContain('s3cret');
      expect(res.body).not.toContain('%E0');
    }
    await app.close();
  });
});

describe('error bodies', () => {
  it('are problem+json with type, title, status, detail and code, and nothing internal', async () => {
    const f = await fixture();
    const samples = await Promise.all([
      ctx.app.inject({ method: 'GET', url: '/api/events' }),
      ctx.app.inject({ method: 'GET', url: `/api/events/${unknownId()}`, headers: f.headers }),
      ctx.app.inject({ method: 'POST', url: '/api/events', headers: { ...f.headers, ...json }, payload: '{' }),
      ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nothing1' } }),
      ctx.app.inject({ method: 'GET', url: `/redeem/${unknownId()}` }),
      ctx.app.inject({ method: 'GET', url: '/api/no/such/route' }),
    ]);
    for (const res of samples) {
      const body = expectProblem(res, res.statusCode, res.json().code);
      expect(body.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(body.status).toBe(res.statusCode);
      for (const key of ['type', 'title', 'status', 'detail', 'code']) expect(body).toHaveProperty(key);
      expect(
        Object.keys(body).filter((k) => !['type', 'title', 'status', 'detail', 'code', 'errors'].includes(k)),
      ).toEqual([]);
    }
  });
});
