import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BatchParams, VoidBatchResponse, VoidBody } from '../../../shared/controls.js';
import { voidBatch } from '../../domain/tickets/void-tickets.js';
import { sessionOf } from '../../plugins/auth.js';
import { noStore, problems } from '../responses.js';

const tags = ['events'];

/** The owner voids a whole batch (sent to the wrong list, say). Registered inside eventControlRoutes. */
const voidBatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:eventId/batches/:batchId/void',
    {
      onRequest: noStore,
      // The body is optional: no body at all is a void without a reason.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: 'Void every ok ticket of a batch (event owner), in short transactions; repeatable',
        tags,
        params: BatchParams,
        body: VoidBody,
        response: { 200: VoidBatchResponse, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { eventId, batchId } = request.params;
      const { voided } = await voidBatch(
        app.store.db,
        sessionOf(request).user.id,
        eventId,
        batchId,
        request.body,
        (eventSeq) => app.changes.touched(eventSeq),
      );
      request.log.info({ event: 'batch_voided', batch: batchId.slice(0, 8), voided }, 'batch voided by the owner');
      return { voided };
    },
  );
};

export default voidBatchRoutes;
