import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EventIdParams, PdfQuery } from '../../../shared/schemas.js';
import { exportTicketsPdf } from '../../domain/tickets/ticket-pdf.js';
import { sessionOf } from '../../plugins/auth.js';
import { ticketPageUrl } from '../public-url.js';
import { problems } from '../responses.js';

/** Printable tickets with QR codes. Registered inside eventRoutes (a session, the owner's events only). */
const eventTicketPdfRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:eventId/tickets.pdf',
    {
      schema: {
        summary:
          'Download printable tickets with QR codes as PDF (default: the non-redeemed ones, six to an A4 sheet), streamed',
        tags: ['events'],
        params: EventIdParams,
        querystring: PdfQuery,
        produces: ['application/pdf'],
        response: {
          200: Type.String({ description: 'PDF: each ticket with the event, its id and a QR code of its public page' }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const ownerId = sessionOf(request).user.id;
      const ticketUrl = (ticketId: string) => ticketPageUrl(request, ticketId);
      const { eventId } = request.params;
      // Every refusal (event, batch) is decided here, before the first byte of the document.
      const { filename, stream } = await exportTicketsPdf(app.store.db, ownerId, eventId, request.query, ticketUrl);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(stream as never);
    },
  );
};

export default eventTicketPdfRoutes;
