import type { FastifySchema, InjectOptions } from 'fastify';

/** A route as the app registered it (collected by test/helper.ts through an onRoute hook). */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema?: FastifySchema & { hide?: boolean };
}

/** A request ready for `app.inject`, named after its route. */
export interface Endpoint {
  name: string;
  method: NonNullable<InjectOptions['method']>;
  url: string;
  payload?: Record<string, unknown>;
}

/**
 * The routes anyone may call without a session. Everything else the app registers must answer
 * 401 without one (test/route-sweep.test.ts proves it for every route, so a new route cannot
 * slip past): keep this list short and deliberate.
 */
const publicRoutes = [
  'POST /api/auth/register',
  'POST /api/door/sessions',
  'POST /api/auth/login',
  'POST /api/tickets/:ticketId/redeem',
  'GET /redeem/:ticketId',
  'POST /redeem/:ticketId',
  'HEAD /redeem/:ticketId',
  'GET /status/:ticketId',
  'HEAD /status/:ticketId',
  'GET /healthz',
  'HEAD /healthz',
  'GET /readyz',
  'HEAD /readyz',
  'GET /api/openapi.json',
  'HEAD /api/openapi.json',
];
/** Interactive API docs (Swagger UI and its assets) are public too. */
const publicPrefixes = ['/api/docs'];

export const routeName = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

/**
 * Organiser routes that also take a door session of the event they name (the live stream): every
 * other organiser route answers a door session 401; these answer a door of another event 404.
 */
const doorSessionAlsoRoutes = ['GET /api/events/:eventId/live'];

/** True for an organiser route that a door session of the same event may call too. */
export function acceptsDoorSession(route: RegisteredRoute): boolean {
  return doorSessionAlsoRoutes.includes(routeName(route));
}

/** True for a route of a door session (door staff), not of an organiser: everything under /api/door but opening one. */
export function isDoorRoute(route: RegisteredRoute): boolean {
  return route.url.startsWith('/api/door/') && !isPublic(route);
}

/** True for a route that needs no session. */
export function isPublic(route: RegisteredRoute): boolean {
  return (
    publicRoutes.includes(routeName(route)) ||
    publicPrefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`)) ||
    route.method === 'OPTIONS'
  );
}

/** Path parameters of a route, in order (`/api/events/:eventId/tickets` → `['eventId']`). */
export function pathParams(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
}

/**
 * A valid body for each route that takes one, so that only the session or the ownership of the
 * resource decides the answer. A route with a body schema and no entry here fails the sweep.
 */
const bodies: Record<string, Record<string, unknown>> = {
  'POST /api/events': { name: 'Intruder', date: '2026-12-31', initialTickets: 1 },
  'POST /api/events/:eventId/tickets': { count: 1 },
  'POST /api/events/:eventId/door-links': { label: 'Intruder gate' },
  'POST /api/door/sessions': { secret: 'not-a-secret' },
  'POST /api/door/scans': { code: '00000000-0000-4000-8000-000000000000' },
  'PATCH /api/events/:eventId': { name: 'Renamed by an intruder' },
  'PATCH /api/tickets/:ticketId': { label: 'Intruder' },
  'POST /api/door/tickets/admit': { ref: 'bm9wZQ.AAAAAAAAAAAAAAAAAAAAAA' },
  'POST /api/tickets/:ticketId/undo-redemption': { reason: 'Scanned by mistake' },
  'POST /api/tickets/:ticketId/void': { reason: 'Refunded' },
  'POST /api/events/:eventId/batches/:batchId/void': { reason: 'Sent to the wrong list' },
  'POST /api/auth/register': { username: 'intruder', password: 'correct horse battery' },
  'POST /api/auth/login': { username: 'intruder', password: 'correct horse battery' },
};

/**
 * The request that exercises a route with these path parameter values. Throws, naming what to
 * add, for a parameter or a body the sweep has no value for.
 */
export function endpointOf(route: RegisteredRoute, params: Record<string, string>): Endpoint {
  const name = routeName(route);
  const url = route.url.replace(/:([A-Za-z]+)/g, (_m, param: string) => {
    const value = params[param];
    if (value === undefined) throw new Error(`${name}: no value for :${param} (add one to the sweep's ids)`);
    return value;
  });
  const payload = bodies[name];
  if (route.schema?.body && !payload) throw new Error(`${name}: no sample body (add one to bodies in test/routes.ts)`);
  return { name, method: route.method as Endpoint['method'], url, payload };
}

/** Every route that needs an organiser's session, as requests with these ids; only the session decides the answer. */
export function sessionEndpoints(routes: RegisteredRoute[], params: Record<string, string>): Endpoint[] {
  return routes.filter((r) => !isPublic(r) && !isDoorRoute(r)).map((r) => endpointOf(r, params));
}

/** Organiser routes that name one of the caller's resources in their path. */
export function ownedResourceRoutes(routes: RegisteredRoute[]): RegisteredRoute[] {
  return routes.filter((r) => !isPublic(r) && !isDoorRoute(r) && pathParams(r.url).length > 0);
}
