import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { App } from '../server/app.js';
import { testStore } from './databases.js';
import { createEvent, createUser, dbSnapshot, doorScan, openDoor, ticketIds, useApp } from './helper.js';
import { eventually, injectAny, isStreamRoute } from './live-client.js';
import { endpointOf, isDoorRoute, pathParams, type RegisteredRoute, routeName } from './routes.js';

// Property-based sweep of every route the app registers (collected as test/route-sweep.test.ts
// does): random bodies, any Unicode (lone surrogates, NUL, bidi), random path and query values,
// with and without a session. Never a 5xx; a refused request (4xx) changes nothing.
// FUZZ_RUNS sets the runs per route; FUZZ_SEED replays a failure (the seed is in its message).
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

// Registrations from one address are throttled: the sweep must reach registerUser itself.
const ctx = useApp({ registrationsPerHour: 1_000_000 });

// ---------------------------------------------------------------- values

/** Characters that broke or could break something: NUL, controls, bidi, zero-width, lone surrogates, expanding ones. */
const nasty = [
  // Drawn more often: PostgreSQL refuses NUL, stores a lone surrogate as U+FFFD, and these grow under lowercasing, NFKC or NFC.
  ...['\u0000', '\uD800', '\u202E', 'İ', '\uFDFA', '\uFB2C'].flatMap((c) => [c, c, c]),
  '\n',
  '\u0007',
  '\u007F',
  '\u202E',
  '\u2066',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u00AD',
  '\u2028',
  '\uD800',
  '\uDFFF',
  'İ',
  '\uFDFA',
  '\uFB2C',
  'e\u0301',
  '😀',
  '%',
  "'",
  '"',
  '\\',
  ' ',
];

/** One unit of a string: any code point, or a lone surrogate, or one of the nasty ones. */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...nasty) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);

const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom('İ'.repeat(200), '\uFDFA'.repeat(64), 'İ'.repeat(101), 'x'.repeat(201)) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '2026-12-31', '2026-02-30', randomUUID(), 'correct horse battery') },
);

/** Numbers around the limits, but no valid ticket count above 50: creating a million tickets is another test's job. */
const number = fc.oneof(
  fc.integer({ min: -3, max: 50 }),
  fc.constantFrom(
    0,
    -0,
    1_000_001,
    2 ** 31,
    2 ** 53 + 1,
    1e21,
    Number.NEGATIVE_INFINITY,
    0.5,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(text, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** UTF-8 percent-encoding (a lone surrogate becomes U+FFFD's bytes, as a browser would send it). */
function encode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

/** Bytes that are not UTF-8 at all, percent-encoded, and broken escapes. */
const rawBytes = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 12 })
    .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '%C0%AF', '..', '%2e%2e%2f', 'x'.repeat(250)),
);

// ---------------------------------------------------------------- requests

interface Fixture {
  ids: Record<string, string>;
  secret: string;
  headers: Record<'organiser' | 'stranger' | 'door', Record<string, string>>;
  token: string;
}

/** An owner with an event, tickets (one redeemed), a door and a scan; a stranger with an event of their own. */
async function makeFixture(app: App): Promise<Fixture> {
  const owner = await createUser(app);
  const stranger = await createUser(app);
  const event = await createEvent(app, owner.headers, { initialTickets: 3 });
  const [ticketId, redeemedId] = (await ticketIds(app, owner.headers, event.id)) as [string, string];
  await app.inject({ method: 'GET', url: `/redeem/${redeemedId}`, headers: { accept: 'application/json' } });
  const door = await openDoor(app, owner.headers, event.id);
  const scan = (await doorScan(app, door.headers, ticketId)).json() as { scan: { id: string } };
  await createEvent(app, stranger.headers, { initialTickets: 1 });
  const batch = await app.store.db
    .selectFrom('ticket_batches')
    .innerJoin('events', 'events.seq', 'ticket_batches.event_seq')
    .select('ticket_batches.id')
    .where('events.id', '=', event.id)
    .executeTakeFirstOrThrow();
  return {
    ids: { eventId: event.id, ticketId, linkId: door.linkId, scanId: scan.scan.id, redeemedId, batchId: batch.id },
    secret: door.secret,
    headers: { organiser: owner.headers, stranger: stranger.headers, door: door.headers },
    token: owner.token,
  };
}

/**
 * Who asks: mostly whoever the route is for (the owner, or a door for a door route), else nobody,
 * a stranger, the other kind of session, a forged token, or the owner's cookie from here or from
 * another site.
 */
function credentials(f: Fixture, route: RegisteredRoute) {
  const rightful = isDoorRoute(route) ? f.headers.door : f.headers.organiser;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(rightful) },
    {
      weight: 4,
      arbitrary: fc.constantFrom<Record<string, string>>(
        {},
        f.headers.organiser,
        f.headers.stranger,
        f.headers.door,
        { authorization: 'Bearer not-a-real-token' },
        { authorization: 'Basic Zm9vOmJhcg==' },
        { cookie: `admit_session=${f.token}`, 'sec-fetch-site': 'same-origin' },
        { cookie: `admit_session=${f.token}`, origin: 'https://evil.example' },
      ),
    },
  );
}

/** A path parameter: the fixture's own id, someone's, none, or junk. */
function pathValue(f: Fixture, param: string) {
  const own = f.ids[param] ?? randomUUID();
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(own, own.toUpperCase()) },
    { weight: 2, arbitrary: fc.constantFrom(...Object.values(f.ids)) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
    { weight: 2, arbitrary: text.map(encode) },
    { weight: 1, arbitrary: rawBytes },
  );
}

const schemaKeys = (schema: unknown) => Object.keys((schema as { properties?: object } | undefined)?.properties ?? {});

/** The query string: the route's own parameters and strangers, with junk values, sometimes not even UTF-8. */
function queryOf(route: RegisteredRoute) {
  const own = schemaKeys(route.schema?.querystring);
  const value = fc.oneof(text, number.map(String), fc.constant(''));
  const pairs = (key: fc.Arbitrary<string>) =>
    fc
      .array(fc.tuple(key, value), { minLength: 1, maxLength: 4 })
      .map((list) => list.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: own.length ? 4 : 0, arbitrary: own.length ? pairs(fc.constantFrom(...own)) : fc.constant('') },
    { weight: 1, arbitrary: pairs(fc.oneof(fc.constantFrom('q', 'x', '__proto__', 'constructor'), text)) },
    { weight: 1, arbitrary: rawBytes.map((raw) => `${own[0] ?? 'q'}=${raw}`) },
  );
}

/**
 * A body: the route's valid sample (test/routes.ts) with some fields kept, some dropped and some
 * replaced by junk, so that requests reach the domain code and not only the schema; or any JSON;
 * or no JSON at all.
 */
function bodyOf(route: RegisteredRoute, f: Fixture) {
  if (!route.schema?.body)
    return fc.oneof(
      fc.constant(undefined),
      json.map((v) => JSON.stringify(v)),
    );
  const sample: Record<string, unknown> = {
    ...endpointOf(route, f.ids).payload,
    // Values that get past the first check: a live door secret, real ticket codes.
    ...(route.url === '/api/door/sessions' ? { secret: f.secret } : {}),
    ...(route.url === '/api/door/scans' ? { code: f.ids.ticketId, scanId: randomUUID() } : {}),
  };
  const keys = [...new Set([...Object.keys(sample), ...schemaKeys(route.schema.body)])];
  // Each field: mostly its valid value, or that value with a nasty character or two slipped in,
  // else junk, sometimes missing (undefined: JSON leaves it out).
  const field = (key: string) => {
    const valid = sample[key] ?? new Date(Date.now() + 86_400_000).toISOString();
    const slipped = fc
      .array(fc.tuple(fc.constantFrom(...nasty), fc.nat()), { minLength: 1, maxLength: 2 })
      .map((inserts) =>
        inserts.reduce((value, [char, at]) => {
          const i = at % (value.length + 1);
          return value.slice(0, i) + char + value.slice(i);
        }, String(valid)),
      );
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant(valid) },
      { weight: typeof valid === 'string' ? 5 : 0, arbitrary: slipped },
      { weight: 3, arbitrary: text },
      { weight: 1, arbitrary: number },
      { weight: 1, arbitrary: json },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  };
  const shaped = fc
    .record(Object.fromEntries(keys.map((k) => [k, field(k)])))
    .chain((o) =>
      fc
        .oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: json })
        .map((extra) => (extra === undefined ? o : { ...o, extra })),
    );
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: json.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: text },
  );
}

/** A header that is usually absent. */
const sometimes = (value: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

const extraHeaders = fc.record({
  'content-type': fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
    },
  ),
  accept: sometimes(fc.constantFrom('application/json', 'text/html', '*/*', 'image/*')),
  'idempotency-key': sometimes(fc.string({ unit: 'binary-ascii', maxLength: 210 })),
  'sec-fetch-mode': sometimes(fc.constantFrom('navigate', 'no-cors', 'cors')),
  'x-purpose': sometimes(fc.constant('preview')),
});

/** One request to `route`, every part drawn at random. */
function requestTo(route: RegisteredRoute, f: Fixture) {
  const params = Object.fromEntries(pathParams(route.url).map((p) => [p, pathValue(f, p)]));
  return fc
    .record({
      params: fc.record(params),
      wildcard: fc.oneof(text.map(encode), rawBytes),
      query: queryOf(route),
      body: bodyOf(route, f),
      who: credentials(f, route),
      extra: extraHeaders,
    })
    .map(({ params, wildcard, query, body, who, extra }) => {
      // Header values are bytes on the wire: keep the visible ASCII ones.
      const headers = Object.fromEntries(
        Object.entries({ ...extra, ...who }).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && /^[\x20-\x7e]*$/.test(entry[1]),
        ),
      ) as Record<string, string>;
      const path = route.url.replace(/:([A-Za-z]+)/g, (_m, p: string) => params[p] as string).replace('*', wildcard);
      return {
        method: route.method as 'GET',
        url: query ? `${path}?${query}` : path,
        headers,
        payload: ['GET', 'HEAD'].includes(route.method) ? undefined : body,
      };
    });
}

/** What a refused request must leave as it was: every table, except the logs of scans and attempts. */
async function state(app: App) {
  const { counts, ...rest } = await dbSnapshot(app);
  const { redemption_attempts, scans, unknown_code_scans, ...kept } = counts as Record<string, number>;
  const { unknownCodeScans, ...others } = rest as Record<string, unknown>;
  return { counts: kept, ...others };
}

describe(`every route under random input (${testStore})`, () => {
  it(`never answers 5xx, and a refused request changes nothing (${RUNS} runs a route, seed ${SEED})`, async () => {
    const routes = ctx.routes;
    expect(routes.length).toBeGreaterThan(30);
    // Reads share one fixture; a route that may change or revoke it gets a fresh one.
    let forReads: Fixture | undefined;
    for (const route of routes) {
      const reads = ['GET', 'HEAD'].includes(route.method) && !route.url.startsWith('/redeem/');
      if (reads && !forReads) forReads = await makeFixture(ctx.app);
      const fixture = reads && forReads ? forReads : await makeFixture(ctx.app);
      // The state after a refused request is the state before the next one: read once, not twice.
      let known: Awaited<ReturnType<typeof state>> | undefined;
      const streaming = isStreamRoute(route);
      const property = fc.asyncProperty(requestTo(route, fixture), async (request) => {
        const before = known ?? (await state(ctx.app));
        known = undefined;
        // The live stream never ends: read up to its first frame and closed, as a browser would.
        const res = streaming ? await injectAny(ctx.app, request) : await ctx.app.inject(request);
        const said = `${request.method} ${request.url} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, said).toBeLessThan(500);
        if (streaming && res.statusCode === 200) {
          expect(res.headers['content-type'], said).toBe('text/event-stream; charset=utf-8');
          expect(res.headers['cache-control'], said).toBe('no-store');
          expect(res.body, said).toMatch(/^event: counters\ndata: \{"totalTickets":\d+,"redeemedTickets":\d+\}\n\n/m);
        }
        if (res.statusCode >= 400) {
          // A person's browser at a redeem link gets its verdict as a page; everyone else a problem.
          const page = route.url.startsWith('/redeem/') && /^text\/html/.test(String(res.headers['content-type']));
          if (!page) expect(res.headers['content-type'], said).toMatch(/^application\/problem\+json/);
          const after = await state(ctx.app);
          expect(after, `a refused request changed the database: ${said}`).toEqual(before);
          known = after;
        }
      });
      try {
        // A body multiplies what can be sent: those routes get three times the runs.
        await fc.assert(property, { numRuns: route.schema?.body ? 3 * RUNS : RUNS, seed: SEED });
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause;
        throw new Error(
          `${routeName(route)}: rerun with FUZZ_SEED=${SEED}\n${(error as Error).message}\n${cause?.message ?? ''}`,
        );
      }
      // Every stream the sweep opened was closed by its client: none is left on the server.
      if (streaming) await eventually(() => ctx.app.live.stats().subscribers === 0);
    }
  }, 180_000);
});
