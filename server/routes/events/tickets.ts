import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AddTicketsBody,
  AddTicketsResponse,
  CsvQuery,
  EventIdParams,
  ListTicketsQuery,
  TicketList,
} from '../../../shared/schemas.js';
import { addTickets } from '../../domain/tickets/add-tickets.js';
import { exportTickets } from '../../domain/tickets/export-tickets.js';
import { listTickets } from '../../domain/tickets/list-tickets.js';
import { sessionOf } from '../../plugins/auth.js';
import { ticketPageUrl } from '../public-url.js';
import { problems } from '../responses.js';

const tags = ['events'];

/** An event's tickets: add a batch, page through them, download them. Registered inside eventRoutes. */
const eventTicketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:eventId/tickets',
    {
      schema: {
        summary: 'Add a batch of tickets (atomic); returns the batch CSV path',
        tags,
        params: EventIdParams,
        body: AddTicketsBody,
        response: { 201: AddTicketsResponse, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const ownerId = sessionOf(request).user.id;
      const { eventId: id } = request.params;
      const options = { ticketsPerHour: app.config.ticketsPerHour };
      const { batch, eventId, eventSeq } = await addTickets(app.store.db, ownerId, id, request.body.count, options);
      // The batch is visible now: news for the live streams (its counters, its batch list).
      app.changes.touched(eventSeq);
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
    async (request) => listTickets(app.store.db, sessionOf(request).user.id, request.params.eventId, request.query),
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
          200: Type.String({
            description: 'RFC 4180 CSV: ticket_id,status,created_at,redeemed_at, or the columns= asked',
          }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const ownerId = sessionOf(request).user.id;
      const ticketUrl = (ticketId: string) => ticketPageUrl(request, ticketId);
      const { eventId } = request.params;
      const { filename, stream } = await exportTickets(app.store.db, ownerId, eventId, request.query, ticketUrl);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(stream as never);
    },
  );
};

export default eventTicketRoutes;
