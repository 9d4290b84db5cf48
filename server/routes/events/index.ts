import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CreateEventBody,
  Event,
  EventIdParams,
  EventList,
  EventStatus,
  ListEventsQuery,
} from '../../../shared/schemas.js';
import { createEvent } from '../../domain/events/create-event.js';
import { getOwnedEvent } from '../../domain/events/get-event.js';
import { listEvents } from '../../domain/events/list-events.js';
import { sessionOf } from '../../plugins/auth.js';
import { problems } from '../responses.js';
import eventActivityRoutes from './activity.js';
import doorLinkRoutes from './door-links.js';
import liveRoutes from './live.js';
import eventControlRoutes from './manage.js';
import eventTicketRoutes from './tickets.js';
import eventTicketPdfRoutes from './tickets-pdf.js';

const tags = ['events'];
const EventResponse = Type.Object({ event: Event });

/** Events and their counters; every route needs a session and sees only the caller's events. */
const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    // The live stream takes a door session of its event too, and checks either itself.
    if (request.routeOptions.config.ownerOrDoorSession) return;
    await app.requireSession(request, reply);
  });

  app.get(
    '/',
    {
      schema: {
        summary: 'List your events (search, sort, pages)',
        tags,
        querystring: ListEventsQuery,
        response: { 200: EventList, ...problems(400, 401) },
      },
    },
    async (request) => listEvents(app.store.db, sessionOf(request).user.id, request.query),
  );

  app.post(
    '/',
    {
      schema: {
        summary: 'Create an event with its initial tickets (atomic)',
        tags,
        body: CreateEventBody,
        response: { 201: EventResponse, ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const ticketsPerHour = app.config.ticketsPerHour;
      const event = await createEvent(app.store.db, sessionOf(request).user.id, request.body, { ticketsPerHour });
      return reply.code(201).header('location', `/api/events/${event.id}`).send({ event });
    },
  );

  app.get(
    '/:eventId',
    {
      schema: {
        summary: 'One event with its counters',
        tags,
        params: EventIdParams,
        response: { 200: EventResponse, ...problems(400, 401, 404) },
      },
    },
    async (request) => ({
      event: await getOwnedEvent(app.store.db, sessionOf(request).user.id, request.params.eventId),
    }),
  );

  app.get(
    '/:eventId/status',
    {
      schema: {
        summary: 'Total and redeemed ticket counters (O(1))',
        tags,
        params: EventIdParams,
        response: { 200: EventStatus, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const event = await getOwnedEvent(app.store.db, sessionOf(request).user.id, request.params.eventId);
      reply.header('cache-control', 'no-store');
      return { totalTickets: event.totalTickets, redeemedTickets: event.redeemedTickets };
    },
  );

  await app.register(eventTicketRoutes);
  await app.register(eventTicketPdfRoutes);
  await app.register(doorLinkRoutes);
  await app.register(eventActivityRoutes);
  await app.register(liveRoutes);
  await app.register(eventControlRoutes);
};

export default eventRoutes;
