import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AlreadyRedeemedProblem, Problem, RedeemedStatusProblem } from '../../shared/schemas.js';

/** OpenAPI 3 generated from the route schemas, served at /api/openapi.json and /api/docs. */
async function openapiPlugin(app: FastifyInstance) {
  app.addSchema(Problem);
  app.addSchema(AlreadyRedeemedProblem);
  app.addSchema(RedeemedStatusProblem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Admit API',
        version: '1.0.0',
        description:
          'Event ticket management with door check-in. Errors are application/problem+json with a stable `code`. ' +
          'Authenticate with `Authorization: Bearer <token>` from /api/auth/login or /api/auth/register.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Session token from login or register' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'admit_session' },
          doorBearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Door session token from POST /api/door/sessions',
          },
          doorCookie: { type: 'apiKey', in: 'cookie', name: 'admit_door' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
      tags: [
        { name: 'auth', description: 'Accounts and sessions' },
        { name: 'events', description: 'Events, their counters and tickets (your own only)' },
        { name: 'tickets', description: 'Single tickets' },
        { name: 'door', description: 'Door links (organiser) and door sessions: scanning for one event' },
        { name: 'public', description: 'No login: whoever holds the code' },
        { name: 'operations', description: 'Health' },
      ],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: true } });
}

export default fp(openapiPlugin, { name: 'openapi' });
