import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCode } from '../../shared/error-codes.js';
import { type DoorSession, DoorSessions } from '../domain/doors/door-sessions.js';
import { findSession, type ResolvedSession, type Session } from '../domain/users/sessions.js';
import { AppError } from '../errors.js';

export const SESSION_COOKIE = 'admit_session';
/** A door session's cookie: a name of its own, so it never counts as an organiser's session. */
export const DOOR_COOKIE = 'admit_door';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A door route whose work checks the door link itself, in the same transaction (the scan):
     * requireDoorSession then leaves that check to it.
     */
    doorLinkCheckedByRedeemer?: boolean;
  }
  interface FastifyRequest {
    session: ResolvedSession | null;
    doorSession: DoorSession | null;
  }
  interface FastifyInstance {
    /** onRequest hook: 401 unless the request carries a live session, checked before any input is parsed. */
    requireSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** onRequest hook of the door routes: 401 unless the request carries a live door session. */
    requireDoorSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    setSessionCookie: (reply: FastifyReply, request: FastifyRequest, session: Session) => void;
    setDoorCookie: (
      reply: FastifyReply,
      request: FastifyRequest,
      session: { token: string; expiresAt: string },
    ) => void;
    clearSessionCookie: (reply: FastifyReply, request: FastifyRequest) => void;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session of a request behind `requireSession`, which has already refused any request
 * without one: handlers read it here instead of checking again. Without the hook it fails closed.
 */
export function sessionOf(request: FastifyRequest): ResolvedSession {
  if (!request.session) throw AppError.unauthorized();
  return request.session;
}

/** The door session of a request behind `requireDoorSession` (see sessionOf). */
export function doorSessionOf(request: FastifyRequest): DoorSession {
  if (!request.doorSession) throw AppError.unauthorized();
  return request.doorSession;
}

function bearerToken(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * A cookie rides along with any request the browser makes, so a state-changing request
 * authenticated by cookie must come from our own pages: SameSite=Strict plus an Origin /
 * Sec-Fetch-Site check. Bearer tokens are never sent by a browser on its own and need no check.
 */
function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new AppError(ErrorCode.forbidden, 403, 'Cross-site requests are not allowed.');
  }
  const origin = request.headers.origin;
  if (origin) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host !== request.host) throw new AppError(ErrorCode.forbidden, 403, 'Cross-site requests are not allowed.');
  }
}

async function authPlugin(app: FastifyInstance, opts: { ttlSeconds: number }) {
  await app.register(cookie);
  app.decorateRequest('session', null);
  app.decorateRequest('doorSession', null);

  app.decorate('requireSession', async (request: FastifyRequest) => {
    const bearer = bearerToken(request);
    if (bearer === null) throw AppError.unauthorized('The Authorization header must be "Bearer <token>".');
    const token = bearer ?? request.cookies[SESSION_COOKIE];
    if (!token) throw AppError.unauthorized();
    const session = await findSession(app.store.db, token);
    if (!session) throw AppError.unauthorized('The session is invalid or has expired. Sign in again.');
    if (bearer === undefined && !SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    request.session = session;
  });

  const doorSessions = new DoorSessions(app.store.db);
  app.decorate('requireDoorSession', async (request: FastifyRequest) => {
    const bearer = bearerToken(request);
    if (bearer === null) throw AppError.unauthorized('The Authorization header must be "Bearer <token>".');
    const token = bearer ?? request.cookies[DOOR_COOKIE];
    if (!token) throw AppError.unauthorized('A door session is required: open the door link.');
    const checkLink = request.routeOptions.config.doorLinkCheckedByRedeemer !== true;
    const session = await doorSessions.find(token, { checkLink });
    if (!session) throw AppError.unauthorized('This door session has ended. Open the door link again.');
    if (bearer === undefined && !SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    request.doorSession = session;
  });

  app.decorate(
    'setDoorCookie',
    (reply: FastifyReply, request: FastifyRequest, session: { token: string; expiresAt: string }) => {
      reply.setCookie(DOOR_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        expires: new Date(session.expiresAt),
      });
    },
  );

  app.decorate('setSessionCookie', (reply: FastifyReply, request: FastifyRequest, session: Session) => {
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
      maxAge: opts.ttlSeconds,
    });
  });

  app.decorate('clearSessionCookie', (reply: FastifyReply, request: FastifyRequest) => {
    reply.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
    });
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['store'] });
