import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  DeleteEventQuery,
  EventHasRedemptionsProblem,
  LabelImportProblem,
  LabelImportSummary,
  UpdateEventBody,
} from '../../../shared/controls.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import { Event, EventIdParams } from '../../../shared/schemas.js';
import { deleteEvent, removeDeletedEvent } from '../../domain/events/delete-event.js';
import { updateEvent } from '../../domain/events/update-event.js';
import { importLabels } from '../../domain/tickets/labels-csv.js';
import { AppError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import { problems } from '../responses.js';
import voidBatchRoutes from './void-batch.js';

const tags = ['events'];

/** Events of at most this many tickets are removed before DELETE answers; bigger ones in the background. */
const INLINE_REMOVAL_MAX = 10_000;

/** Organiser controls of an event: rename or re-date it, delete it, label its tickets from a CSV. Inside eventRoutes. */
const eventControlRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A label CSV is read as it streams in (importLabels counts its bytes against its own limit).
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

  app.patch(
    '/:eventId',
    {
      schema: {
        summary: 'Rename or re-date an event (the rules of creation)',
        tags,
        params: EventIdParams,
        body: UpdateEventBody,
        response: { 200: Type.Object({ event: Event }), ...problems(400, 401, 404) },
      },
    },
    async (request) => ({
      event: await updateEvent(app.store.db, sessionOf(request).user.id, request.params.eventId, request.body),
    }),
  );

  app.delete(
    '/:eventId',
    {
      schema: {
        summary:
          'Delete an event and all its tickets, scans and door links (409 once a ticket is redeemed, unless force)',
        tags,
        params: EventIdParams,
        querystring: DeleteEventQuery,
        response: {
          204: Type.Null({
            description: 'Deleted: gone at once for every read and redeem; rows removed in the background',
          }),
          ...problems(400, 401, 404),
          409: EventHasRedemptionsProblem,
        },
      },
    },
    async (request, reply) => {
      const ownerId = sessionOf(request).user.id;
      const { eventSeq, tickets } = await deleteEvent(app.store.db, ownerId, request.params.eventId, {
        force: request.query.force === true,
      });
      request.log.info({ event: 'event_deleted', eventId: request.params.eventId.toLowerCase() }, 'event deleted');
      app.changes.touched(eventSeq);
      // A small event is removed before the answer (a few short transactions), so what a client sees
      // next is settled; a big one in the background, chunk by chunk.
      if (tickets <= INLINE_REMOVAL_MAX) await removeDeletedEvent(app.store.db, eventSeq);
      else app.eventDeletions.start();
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:eventId/labels',
    {
      schema: {
        summary: 'Label tickets from a CSV of ticket_id,label (text/csv): every row, or none if one is wrong',
        tags,
        params: EventIdParams,
        consumes: ['text/csv'],
        response: {
          200: LabelImportSummary,
          400: LabelImportProblem,
          ...problems(401, 404, 413, 415),
        },
      },
    },
    async (request) => {
      // Only text/csv arrives as a stream; JSON or plain text would have been parsed already.
      const body = request.body instanceof Readable ? request.body : undefined;
      if (request.body !== undefined && !body) {
        throw new AppError(
          ErrorCode.unsupportedMediaType,
          415,
          'Send the labels as text/csv: rows of ticket_id,label.',
        );
      }
      return importLabels(app.store.db, sessionOf(request).user.id, request.params.eventId, body);
    },
  );

  await app.register(voidBatchRoutes);
};

export default eventControlRoutes;
