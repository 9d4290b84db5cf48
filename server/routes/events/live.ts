import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorCode } from '../../../shared/error-codes.js';
import { EventIdParams } from '../../../shared/schemas.js';
import { canonicalId } from '../../domain/common.js';
import { getOwnedEventRow } from '../../domain/events/get-event.js';
import type { LiveCredential } from '../../domain/live/credentials.js';
import { parseLastEventId } from '../../domain/live/sse.js';
import { AppError } from '../../errors.js';
import { problems } from '../responses.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * An organiser route that also takes a door session of the event it names: the events
     * plugin's session hook leaves it to the route (GET /api/events/:eventId/live).
     */
    ownerOrDoorSession?: boolean;
  }
}

const tags = ['events'];

/** Headers of a stream: never cached or buffered by a proxy, plus the security headers every answer carries. */
const streamHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The organiser's session, or else a door session: either is checked as on the routes made for
 * it. Neither: the organiser's 401, unless the door session said more (a revoked door link).
 */
async function ownerOrDoorSession(this: FastifyRequest['server'], request: FastifyRequest, reply: FastifyReply) {
  try {
    await this.requireSession(request, reply);
  } catch (asOwner) {
    try {
      await this.requireDoorSession(request, reply);
    } catch (asDoor) {
      if (asDoor instanceof AppError && asDoor.code !== ErrorCode.unauthorized) throw asDoor;
      throw asOwner;
    }
  }
}

/** GET /api/events/:eventId/live: Server-Sent Events of the event's counters and scans (see LiveHub). */
const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:eventId/live',
    {
      // A HEAD would open a stream that never ends for no body at all.
      exposeHeadRoute: false,
      config: { ownerOrDoorSession: true },
      onRequest: ownerOrDoorSession,
      schema: {
        summary: 'Live counters and scans of an event (Server-Sent Events), for its owner or its doors',
        tags,
        params: EventIdParams,
        headers: Type.Object({
          'last-event-id': Type.Optional(
            Type.String({ description: 'The last event id received: the stream resumes after that scan' }),
          ),
        }),
        produces: ['text/event-stream'],
        response: {
          200: Type.String({
            description:
              'text/event-stream: `counters` { totalTickets, redeemedTickets } at once and after changes, `scan` (id: its place in the log) for each new scan, a comment line at least every LIVE_HEARTBEAT_MS',
          }),
          ...problems(400, 401, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const eventId = canonicalId(request.params.eventId);
      let eventSeq: number;
      let credential: LiveCredential;
      if (request.session) {
        const event = await getOwnedEventRow(app.store.db, request.session.user.id, eventId);
        eventSeq = Number(event.seq);
        credential = { kind: 'owner', tokenHash: request.session.tokenHash };
      } else if (request.doorSession) {
        // A door session of another event: exactly as for a missing event.
        if (request.doorSession.event.id !== eventId)
          throw AppError.notFound(ErrorCode.eventNotFound, 'No such event.');
        eventSeq = request.doorSession.event.seq;
        credential = { kind: 'door', tokenHash: request.doorSession.tokenHash };
      } else {
        throw AppError.unauthorized();
      }
      if (app.live.full(credential)) {
        throw new AppError(
          ErrorCode.tooManyStreams,
          429,
          `This session already has ${app.config.liveStreamsPerSession} live streams open. Close one (another tab or device) and try again.`,
          { retryAfter: 5 },
        );
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, streamHeaders);
      res.flushHeaders();
      // Frames go out as they are written (an injected request has no TCP socket).
      const socket = request.raw.socket as Partial<import('node:net').Socket> | undefined;
      socket?.setNoDelay?.(true);
      const close = app.live.subscribe(
        eventSeq,
        credential,
        {
          write: (chunk) => {
            res.write(chunk);
          },
          end: () => {
            if (!res.writableEnded) res.end();
          },
        },
        parseLastEventId(request.headers['last-event-id']),
      );
      res.once('close', close);
      res.once('error', close);
    },
  );
};

export default liveRoutes;
