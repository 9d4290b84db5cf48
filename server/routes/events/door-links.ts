import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CreateDoorLinkBody, CreateDoorLinkResponse, DoorLinkList, DoorLinkParams } from '../../../shared/door.js';
import { EventIdParams } from '../../../shared/schemas.js';
import { createDoorLink, listDoorLinks, revokeDoorLink } from '../../domain/doors/door-links.js';
import { sessionOf } from '../../plugins/auth.js';
import { publicOrigin } from '../public-url.js';
import { problems } from '../responses.js';

const tags = ['door'];

/** An event's door links, for its owner: create, list, revoke. Registered inside eventRoutes. */
const doorLinkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:eventId/door-links',
    {
      schema: {
        summary: 'Create a door link: the secret is in the answer once, and never again',
        tags,
        params: EventIdParams,
        body: CreateDoorLinkBody,
        response: { 201: CreateDoorLinkResponse, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ownerId = sessionOf(request).user.id;
      const { doorLink, secret } = await createDoorLink(app.store.db, ownerId, request.params.eventId, request.body);
      const logged = {
        event: 'door_link_created',
        eventId: request.params.eventId,
        doorLinkId: doorLink.id,
        userId: ownerId,
      };
      request.log.info(logged, 'door link created');
      const url = `/door#${secret}`;
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ doorLink, secret, url, link: `${publicOrigin(request)}${url}` });
    },
  );

  app.get(
    '/:eventId/door-links',
    {
      schema: {
        summary: 'The event’s door links with last use and device count (never their secrets)',
        tags,
        params: EventIdParams,
        response: { 200: DoorLinkList, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { items: await listDoorLinks(app.store.db, sessionOf(request).user.id, request.params.eventId) };
    },
  );

  app.delete(
    '/:eventId/door-links/:linkId',
    {
      schema: {
        summary: 'Revoke a door link: every device opened with it loses access at once',
        tags,
        params: DoorLinkParams,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { eventId, linkId } = request.params;
      await revokeDoorLink(app.store.db, sessionOf(request).user.id, eventId, linkId);
      const logged = { event: 'door_link_revoked', eventId, doorLinkId: linkId, userId: sessionOf(request).user.id };
      request.log.info(logged, 'door link revoked');
      return reply.code(204).send(null);
    },
  );
};

export default doorLinkRoutes;
