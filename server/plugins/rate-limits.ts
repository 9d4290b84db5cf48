import { once } from 'node:events';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { createThrottles, StoreHealth, type ThrottleAllowances, type Throttles } from './throttles.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed logins, unknown ticket ids and registrations, counted per address (see throttles.ts). */
    throttles: Throttles;
  }
}

export interface RateLimitsOptions extends ThrottleAllowances {
  /** Counters in Redis, shared by every process using it; null: in this process's memory. */
  redisUrl: string | null;
  /** Prefix of every Redis key (tests use one per run). */
  redisKeyPrefix: string;
}

/** host:port of a Redis URL, for logs: never its password. */
function describeRedis(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 6379}`;
}

/**
 * A Redis client that never makes a request wait for a Redis that is gone: commands fail at once
 * while disconnected and after 500 ms when it hangs, and the throttles then let the request through.
 */
function connectRedis(url: string, health: StoreHealth): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', (err) => health.failed(err));
  redis.on('ready', () => health.ok());
  return redis;
}

/** @fastify/rate-limit with its counters in memory or in Redis, and Admit's throttles on top. */
async function rateLimitsPlugin(app: FastifyInstance, opts: RateLimitsOptions) {
  const health = new StoreHealth(app.log);
  let redis: Redis | undefined;
  if (opts.redisUrl) {
    redis = connectRedis(opts.redisUrl, health);
    app.addHook('onClose', async () => redis?.disconnect());
    // Give Redis a moment to connect, so the first requests count; if it cannot, start anyway (fail open).
    await once(redis, 'ready', { signal: AbortSignal.timeout(2_000) }).catch(() => {});
    app.log.info({ redis: describeRedis(opts.redisUrl), status: redis.status }, 'throttle counters in Redis');
  }
  // Nothing is limited per route: the throttles count outcomes (a failed login, an unknown id) themselves.
  await app.register(rateLimit, { global: false, redis, nameSpace: opts.redisKeyPrefix, skipOnError: false });
  app.decorate('throttles', createThrottles(app, health, opts));
}

export default fp(rateLimitsPlugin, { name: 'rate-limits' });
