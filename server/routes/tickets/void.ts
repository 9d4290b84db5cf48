import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { VoidBody } from '../../../shared/controls.js';
import { OwnerTicketResponse, TicketIdParams } from '../../../shared/schemas.js';
import { getOwnedTicket } from '../../domain/tickets/get-ticket.js';
import { unvoidTicket, voidTicket } from '../../domain/tickets/void-tickets.js';
import { sessionOf } from '../../plugins/auth.js';
import { ticketPageUrl } from '../public-url.js';
import { noStore, problems } from '../responses.js';

const tags = ['tickets'];

/** The owner voids a ticket and makes it ok again, from the ticket page or the tickets table. Inside ticketRoutes. */
const ticketVoidRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:ticketId/void',
    {
      onRequest: [app.requireSession, noStore],
      // The body is optional: no body at all is a void without a reason.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: 'Void a ticket (event owner): it admits no one until unvoided; 409 once redeemed',
        tags,
        params: TicketIdParams,
        body: VoidBody,
        response: { 200: OwnerTicketResponse, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ownerId = sessionOf(request).user.id;
      const { ticketId } = request.params;
      const { eventSeq, changed } = await voidTicket(app.store.db, ownerId, ticketId, request.body);
      if (changed) {
        app.changes.touched(eventSeq);
        // A change an organiser made, without the whole ticket id (a bearer secret).
        request.log.info({ event: 'ticket_voided', ticket: ticketId.slice(0, 8) }, 'ticket voided by the owner');
      }
      const ticket = await getOwnedTicket(app.store.db, ownerId, ticketId);
      return { ticket: { ...ticket, publicUrl: ticketPageUrl(request, ticket.id) } };
    },
  );

  app.post(
    '/:ticketId/unvoid',
    {
      onRequest: [app.requireSession, noStore],
      schema: {
        summary: 'Make a void ticket ok again (event owner); 409 ticket_not_void if it is not void',
        tags,
        params: TicketIdParams,
        response: { 200: OwnerTicketResponse, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ownerId = sessionOf(request).user.id;
      const { ticketId } = request.params;
      const { eventSeq } = await unvoidTicket(app.store.db, ownerId, ticketId);
      app.changes.touched(eventSeq);
      request.log.info({ event: 'ticket_unvoided', ticket: ticketId.slice(0, 8) }, 'ticket unvoided by the owner');
      const ticket = await getOwnedTicket(app.store.db, ownerId, ticketId);
      return { ticket: { ...ticket, publicUrl: ticketPageUrl(request, ticket.id) } };
    },
  );
};

export default ticketVoidRoutes;
