import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorCode } from '../../shared/error-codes.js';
import {
  AlreadyRedeemedProblem,
  type Ticket,
  TicketIdParams,
  TicketResponse,
  TicketVoidProblem,
} from '../../shared/schemas.js';
import type { Redeemer, RedeemResult } from '../domain/redemption/redeemer.js';
import { AppError, problemBody } from '../errors.js';
import { whyNotAScan } from './public/scan-intent.js';
import { problems } from './responses.js';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7E]+$',
      description:
        'Repeat the same key within 24 h to replay the original 200 (marked Idempotent-Replayed: true) instead of getting 410',
    }),
  ),
});

/** The schema both redeem routes share, so they are documented and validated identically. */
export function redeemRouteSchema(summary: string, tags: string[]) {
  return {
    summary,
    tags,
    security: [],
    params: TicketIdParams,
    headers: IdempotencyHeaders,
    response: {
      200: TicketResponse,
      410: Type.Union([AlreadyRedeemedProblem, TicketVoidProblem], {
        description: 'ticket_already_redeemed, or ticket_void for a ticket the organiser voided',
      }),
      ...problems(400, 404, 429),
    },
  };
}

/** 400 not_a_scan for a request that must never redeem: a link preview, a prefetch, an embedded fetch (scan-intent.ts). */
export function refuseNonScans(request: FastifyRequest): void {
  const reason = whyNotAScan(request.headers);
  if (reason)
    throw new AppError(ErrorCode.notAScan, 400, `${reason} Scan it at the door, or open it and press the button.`);
}

/** A redeem request as both redeem routes validate it (redeemRouteSchema). */
export interface RedeemRequest {
  params: { ticketId: string };
  headers: { 'idempotency-key'?: string };
}

/** Answers a decided scan some other way than JSON (the HTML result page of the redeem form). */
export type RenderRedeemResult = (result: RedeemResult, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * Runs a redemption and answers 200 / 410 / 404 exactly as the contract says (routes add
 * `noStore`), or as `render` does; a replay of an idempotency key is marked `Idempotent-Replayed`.
 */
export async function sendRedeemResult(
  redeemer: Redeemer,
  request: FastifyRequest & RedeemRequest,
  reply: FastifyReply,
  render?: RenderRedeemResult,
) {
  refuseNonScans(request);
  const result = await redeemer.redeem({
    ticketId: request.params.ticketId,
    idempotencyKey: request.headers['idempotency-key'],
    client: request.ip,
  });
  if (result.outcome === 'replayed') reply.header('idempotent-replayed', 'true');
  if (render) return render(result, reply);
  switch (result.outcome) {
    case 'redeemed':
    case 'replayed':
      return reply.code(200).send({ ticket: result.ticket });
    case 'duplicate':
      return sendAlreadyRedeemed(reply, result.ticket, result.duplicateScans);
    case 'void':
      return sendTicketVoid(reply);
    case 'unknown':
      throw await unknownTicket(reply);
  }
}

/**
 * 404 for a code no ticket has (both redeem routes, status and HEAD), counted against the client's
 * address: past its allowance, 429 too_many_unknown_tickets instead (throttles.ts).
 */
export async function unknownTicket(reply: FastifyReply): Promise<AppError> {
  const throttled = await reply.server.throttles.countUnknownTicket(reply.request, reply);
  return throttled ?? AppError.notFound(ErrorCode.ticketNotFound, 'No ticket has this code.');
}

/** The constant start of the already-redeemed problem, as problemBody writes it: type, title, status. */
const ALREADY_REDEEMED_HEAD = JSON.stringify(problemBody(ErrorCode.ticketAlreadyRedeemed, 410, '')).replace(
  /,"detail":.*$/,
  '',
);

/**
 * The 410 problem of a redeemed ticket: its first redemption and the refused scans since, as the
 * contract has it and no more. It is the answer of a duplicate storm, so it stays small (no copy
 * of the ticket) and cheap: written as a string from its constant start and three values, not
 * built as an object and serialized. (Not through the route's schema either: its 410 is a union,
 * this problem or ticket_void, which the schema serializer settles by validating the body against
 * each member, formats and all.) `extra` fields (GET /status's ticket) go on the end.
 */
export function sendAlreadyRedeemed(
  reply: FastifyReply,
  ticket: Ticket,
  duplicateScans: number,
  extra: Record<string, unknown> = {},
) {
  const redeemedAt = JSON.stringify(ticket.redeemedAt);
  let body = `${ALREADY_REDEEMED_HEAD},"detail":${JSON.stringify(`This ticket was already redeemed at ${ticket.redeemedAt}.`)},"code":"${ErrorCode.ticketAlreadyRedeemed}","redeemedAt":${redeemedAt},"duplicateScans":${duplicateScans}`;
  for (const [key, value] of Object.entries(extra)) body += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  return reply.code(410).type('application/problem+json; charset=utf-8').send(`${body}}`);
}

/**
 * The 410 of a void ticket: the organiser cancelled it, so it admits no one. The organiser's reason
 * stays theirs (the door sees it, whoever holds the code does not). GET /status adds the ticket.
 */
export function sendTicketVoid(reply: FastifyReply, extra: Record<string, unknown> = {}) {
  return reply
    .code(410)
    .type('application/problem+json; charset=utf-8')
    .send({
      ...problemBody(ErrorCode.ticketVoid, 410, 'This ticket was voided by the organiser: it admits no one.'),
      ...extra,
    });
}
