import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import {
  PublicTicketResponse,
  RedeemedStatusProblem,
  TicketIdParams,
  TicketVoidProblem,
} from '../../../shared/schemas.js';
import { findPublicTicket } from '../../domain/tickets/get-ticket.js';
import {
  type RenderRedeemResult,
  redeemRouteSchema,
  refuseNonScans,
  sendAlreadyRedeemed,
  sendRedeemResult,
  sendTicketVoid,
  unknownTicket,
} from '../redeem-reply.js';
import { noStore, problems } from '../responses.js';
import { sendRedeemLinkPage, sendRedeemResultPage } from './redeem-page.js';
import { prefersHtml } from './scan-intent.js';

const tags = ['public'];

/** The brief's public endpoints: GET /redeem/:id and GET /status/:id (/healthz is in ../operations.ts). */
const publicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Fastify answers HEAD for every GET by running the GET handler; a HEAD must never redeem,
  // so the redeem route has its own HEAD that only looks. A GET redeems only for a client that
  // asks to (scan-intent.ts): a browser gets a page whose button posts to the route below.
  app.get(
    '/redeem/:ticketId',
    {
      exposeHeadRoute: false,
      onRequest: noStore,
      schema: {
        ...redeemRouteSchema('Redeem a ticket (the brief’s GET endpoint; HTML clients get a page, previews 400)', tags),
        description:
          'API clients (Accept JSON or any, or none) redeem: 200, then 410. A client preferring HTML gets a page ' +
          'that says what the link does, with a button that redeems (POST /redeem/:ticketId). Link previewers, ' +
          'prefetches, embedded fetches and Range requests get 400 not_a_scan. HEAD only looks.',
      },
    },
    async (request, reply) => {
      if (!prefersHtml(request.headers)) return sendRedeemResult(app.redeemer, request, reply);
      refuseNonScans(request);
      const found = await findPublicTicket(app.store.db, request.params.ticketId);
      if (!found) await throttleUnknownPage(reply);
      return sendRedeemLinkPage(reply, found);
    },
  );

  // The page's button: a plain form post (no script runs under the CSP), so this route alone
  // parses form bodies (empty, or whatever the form sends: ignored); every other route still
  // answers 415 to one. Public like GET /redeem: whoever holds the code may use it.
  await app.register(async (scope) => {
    const form = scope.withTypeProvider<TypeBoxTypeProvider>();
    form.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_request, _body, done) => done(null, undefined),
    );
    form.post(
      '/redeem/:ticketId',
      {
        onRequest: noStore,
        schema: {
          ...redeemRouteSchema('Redeem a ticket with the button of its GET /redeem page', tags),
          description:
            'The form of the GET /redeem page posts here (empty or form-encoded body). A browser gets a page: ' +
            'ADMITTED (200), ALREADY USED (410) or NOT FOUND (404); other clients the JSON of POST /api/tickets/:ticketId/redeem.',
        },
      },
      async (request, reply) => {
        const html = prefersHtml(request.headers);
        return sendRedeemResult(app.redeemer, request, reply, html ? renderResultPage : undefined);
      },
    );
  });
  const renderResultPage: RenderRedeemResult = async (result, resultReply) => {
    if (result.outcome === 'unknown') await throttleUnknownPage(resultReply);
    const event = result.outcome === 'unknown' ? null : await findPublicTicket(app.store.db, result.ticket.id);
    return sendRedeemResultPage(resultReply, result, event?.ticket.event ?? null);
  };
  // An unknown code answered with a page counts against the address like its JSON 404 does.
  const throttleUnknownPage = async (reply: FastifyReply) => {
    const refusal = await unknownTicket(reply);
    if (refusal.status !== 404) throw refusal;
  };

  const statusSchema = {
    summary: 'Ticket status without changing it: 200 ok, 410 redeemed or void, 404 unknown',
    tags,
    security: [],
    params: TicketIdParams,
    response: {
      200: PublicTicketResponse,
      410: Type.Union([RedeemedStatusProblem, TicketVoidProblem], {
        description: 'ticket_already_redeemed, or ticket_void for a ticket the organiser voided (both with the ticket)',
      }),
      ...problems(400, 404, 429),
    },
  };
  // The ticket comes with its event's name and date, for the holder's public page (/t/:ticketId).
  const answerStatus = async (ticketId: string, reply: FastifyReply) => {
    const found = await findPublicTicket(app.store.db, ticketId);
    if (!found) throw await unknownTicket(reply);
    const { ticket, duplicateScans } = found;
    if (ticket.status === 'void') return sendTicketVoid(reply, { ticket });
    if (ticket.redeemedAt === null) return reply.code(200).send({ ticket });
    return sendAlreadyRedeemed(reply, ticket, duplicateScans, { ticket });
  };

  app.route({
    method: 'HEAD',
    url: '/redeem/:ticketId',
    onRequest: noStore,
    schema: { ...statusSchema, summary: 'Look at a ticket without redeeming it', hide: true },
    handler: async (request, reply) => answerStatus(request.params.ticketId, reply),
  });

  app.get('/status/:ticketId', { onRequest: noStore, schema: statusSchema }, async (request, reply) =>
    answerStatus(request.params.ticketId, reply),
  );
};

export default publicRoutes;
