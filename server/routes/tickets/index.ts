import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OwnerTicketResponse, TicketIdParams } from '../../../shared/schemas.js';
import { getOwnedTicket } from '../../domain/tickets/get-ticket.js';
import { sessionOf } from '../../plugins/auth.js';
import { ticketPageUrl } from '../public-url.js';
import { redeemRouteSchema, sendRedeemResult } from '../redeem-reply.js';
import { noStore, problems } from '../responses.js';
import ticketLabelRoutes from './labels.js';
import ticketUndoRoutes from './undo.js';
import ticketVoidRoutes from './void.js';

const tags = ['tickets'];

/** Ticket lookup for the event owner, and the public POST redeem used by scanners. */
const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:ticketId',
    {
      schema: {
        summary: 'One ticket with its event (event owner only)',
        tags,
        params: TicketIdParams,
        response: { 200: OwnerTicketResponse, ...problems(400, 401, 404) },
      },
      onRequest: app.requireSession,
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const ticket = await getOwnedTicket(app.store.db, sessionOf(request).user.id, request.params.ticketId);
      return { ticket: { ...ticket, publicUrl: ticketPageUrl(request, ticket.id) } };
    },
  );

  app.post(
    '/:ticketId/redeem',
    { onRequest: noStore, schema: redeemRouteSchema('Redeem a ticket (public: whoever holds the code)', tags) },
    async (request, reply) => sendRedeemResult(app.redeemer, request, reply),
  );

  await app.register(ticketLabelRoutes);
  await app.register(ticketUndoRoutes);
  await app.register(ticketVoidRoutes);
};

export default ticketRoutes;
