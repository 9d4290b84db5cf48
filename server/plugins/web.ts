import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCode } from '../../shared/error-codes.js';
import { problemBody } from '../errors.js';

/** Paths the SPA must never shadow: they keep their own (JSON) answers, including 404s. */
const API_PREFIXES = ['/api', '/redeem', '/status', '/healthz', '/readyz'];

function isApiPath(pathname: string): boolean {
  return API_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/**
 * A client-side route (`/`, `/events/…`) has no file extension in its last segment; a path with
 * one (`/assets/app.js`, `/favicon.ico`) names a file, and a missing file stays a 404.
 */
function isClientRoute(pathname: string): boolean {
  return !pathname.slice(pathname.lastIndexOf('/') + 1).includes('.');
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(404)
    .type('application/problem+json')
    .send(problemBody(ErrorCode.notFound, 404, `No route for ${request.method} ${request.url.split('?')[0]}.`));
}

/**
 * Serves the built web app: hashed assets cached for a year, index.html (never cached) for
 * client-side routes whatever the Accept header, so `curl http://localhost:3000/` gets the app
 * too. Without a build, only the API is served.
 */
async function webPlugin(app: FastifyInstance, opts: { webRoot: string | null }) {
  const root = opts.webRoot ? path.resolve(opts.webRoot) : null;
  const indexFile = root ? path.join(root, 'index.html') : null;
  const hasWeb = indexFile !== null && fs.existsSync(indexFile);
  if (root && hasWeb) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      // Our own Cache-Control below; @fastify/static's default would override it.
      cacheControl: false,
      setHeaders(res, filePath) {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else {
    app.log.warn('web app not built (run `npm run build`): serving the API only');
  }

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (hasWeb && read && !isApiPath(pathname) && isClientRoute(pathname)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    }
    return notFound(request, reply);
  });
}

export default fp(webPlugin, { name: 'web' });
