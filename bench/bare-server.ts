/**
 * The ceiling of the door rush: a bare Fastify route on GET /redeem/:id that answers a constant
 * JSON body (BARE_BODY, the same size as a real redeem 200; BARE_STATUS and BARE_TYPE for the 410
 * problem), no database, no hooks, no schema.
 * WORKERS > 1 runs that many processes sharing the port, like the Admit server's cluster mode.
 */
import cluster from 'node:cluster';
import Fastify from 'fastify';

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
  const app = Fastify({ logger: false });
  app.get('/redeem/:id', async (_request, reply) => reply.code(status).type(type).send(body));
  app.get('/ready', async () => ({ ok: true }));
  await app.listen({ port: Number(process.env.PORT ?? '3999'), host: process.env.HOST ?? '127.0.0.1' });
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
