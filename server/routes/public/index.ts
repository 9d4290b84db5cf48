import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ErrorCode } from '../../../shared/error-codes.js';
import { PublicTicketResponse, RedeemedStatusProblem, TicketIdParams } from '../../../shared/schemas.js';
import { findPublicTicket } from '../../domain/tickets/get-ticket.js';
import { problemBody } from '../../errors.js';
import { redeemRouteSchema, sendAlreadyRedeemed, sendRedeemResult, unknownTicket } from '../redeem-reply.js';
import { noStore, problems } from '../responses.js';

const tags = ['public'];

/** The brief's public endpoints: GET /redeem/:id and GET /status/:id, plus /healthz. */
const publicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Fastify answers HEAD for every GET by running the GET handler; a HEAD must never redeem,
  // so the redeem route has its own HEAD that only looks.
  app.get(
    '/redeem/:ticketId',
    {
      exposeHeadRoute: false,
      onRequest: noStore,
      schema: redeemRouteSchema('Redeem a ticket (the brief’s GET endpoint; HEAD and prefetch never redeem)', tags),
    },
    async (request, reply) => sendRedeemResult(app.redeemer, request, reply),
  );

  const statusSchema = {
    summary: 'Ticket status without changing it: 200 ok, 410 redeemed, 404 unknown',
    tags,
    security: [],
    params: TicketIdParams,
    response: { 200: PublicTicketResponse, 410: RedeemedStatusProblem, ...problems(400, 404) },
  };
  // The ticket comes with its event's name and date, for the holder's public page (/t/:ticketId).
  const answerStatus = async (ticketId: string, reply: FastifyReply) => {
    const found = await findPublicTicket(app.store.db, ticketId);
    if (!found) throw unknownTicket();
    const { ticket, duplicateScans } = found;
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

  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database check',
        tags: ['operations'],
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async (_request, reply) => {
      try {
        await app.store.db.selectFrom('users').select('id').limit(1).execute();
      } catch (err) {
        app.log.error({ err }, 'health check failed');
        return reply
          .code(503)
          .type('application/problem+json')
          .send(problemBody(ErrorCode.serviceUnavailable, 503, 'The database does not answer.'));
      }
      reply.header('cache-control', 'no-store');
      return { status: 'ok' as const, database: app.store.dialect };
    },
  );
};

export default publicRoutes;
