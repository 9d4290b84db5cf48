import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DoorAdmitBody, DoorLookupList, DoorLookupQuery } from '../../../shared/controls.js';
import { DoorScanResult } from '../../../shared/door.js';
import { canonicalId } from '../../domain/common.js';
import { findGuests, ticketOfRef } from '../../domain/tickets/labels-door.js';
import { doorSessionOf } from '../../plugins/auth.js';
import { problems } from '../responses.js';

const tags = ['door'];
const security: Record<string, string[]>[] = [{ doorBearer: [] }, { doorCookie: [] }];

/**
 * A guest who lost their code, found by label at the door and admitted from the result: the
 * admission is a door scan like any other (the same redeemer, outcome and scan log), only its
 * ticket comes from a lookup reference instead of a code read. Inside doorRoutes.
 */
const doorLookupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tickets',
    {
      onRequest: app.requireDoorSession,
      schema: {
        summary: 'Find guests of this door’s event by label: their status, never their code',
        tags,
        security,
        querystring: DoorLookupQuery,
        response: { 200: DoorLookupList, ...problems(400, 401) },
      },
    },
    async (request) => findGuests(app.store.db, doorSessionOf(request), request.query.q),
  );

  app.post(
    '/tickets/admit',
    {
      onRequest: app.requireDoorSession,
      config: { doorLinkCheckedByRedeemer: true },
      schema: {
        summary: 'Admit a guest found by label: a door scan of that ticket (retry with the same scanId)',
        tags,
        security,
        body: DoorAdmitBody,
        response: { 200: DoorScanResult, ...problems(400, 401) },
      },
    },
    async (request) => {
      const session = doorSessionOf(request);
      const ticketId = await ticketOfRef(app.store.db, session, request.body.ref);
      return app.redeemer.scanAtDoor({
        scanId: request.body.scanId ? canonicalId(request.body.scanId) : randomUUID(),
        ticketId,
        noTicket: 'not_found',
        door: {
          eventSeq: session.event.seq,
          linkSeq: session.doorLink.seq,
          sessionSeq: session.seq,
          device: session.device,
        },
      });
    },
  );
};

export default doorLookupRoutes;
