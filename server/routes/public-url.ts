import type { FastifyRequest } from 'fastify';

/** Where guests and door staff reach this server: PUBLIC_URL, or the origin the request came to. */
export function publicOrigin(request: FastifyRequest): string {
  return request.server.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** A ticket's public page: the content of its QR code. */
export function ticketPageUrl(request: FastifyRequest, ticketId: string): string {
  return `${publicOrigin(request)}/t/${ticketId}`;
}
