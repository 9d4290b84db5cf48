import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { VerifierChanges, VerifierChangesQuery } from '../../../shared/door.js';
import { VERIFIER_MEDIA_TYPE } from '../../../shared/verifier.js';
import { buildVerifier } from '../../domain/doors/verifier.js';
import { verifierChanges } from '../../domain/doors/verifier-changes.js';
import { doorSessionOf } from '../../plugins/auth.js';
import { problems } from '../responses.js';

const tags = ['door'];
const security: Record<string, string[]>[] = [{ doorBearer: [] }, { doorCookie: [] }];

/**
 * The offline door's local verifier (issue 16): a download of the event's tickets as keyed
 * hashes and states, and the feed of what changed since. Inside doorRoutes (no-store).
 */
const doorVerifierRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/verifier',
    {
      onRequest: app.requireDoorSession,
      schema: {
        summary: 'Download this door’s offline verifier: its event’s tickets as 8-byte keyed hashes with their states',
        tags,
        security,
        produces: [VERIFIER_MEDIA_TYPE],
        response: {
          200: Type.String({
            description: `${VERIFIER_MEDIA_TYPE} (ADV1, see shared/verifier.ts); the key in the Admit-Verifier-Key header`,
          }),
          ...problems(401),
        },
      },
    },
    async (request, reply) => {
      const { key, body } = await buildVerifier(app.store, doorSessionOf(request).event.seq);
      return reply
        .type(VERIFIER_MEDIA_TYPE)
        .header('admit-verifier-key', key)
        .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength) as never);
    },
  );

  app.get(
    '/verifier/changes',
    {
      onRequest: app.requireDoorSession,
      schema: {
        summary: 'What changed in this door’s tickets after a verifier position: their current states',
        tags,
        security,
        querystring: VerifierChangesQuery,
        response: { 200: VerifierChanges, ...problems(400, 401) },
      },
    },
    async (request) => verifierChanges(app.store, doorSessionOf(request).event.seq, request.query.since),
  );
};

export default doorVerifierRoutes;
