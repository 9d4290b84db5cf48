import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorCode } from '../../shared/error-codes.js';
import { AlreadyRedeemedProblem, type Ticket, TicketIdParams, TicketResponse } from '../../shared/schemas.js';
import type { Redeemer } from '../domain/redemption/redeemer.js';
import { AppError, problemBody } from '../errors.js';
import { problems } from './responses.js';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'Repeat the same key to replay the original 200 instead of getting 410',
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
      410: AlreadyRedeemedProblem,
      ...problems(400, 404),
    },
  };
}

/** True for speculative loads (link prefetch, prerender) that must never redeem. */
export function isPrefetch(request: FastifyRequest): boolean {
  const purpose = `${request.headers['sec-purpose'] ?? ''} ${request.headers.purpose ?? ''} ${request.headers['x-moz'] ?? ''}`;
  return /prefetch|prerender/i.test(purpose);
}

/** A redeem request as both redeem routes validate it (redeemRouteSchema). */
export interface RedeemRequest {
  params: { ticketId: string };
  headers: { 'idempotency-key'?: string };
}

/** Runs a redemption and answers 200 / 410 / 404 exactly as the contract says (routes add `noStore`). */
export async function sendRedeemResult(
  redeemer: Redeemer,
  request: FastifyRequest & RedeemRequest,
  reply: FastifyReply,
) {
  if (isPrefetch(request)) {
    throw new AppError(
      ErrorCode.validationFailed,
      400,
      'Prefetch requests never redeem a ticket: open the link to redeem it.',
    );
  }
  const result = await redeemer.redeem({
    ticketId: request.params.ticketId,
    idempotencyKey: request.headers['idempotency-key'],
  });
  switch (result.outcome) {
    case 'redeemed':
    case 'replayed':
      return reply.code(200).send({ ticket: result.ticket });
    case 'duplicate':
      return sendAlreadyRedeemed(reply, result.ticket, result.duplicateScans);
    case 'unknown':
      throw unknownTicket();
  }
}

/** 404 for a code no ticket has (both redeem routes, status and HEAD). */
export function unknownTicket(): AppError {
  return AppError.notFound(ErrorCode.ticketNotFound, 'No ticket has this code.');
}

/**
 * The 410 problem of a redeemed ticket: its first redemption and the refused scans since, as the
 * contract has it and no more. It is the answer of a duplicate storm, so it stays small (no copy
 * of the ticket).
 */
export function sendAlreadyRedeemed(
  reply: FastifyReply,
  ticket: Ticket,
  duplicateScans: number,
  extra: Record<string, unknown> = {},
) {
  return reply
    .code(410)
    .type('application/problem+json; charset=utf-8')
    .send({
      ...problemBody(ErrorCode.ticketAlreadyRedeemed, 410, `This ticket was already redeemed at ${ticket.redeemedAt}.`),
      redeemedAt: ticket.redeemedAt,
      duplicateScans,
      ...extra,
    });
}
