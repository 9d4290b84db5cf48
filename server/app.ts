import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { Config } from './config.js';
import { ConnectionGuard } from './connections.js';
import authPlugin from './plugins/auth.js';
import { frameworkErrorHandler, installErrorHandler } from './plugins/errors.js';
import eventDeletionsPlugin from './plugins/event-deletions.js';
import livePlugin from './plugins/live.js';
import openapiPlugin from './plugins/openapi.js';
import rateLimitsPlugin from './plugins/rate-limits.js';
import { securityHeaders } from './plugins/security-headers.js';
import storePlugin from './plugins/store.js';
import { installValidators } from './plugins/validation.js';
import webPlugin from './plugins/web.js';
import authRoutes from './routes/auth/index.js';
import doorRoutes from './routes/door/index.js';
import eventRoutes from './routes/events/index.js';
import operationsRoutes from './routes/operations.js';
import publicRoutes from './routes/public/index.js';
import ticketRoutes from './routes/tickets/index.js';
// Kept in app.d.ts, unlike the default imports above: code that type-checks against the server's
// declarations (tests, benchmarks) sees the decorations these plugins declare (app.store, request.session).
import './plugins/auth.js';
import './plugins/live.js';
import './plugins/rate-limits.js';
import './plugins/store.js';

const uuidInUrl = /([0-9a-fA-F]{8})-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;

/**
 * Ticket codes are bearer secrets: logs show only their first 8 characters. The router decodes
 * the path before it matches a ticket id, so `/redeem/%36…` names the ticket too: a URL with
 * an id once its ASCII escapes are decoded is logged decoded and shortened; others as they came.
 */
export function redactUrl(url: string): string {
  const decoded = url.includes('%')
    ? url.replace(/%([0-7][0-9a-fA-F])/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : url;
  const redacted = decoded.replace(uuidInUrl, (_m, head: string) => `${head}-…`);
  return redacted === decoded ? url : redacted;
}

/** Pino options: request lines without credentials or full ticket codes. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], remove: true },
    serializers: {
      req(request) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The configuration this app was built with. */
    config: Config;
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  /** Called for every route as it is registered (tests collect the routes to sweep them all). */
  onRoute?: (route: RouteOptions) => void;
  /** Prefix of the throttles' Redis keys (default `admit:throttle:`); tests use one per run. */
  redisKeyPrefix?: string;
}

/** Builds the whole Admit app as one Fastify instance; tests call this too. */
export async function buildApp(config: Config, options: BuildOptions = {}) {
  const connections = new ConnectionGuard(config);
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.logLevel),
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    ...connections.serverOptions(),
  }).withTypeProvider<TypeBoxTypeProvider>();
  connections.attach(app.server, app.log);

  app.decorate('config', config);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  installValidators(app);
  installErrorHandler(app);
  app.addHook('onSend', securityHeaders);

  await app.register(storePlugin, {
    databaseUrl: config.databaseUrl,
    sqliteSync: config.sqliteSync,
    // One process: its worker can hold the only writer while the WAL starts over. Several
    // processes on one file keep SQLite's own checkpoints (sqlite-checkpointer.ts).
    sqliteBackgroundCheckpoints: config.workers === 1,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
    statementTimeoutMs: config.statementTimeoutMs,
  });
  await app.register(livePlugin);
  await app.register(eventDeletionsPlugin);
  await app.register(authPlugin, { ttlSeconds: config.sessionTtlSeconds });
  await app.register(rateLimitsPlugin, {
    redisUrl: config.redisUrl,
    redisKeyPrefix: options.redisKeyPrefix ?? 'admit:throttle:',
    unknownTicketsPerMinute: config.unknownTicketsPerMinute,
    registrationsPerHour: config.registrationsPerHour,
  });
  await app.register(openapiPlugin);
  await app.register(authRoutes, {
    prefix: '/api/auth',
    registrationEnabled: config.registrationEnabled,
    ttlSeconds: config.sessionTtlSeconds,
  });
  await app.register(eventRoutes, { prefix: '/api/events' });
  await app.register(ticketRoutes, { prefix: '/api/tickets' });
  await app.register(doorRoutes, { prefix: '/api/door' });
  await app.register(publicRoutes);
  await app.register(operationsRoutes);
  await app.register(webPlugin, { webRoot: config.webRoot });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
