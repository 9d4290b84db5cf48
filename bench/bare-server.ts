/**
 * The ceiling of the door rush: a bare Fastify route on GET /redeem/:id that answers a constant
 * JSON body (BARE_BODY, the same size as a real redeem 200; BARE_STATUS and BARE_TYPE for the 410
 * problem), no database, no hooks, no schema. The same Fastify (the project's dependency) with
 * the server's own connection settings (ConnectionGuard.serverOptions: timeouts and keep-alive,
 * from the same configuration defaults), the same router options, and started as the bench starts Admit (MALLOC_ARENA_MAX=2).
 * WORKERS > 1 runs that many processes sharing the port, like the Admit server's cluster mode.
 */
import cluster from 'node:cluster';
import Fastify from 'fastify';
import { loadConfig } from '../server/config.js';
import { ConnectionGuard } from '../server/connections.js';

const workers = Number(process.env.WORKERS ?? '1');
const body = JSON.parse(process.env.BARE_BODY ?? '{"ticket":null}') as unknown;
const status = Number(process.env.BARE_STATUS ?? '200');
const type = process.env.BARE_TYPE ?? 'application/json';

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const config = loadConfig({ ...process.env, DATABASE_URL: 'sqlite::memory:' });
  const connections = new ConnectionGuard(config);
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ...connections.serverOptions(),
  });
  app.get('/redeem/:id', async (_request, reply) => reply.code(status).type(type).send(body));
  app.get('/ready', async () => ({ ok: true }));
  app.get('/healthz', async () => ({ ok: true }));
  await app.listen({ port: Number(process.env.PORT ?? '3999'), host: process.env.HOST ?? '127.0.0.1' });
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
