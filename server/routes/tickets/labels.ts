import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { UpdateTicketLabelBody } from '../../../shared/controls.js';
import { OwnerTicketResponse, TicketIdParams } from '../../../shared/schemas.js';
import { setTicketLabel } from '../../domain/tickets/labels.js';
import { sessionOf } from '../../plugins/auth.js';
import { ticketPageUrl } from '../public-url.js';
import { problems } from '../responses.js';

const tags = ['tickets'];

/** The owner labels a ticket (a holder's name, a seat). Inside ticketRoutes. */
const ticketLabelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.patch(
    '/:ticketId',
    {
      schema: {
        summary: 'Set or clear a ticket’s label (event owner only)',
        tags,
        params: TicketIdParams,
        body: UpdateTicketLabelBody,
        response: { 200: OwnerTicketResponse, ...problems(400, 401, 404) },
      },
      onRequest: app.requireSession,
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const ownerId = sessionOf(request).user.id;
      const ticket = await setTicketLabel(app.store.db, ownerId, request.params.ticketId, request.body.label);
      return { ticket: { ...ticket, publicUrl: ticketPageUrl(request, ticket.id) } };
    },
  );
};

export default ticketLabelRoutes;
