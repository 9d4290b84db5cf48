import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Arrivals,
  ArrivalsQuery,
  BatchList,
  ScanList,
  ScansCsvQuery,
  ScansQuery,
} from '../../../shared/event-activity.js';
import { EventIdParams } from '../../../shared/schemas.js';
import { getArrivals } from '../../domain/scans/arrivals.js';
import { exportScans } from '../../domain/scans/export-scans.js';
import { listScans } from '../../domain/scans/scan-log.js';
import { listBatches } from '../../domain/tickets/list-batches.js';
import { sessionOf } from '../../plugins/auth.js';
import { noStore, problems } from '../responses.js';

const tags = ['events'];

/**
 * The organiser's view of the door: the event's scan log (a page, or all of it as CSV), arrivals
 * over time and the ticket batches. Registered inside eventRoutes (a session, the owner only).
 * Answers change with every scan, so none is cached.
 */
const eventActivityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:eventId/scans',
    {
      onRequest: noStore,
      schema: {
        summary: 'The event’s scan log, newest first, keyset-paged (opaque cursor), optionally one outcome',
        tags,
        params: EventIdParams,
        querystring: ScansQuery,
        response: { 200: ScanList, ...problems(400, 401, 404) },
      },
    },
    async (request) => listScans(app.store.db, sessionOf(request).user.id, request.params.eventId, request.query),
  );

  app.get(
    '/:eventId/scans.csv',
    {
      onRequest: noStore,
      schema: {
        summary: 'Download the scan log as CSV (optionally one outcome), newest first, streamed',
        tags,
        params: EventIdParams,
        querystring: ScansCsvQuery,
        produces: ['text/csv'],
        response: {
          200: Type.String({ description: 'RFC 4180 CSV: scanned_at,ticket_id,outcome,door,device' }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const ownerId = sessionOf(request).user.id;
      const { filename, stream } = await exportScans(app.store.db, ownerId, request.params.eventId, request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(stream as never);
    },
  );

  app.get(
    '/:eventId/arrivals',
    {
      onRequest: noStore,
      schema: {
        summary: 'Admitted and refused scans per 1, 5, 15 or 60 minutes, oldest first (empty buckets left out)',
        tags,
        params: EventIdParams,
        querystring: ArrivalsQuery,
        response: { 200: Arrivals, ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      getArrivals(app.store, sessionOf(request).user.id, request.params.eventId, request.query.bucket ?? '1m'),
  );

  app.get(
    '/:eventId/batches',
    {
      onRequest: noStore,
      schema: {
        summary: 'The event’s ticket batches, newest first, with how many of each are redeemed',
        tags,
        params: EventIdParams,
        response: { 200: BatchList, ...problems(400, 401, 404) },
      },
    },
    async (request) => ({
      items: await listBatches(app.store.db, sessionOf(request).user.id, request.params.eventId),
    }),
  );
};

export default eventActivityRoutes;
