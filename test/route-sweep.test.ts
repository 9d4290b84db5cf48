import { describe, expect, it } from 'vitest';
import {
  createEvent,
  createUser,
  dbSnapshot,
  doorScan,
  expectProblem,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';
import {
  acceptsDoorSession,
  endpointOf,
  isDoorRoute,
  isPublic,
  ownedResourceRoutes,
  pathParams,
  routeName,
} from './routes.js';

// Every route the app registers, collected as it registers them: a new route is swept without
// anyone adding it to a list, and fails here until it answers as the others do.
const ctx = useApp();

/** Ids of one user's resources, by path parameter name, and of missing ones; a door of theirs and another's. */
async function fixture() {
  const owner = await createUser(ctx.app);
  const stranger = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: 2 });
  const [ticketId] = await ticketIds(ctx.app, owner.headers, event.id);
  const door = await openDoor(ctx.app, owner.headers, event.id);
  const scan = (await doorScan(ctx.app, door.headers, ticketId as string)).json() as { scan: { id: string } };
  const strangerEvent = await createEvent(ctx.app, stranger.headers, { initialTickets: 1 });
  const strangerDoor = await openDoor(ctx.app, stranger.headers, strangerEvent.id);
  const batch = await ctx.app.store.db
    .selectFrom('ticket_batches')
    .innerJoin('events', 'events.seq', 'ticket_batches.event_seq')
    .select('ticket_batches.id')
    .where('events.id', '=', event.id)
    .executeTakeFirstOrThrow();
  const owned = {
    eventId: event.id,
    ticketId: ticketId as string,
    linkId: door.linkId,
    scanId: scan.scan.id,
    batchId: batch.id,
  };
  const missing = {
    eventId: unknownId(),
    ticketId: unknownId(),
    linkId: unknownId(),
    scanId: unknownId(),
    batchId: unknownId(),
  };
  return { owner, stranger, door, strangerDoor, owned, missing };
}

describe('every registered route', () => {
  it('is found: the sweep sees the routes of every resource', () => {
    const names = ctx.routes.map(routeName);
    for (const name of [
      'GET /api/events',
      'GET /api/tickets/:ticketId',
      'GET /redeem/:ticketId',
      'POST /api/door/scans',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('answers 401 without a session unless it is one of the few public routes, and changes nothing', async () => {
    const { owned } = await fixture();
    const before = await dbSnapshot(ctx.app);
    const guarded = ctx.routes.filter((r) => !isPublic(r));
    expect(guarded.length).toBeGreaterThan(10);
    for (const route of guarded) {
      const e = endpointOf(route, owned);
      for (const headers of [{}, { authorization: 'Bearer never-issued' }]) {
        const res = await ctx.app.inject({ method: e.method, url: e.url, payload: e.payload, headers });
        expect(res.statusCode, `${e.name} -> ${res.body}`).toBe(401);
        expectProblem(res, 401, 'unauthorized');
      }
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('a door session can do nothing else: every organiser route answers it 401, by token or cookie', async () => {
    const { door, owned } = await fixture();
    const before = await dbSnapshot(ctx.app);
    const organiserRoutes = ctx.routes.filter((r) => !isPublic(r) && !isDoorRoute(r) && !acceptsDoorSession(r));
    expect(organiserRoutes.length).toBeGreaterThan(10);
    for (const route of organiserRoutes) {
      const e = endpointOf(route, owned);
      for (const headers of [door.headers, { cookie: `admit_door=${door.token}` }]) {
        const res = await ctx.app.inject({ method: e.method, url: e.url, payload: e.payload, headers });
        expect(res.statusCode, `${e.name} -> ${res.body}`).toBe(401);
      }
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('an organiser route open to a door session of its event answers a door of another event 404, as for a missing event', async () => {
    const { strangerDoor, owned, missing } = await fixture();
    const routes = ctx.routes.filter(acceptsDoorSession);
    expect(routes.map(routeName)).toContain('GET /api/events/:eventId/live');
    const before = await dbSnapshot(ctx.app);
    for (const route of routes) {
      const a = await ctx.app.inject({ ...endpointOf(route, owned), headers: strangerDoor.headers });
      const b = await ctx.app.inject({ ...endpointOf(route, missing), headers: strangerDoor.headers });
      expect(a.statusCode, `${routeName(route)} -> ${a.body}`).toBe(404);
      expect(a.body).toBe(b.body);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('an organiser’s session is not a door session: every door route answers it 401', async () => {
    const { owner, owned } = await fixture();
    const doorRoutes = ctx.routes.filter(isDoorRoute);
    expect(doorRoutes.map(routeName)).toEqual(expect.arrayContaining(['POST /api/door/scans', 'GET /api/door/me']));
    for (const route of doorRoutes) {
      const e = endpointOf(route, owned);
      const res = await ctx.app.inject({ method: e.method, url: e.url, payload: e.payload, headers: owner.headers });
      expect(res.statusCode, `${e.name} -> ${res.body}`).toBe(401);
    }
  });

  it('answers 404 for another user’s resource exactly as for a missing one, and changes nothing', async () => {
    const { stranger, owned, missing } = await fixture();
    const routes = ownedResourceRoutes(ctx.routes);
    expect(routes.flatMap((r) => pathParams(r.url))).toEqual(expect.arrayContaining(['eventId', 'ticketId', 'linkId']));
    const before = await dbSnapshot(ctx.app);
    for (const route of routes) {
      const foreign = endpointOf(route, owned);
      const absent = endpointOf(route, missing);
      const a = await ctx.app.inject({ ...foreign, headers: stranger.headers });
      const b = await ctx.app.inject({ ...absent, headers: stranger.headers });
      expect(a.statusCode, `${foreign.name} -> ${a.body}`).toBe(404);
      expect(a.body, foreign.name).toBe(b.body);
      expect(a.headers['content-type'], foreign.name).toMatch(/^application\/problem\+json/);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('answers 404 to another door for this door’s scans exactly as for a missing one, and changes nothing', async () => {
    const { strangerDoor, owned, missing } = await fixture();
    const routes = ctx.routes.filter((r) => isDoorRoute(r) && pathParams(r.url).length > 0);
    expect(routes.length).toBeGreaterThan(0);
    const before = await dbSnapshot(ctx.app);
    for (const route of routes) {
      const a = await ctx.app.inject({ ...endpointOf(route, owned), headers: strangerDoor.headers });
      const b = await ctx.app.inject({ ...endpointOf(route, missing), headers: strangerDoor.headers });
      expect(a.statusCode, `${routeName(route)} -> ${a.body}`).toBe(404);
      expect(a.body).toBe(b.body);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('is documented in the OpenAPI document, unless hidden on purpose', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = ctx.routes.filter(
      (r) => r.method !== 'HEAD' && !r.schema?.hide && !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json',
    );
    expect(documented.length).toBeGreaterThan(10);
    for (const route of documented) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(spec.paths[path]?.[route.method.toLowerCase()], `${routeName(route)} in /api/openapi.json`).toBeDefined();
    }
  });
});
