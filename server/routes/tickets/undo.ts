import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { UndoRedemptionBody } from '../../../shared/event-activity.js';
import { OwnerTicketResponse, TicketIdParams } from '../../../shared/schemas.js';
import { undoRedemption } from '../../domain/scans/undo-admission.js';
import { getOwnedTicket } from '../../domain/tickets/get-ticket.js';
import { sessionOf } from '../../plugins/auth.js';
import { ticketPageUrl } from '../public-url.js';
import { noStore, problems } from '../responses.js';

const tags = ['tickets'];

/** The owner undoes a redemption from the ticket page. Registered inside ticketRoutes. */
const ticketUndoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:ticketId/undo-redemption',
    {
      onRequest: [app.requireSession, noStore],
      // The body is optional: no body at all is an undo without a reason.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: 'Undo the redemption of a ticket (event owner): it is ok again; the log keeps both',
        tags,
        params: TicketIdParams,
        body: UndoRedemptionBody,
        response: { 200: OwnerTicketResponse, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ownerId = sessionOf(request).user.id;
      const { ticketId } = request.params;
      const { eventSeq } = await undoRedemption(app.store.db, ownerId, ticketId, request.body);
      app.changes.touched(eventSeq);
      // A change an organiser made, without the whole ticket id (a bearer secret).
      request.log.info({ event: 'redemption_undone', ticket: ticketId.slice(0, 8) }, 'redemption undone by the owner');
      const ticket = await getOwnedTicket(app.store.db, ownerId, ticketId);
      return { ticket: { ...ticket, publicUrl: ticketPageUrl(request, ticket.id) } };
    },
  );
};

export default ticketUndoRoutes;
