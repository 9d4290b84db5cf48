import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

/** onRequest hook: the answers of a route are never cached, including its 4xx answers. */
export async function noStore(_request: FastifyRequest, reply: FastifyReply) {
  reply.header('cache-control', 'no-store');
}

/** Problem responses declared per route so OpenAPI documents every error a route can give. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem', { description: describe(s) })]));

function describe(status: number): string {
  return (
    (
      {
        400: 'Validation failed or malformed input (problem+json naming the field)',
        401: 'Missing, invalid, expired or revoked session',
        403: 'Forbidden (registration disabled, or a cross-site cookie request)',
        404: 'Not found (also for another user’s resource)',
        409: 'Conflict',
        429: 'Too many requests',
      } as Record<number, string>
    )[status] ?? 'Error'
  );
}
