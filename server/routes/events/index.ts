import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AddTicketsBody,
  AddTicketsResponse,
  CreateEventBody,
  CsvQuery,
  Event,
  EventIdParams,
  EventList,
  EventStatus,
  ListEventsQuery,
  ListTicketsQuery,
  TicketList,
} from '../../../shared/schemas.js';
import { addTickets } from '../../domain/add-tickets.js';
import { createEvent } from '../../domain/create-event.js';
import { exportTickets } from '../../domain/export-tickets.js';
import { getEvent } from '../../domain/find-event.js';
import { listEvents } from '../../domain/list-events.js';
import { listTickets } from '../../domain/list-tickets.js';
import { AppError } from '../../errors.js';
import { problems } from '../responses.js';

const tags = ['events'];
const EventResponse = Type.Object({ event: Event });

/** Event and ticket management; every route needs a session and sees only the caller's events. */
const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireSession);
  const ownerId = (request: { session: { user: { id: string } } | null }) => {
    if (!request.session) throw AppError.unauthorized();
    return request.session.user.id;
  };

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
    async (request) => listEvents(app.store.db, ownerId(request), request.query),
  );

  app.post(
    '/',
    {
      schema: {
        summary: 'Create an event with its initial tickets (atomic)',
        tags,
        body: CreateEventBody,
        response: { 201: EventResponse, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const event = await createEvent(app.store.db, ownerId(request), request.body);
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
    async (request) => ({ event: await getEvent(app.store.db, ownerId(request), request.params.eventId) }),
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
      const event = await getEvent(app.store.db, ownerId(request), request.params.eventId);
      reply.header('cache-control', 'no-store');
      return { totalTickets: event.totalTickets, redeemedTickets: event.redeemedTickets };
    },
  );

  app.post(
    '/:eventId/tickets',
    {
      schema: {
        summary: 'Add a batch of tickets (atomic); returns the batch CSV path',
        tags,
        params: EventIdParams,
        body: AddTicketsBody,
        response: { 201: AddTicketsResponse, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { batch, eventId } = await addTickets(
        app.store.db,
        ownerId(request),
        request.params.eventId,
        request.body.count,
      );
      const downloadUrl = `/api/events/${eventId}/tickets.csv?status=all&batch=${batch.id}`;
      return reply.code(201).send({ batch, downloadUrl });
    },
  );

  app.get(
    '/:eventId/tickets',
    {
      schema: {
        summary: 'Page through an event’s tickets (opaque cursor)',
        tags,
        params: EventIdParams,
        querystring: ListTicketsQuery,
        response: { 200: TicketList, ...problems(400, 401, 404) },
      },
    },
    async (request) => listTickets(app.store.db, ownerId(request), request.params.eventId, request.query),
  );

  app.get(
    '/:eventId/tickets.csv',
    {
      schema: {
        summary: 'Download tickets as CSV (default: the non-redeemed ones), streamed',
        tags,
        params: EventIdParams,
        querystring: CsvQuery,
        produces: ['text/csv'],
        response: {
          200: Type.String({ description: 'RFC 4180 CSV: ticket_id,status,created_at,redeemed_at' }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const { filename, stream } = await exportTickets(
        app.store.db,
        ownerId(request),
        request.params.eventId,
        request.query,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(stream as never);
    },
  );
};

export default eventRoutes;
