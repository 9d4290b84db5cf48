import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../shared/error-codes.js';
import { probeWrites } from '../db/write-probe.js';
import { problemBody } from '../errors.js';
import { isStorageUnavailable } from '../plugins/errors.js';

const tags = ['operations'];

/** For load balancers and orchestrators: /healthz (liveness) and /readyz (can this process write?). */
const operationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database check',
        tags,
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async (_request, reply) => {
      try {
        await app.store.db.selectFrom('users').select('id').limit(1).execute();
      } catch (err) {
        app.log.error({ err }, 'health check failed');
        return reply
          .code(503)
          .type('application/problem+json')
          .send(problemBody(ErrorCode.serviceUnavailable, 503, 'The database does not answer.'));
      }
      reply.header('cache-control', 'no-store');
      return { status: 'ok' as const, database: app.store.dialect };
    },
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the database answers and would take a write now',
        tags,
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        await probeWrites(app.store);
      } catch (err) {
        const storage = isStorageUnavailable(err);
        if (storage) app.log.warn({ err }, 'not ready: the database cannot write');
        else app.log.error({ err }, 'not ready: the database does not answer');
        const [code, detail] = storage
          ? [ErrorCode.storageUnavailable, 'The database cannot store anything now (read-only or full).']
          : [ErrorCode.serviceUnavailable, 'The database does not answer.'];
        return reply
          .code(503)
          .header('retry-after', storage ? '30' : '1')
          .type('application/problem+json')
          .send(problemBody(code, 503, detail));
      }
      return { status: 'ready' as const, database: app.store.dialect };
    },
  );
};

export default operationsRoutes;
