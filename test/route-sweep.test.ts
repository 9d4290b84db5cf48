import { describe, expect, it } from 'vitest';
import { createEvent, createUser, dbSnapshot, expectProblem, ticketIds, unknownId, useApp } from './helper.js';
import { endpointOf, isPublic, ownedResourceRoutes, pathParams, routeName } from './routes.js';

// Every route the app registers, collected as it registers them: a new route is swept without
// anyone adding it to a list, and fails here until it answers as the others do.
const ctx = useApp();

/** Ids of one user's resources, by path parameter name, and of missing ones. */
async function fixture() {
  const owner = await createUser(ctx.app);
  const stranger = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: 2 });
  const [ticketId] = await ticketIds(ctx.app, owner.headers, event.id);
  const owned = { eventId: event.id, ticketId: ticketId as string };
  const missing = { eventId: unknownId(), ticketId: unknownId() };
  return { owner, stranger, owned, missing };
}

describe('every registered route', () => {
  it('is found: the sweep sees the routes of every resource', () => {
    const names = ctx.routes.map(routeName);
    for (const name of ['GET /api/events', 'GET /api/tickets/:ticketId', 'GET /redeem/:ticketId', 'GET /api/auth/me']) {
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

  it('answers 404 for another user’s resource exactly as for a missing one, and changes nothing', async () => {
    const { stranger, owned, missing } = await fixture();
    const routes = ownedResourceRoutes(ctx.routes);
    expect(routes.flatMap((r) => pathParams(r.url))).toEqual(expect.arrayContaining(['eventId', 'ticketId']));
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
