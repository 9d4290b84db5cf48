import type { FastifyReply, FastifyRequest } from 'fastify';

// The web app loads only its own scripts and styles; Swagger UI needs inline styles too.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// JSON (answers and problems) and CSV exports: what the API says about someone's account.
const PRIVATE_TYPES = /^(application\/(json|problem\+json)|text\/csv)\b/i;

/**
 * Conservative security headers on every response. An API answer (JSON, a problem, a CSV export)
 * is `Cache-Control: no-store` unless its route chose otherwise: session tokens, ticket codes and
 * account data must stay out of browser and proxy caches, on every route, the future ones too.
 */
export async function securityHeaders(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (!reply.hasHeader('cache-control') && PRIVATE_TYPES.test(String(reply.getHeader('content-type') ?? ''))) {
    reply.header('cache-control', 'no-store');
  }
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
  reply.header('cross-origin-opener-policy', 'same-origin');
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CSP);
  return payload;
}
