import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  DoorMe,
  DoorScanBody,
  DoorScanList,
  DoorScanResult,
  DoorScansQuery,
  DoorSessionResponse,
  ScanIdParams,
  StartDoorSessionBody,
  UndoScanResponse,
} from '../../../shared/door.js';
import { getDoorStatus, listDeviceScans, scanAtDoor, undoDoorScan } from '../../domain/doors/door-scans.js';
import { startDoorSession } from '../../domain/doors/door-sessions.js';
import { doorSessionOf } from '../../plugins/auth.js';
import { noStore, problems } from '../responses.js';
import doorLookupRoutes from './lookup.js';
import doorVerifierRoutes from './verifier.js';

const tags = ['door'];
const security: Record<string, string[]>[] = [{ doorBearer: [] }, { doorCookie: [] }];

/** The door: a device opened with a door link scans for that link's event, and nothing else. */
const doorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', noStore);

  app.post(
    '/sessions',
    {
      schema: {
        summary: 'Open a door session with a door link’s secret (also set as the admit_door cookie)',
        tags,
        security: [],
        body: StartDoorSessionBody,
        response: { 201: DoorSessionResponse, ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      const session = await startDoorSession(app.store.db, request.body);
      app.setDoorCookie(reply, request, session);
      const { seq: _e, ...event } = session.event;
      const { seq: _l, ...doorLink } = session.doorLink;
      return reply
        .code(201)
        .send({ token: session.token, expiresAt: session.expiresAt, event, doorLink, device: session.device });
    },
  );

  // Every route below needs a door session; the hook runs before any input is parsed.
  await app.register(async (scoped) => {
    const door = scoped.withTypeProvider<TypeBoxTypeProvider>();
    door.addHook('onRequest', app.requireDoorSession);

    door.get(
      '/me',
      {
        schema: {
          summary: 'This door: its event, link and device, and the event’s counters',
          tags,
          security,
          response: { 200: DoorMe, ...problems(401) },
        },
      },
      async (request) => getDoorStatus(app.store.db, doorSessionOf(request)),
    );

    door.post(
      '/scans',
      {
        config: { doorLinkCheckedByRedeemer: true },
        schema: {
          summary: 'Scan a code: one decision, HTTP 200 for every decided outcome; retry with the same scanId',
          tags,
          security,
          body: DoorScanBody,
          response: { 200: DoorScanResult, ...problems(400, 401, 403, 409) },
        },
      },
      async (request) => scanAtDoor(app.store.db, app.redeemer, doorSessionOf(request), request.body),
    );

    door.get(
      '/scans',
      {
        schema: {
          summary: 'This device’s latest scans, newest first',
          tags,
          security,
          querystring: DoorScansQuery,
          response: { 200: DoorScanList, ...problems(400, 401) },
        },
      },
      async (request) => ({
        items: await listDeviceScans(app.store.db, doorSessionOf(request), request.query.limit ?? 20),
      }),
    );

    door.delete(
      '/scans/:scanId',
      {
        schema: {
          summary: 'Undo an admission of this door link (within 10 minutes): the ticket is ok again',
          tags,
          security,
          params: ScanIdParams,
          response: { 200: UndoScanResponse, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const door = doorSessionOf(request);
        const ticket = await undoDoorScan(app.store.db, door, request.params.scanId);
        app.changes.touched(door.event.seq);
        // A security event, without the whole ticket id (a bearer secret).
        const { scanId } = request.params;
        const logged = { eventId: door.event.id, doorLinkId: door.doorLink.id, scanId, ticket: ticket.id.slice(0, 8) };
        request.log.info({ event: 'door_scan_undone', ...logged }, 'door scan undone');
        return { ticket };
      },
    );
  });

  await app.register(doorLookupRoutes);
  await app.register(doorVerifierRoutes);
};

export default doorRoutes;
