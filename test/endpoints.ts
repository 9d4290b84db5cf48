import type { InjectOptions } from 'fastify';

export interface Endpoint {
  name: string;
  method: NonNullable<InjectOptions['method']>;
  url: string;
  payload?: Record<string, unknown>;
}

/** Every route that needs a session, with a valid body, so only the session decides the answer. */
export function sessionEndpoints(ids: { eventId: string; ticketId: string }): Endpoint[] {
  const { eventId, ticketId } = ids;
  return [
    { name: 'GET /api/auth/me', method: 'GET', url: '/api/auth/me' },
    { name: 'POST /api/auth/logout', method: 'POST', url: '/api/auth/logout' },
    { name: 'GET /api/events', method: 'GET', url: '/api/events' },
    {
      name: 'POST /api/events',
      method: 'POST',
      url: '/api/events',
      payload: { name: 'Intruder', date: '2026-12-31', initialTickets: 1 },
    },
    { name: 'GET /api/events/:eventId', method: 'GET', url: `/api/events/${eventId}` },
    { name: 'GET /api/events/:eventId/status', method: 'GET', url: `/api/events/${eventId}/status` },
    {
      name: 'POST /api/events/:eventId/tickets',
      method: 'POST',
      url: `/api/events/${eventId}/tickets`,
      payload: { count: 1 },
    },
    { name: 'GET /api/events/:eventId/tickets', method: 'GET', url: `/api/events/${eventId}/tickets` },
    { name: 'GET /api/events/:eventId/tickets.csv', method: 'GET', url: `/api/events/${eventId}/tickets.csv` },
    { name: 'GET /api/tickets/:ticketId', method: 'GET', url: `/api/tickets/${ticketId}` },
  ];
}

/** Routes scoped to one event of the caller: someone else's event must look exactly like a missing one. */
export function ownedEventEndpoints(eventId: string): Endpoint[] {
  return sessionEndpoints({ eventId, ticketId: eventId }).filter((e) => e.url.startsWith(`/api/events/${eventId}`));
}
