import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../shared/error-codes.js';
import { usernameKey } from '../domain/users/register-user.js';
import { AppError } from '../errors.js';

/** One window of a limit: `max` counted events per `windowMs` are allowed; the next one is refused. */
export interface Tier {
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Failed logins. Each limit has a short window and a long one: a client that keeps failing after
 * its first lockout (at most a minute) is next locked until the long window ends, so the delays
 * grow, and they are capped by the long window: nobody is locked out for longer.
 */
export const LOGIN_LIMITS = {
  address: [
    { max: 20, windowMs: MINUTE },
    { max: 100, windowMs: HOUR },
  ],
  username: [
    { max: 20, windowMs: MINUTE },
    { max: 40, windowMs: 15 * MINUTE },
  ],
} satisfies Record<string, Tier[]>;

/**
 * Keys each in-memory counter keeps, least recently used out first: a few MB each at most. An
 * evicted key starts again from zero, which takes far more addresses than anyone trips a limit with.
 */
const MEMORY_ENTRIES = 20_000;

/** After a failure, requests skip the store this long before one tries it again. */
const RETRY_STORE_MS = 5_000;

/**
 * Whether the counters' store (Redis) answers. Throttles fail open: while it does not, nothing is
 * refused, and the change is logged once each way rather than once per request.
 */
export class StoreHealth {
  private down = false;
  private retryAt = 0;

  constructor(private readonly log: FastifyBaseLogger) {}

  /** False for a few seconds after a failure, so a Redis that hangs costs one timeout, not one a request. */
  usable(): boolean {
    if (!this.down || Date.now() >= this.retryAt) {
      if (this.down) this.retryAt = Date.now() + RETRY_STORE_MS;
      return true;
    }
    return false;
  }

  failed(err: unknown): void {
    this.retryAt = Date.now() + RETRY_STORE_MS;
    if (this.down) return;
    this.down = true;
    this.log.error(
      { event: 'throttle_store_unavailable', err: (err as Error)?.message ?? String(err) },
      'throttle counters unavailable (Redis): throttles are off until it answers again',
    );
  }

  ok(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info({ event: 'throttle_store_restored' }, 'throttle counters available again (Redis)');
  }
}

/** What one limit says about a request's key, over all its windows. */
interface Reading {
  /** Seconds until every window past its allowance has ended (0: none is past it). */
  pastFor: number;
  /** Seconds until every window at or past its allowance has ended (0: none is): the next event is refused. */
  closedFor: number;
  /** After counting: true when a window is now exactly at its allowance, i.e. this event closed the limit. */
  reached: boolean;
}

const OPEN: Reading = { pastFor: 0, closedFor: 0, reached: false };

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** One named limit in tiers of @fastify/rate-limit counters, keyed per request (an address or a username). */
class Limit {
  private readonly tiers: Limiter[];

  constructor(
    app: FastifyInstance,
    name: string,
    tiers: Tier[],
    key: (request: FastifyRequest) => string,
    private readonly health: StoreHealth,
  ) {
    this.tiers = tiers.map((tier, i) => {
      // `cache` sizes the in-memory store (the Redis store ignores it); keys name the limit and the window.
      const options = {
        max: tier.max,
        timeWindow: tier.windowMs,
        keyGenerator: (request: FastifyRequest) => `${name}:${i}:${key(request)}`,
        skipOnError: false,
        cache: MEMORY_ENTRIES,
      };
      return app.createRateLimit(options);
    });
  }

  /** Counts one event in every window, or only looks (`increment: false`). Fails open. */
  async read(request: FastifyRequest, increment = true): Promise<Reading> {
    if (!this.health.usable()) return OPEN;
    let results: Awaited<ReturnType<Limiter>>[];
    try {
      results = await Promise.all(this.tiers.map((tier) => tier(request, { increment })));
    } catch (err) {
      this.health.failed(err);
      return OPEN;
    }
    this.health.ok();
    const reading = { ...OPEN };
    for (const result of results) {
      if (result.isAllowed || result.remaining > 0) continue;
      const seconds = Math.max(1, result.ttlInSeconds);
      reading.closedFor = Math.max(reading.closedFor, seconds);
      if (result.isExceeded) reading.pastFor = Math.max(reading.pastFor, seconds);
      else reading.reached = true;
    }
    return reading;
  }
}

/** The key of a client address: IPv6 addresses by their /64, as one host usually holds a whole /64. */
function addressKey(request: FastifyRequest): string {
  return normalizeIP(request.ip);
}

/** The username a login names, as typed (the login route has validated its body). */
function usernameOf(request: FastifyRequest): string {
  return (request.body as { username: string }).username;
}

/** The key of that username: in any letter case the same, hashed so Redis never holds what people typed. */
function hashedUsername(request: FastifyRequest): string {
  return createHash('sha256')
    .update(usernameKey(usernameOf(request)))
    .digest('base64url')
    .slice(0, 22);
}

function refuse(reply: FastifyReply, code: ErrorCode, retryAfter: number, detail: string): AppError {
  reply.header('retry-after', String(retryAfter));
  return new AppError(code, 429, detail);
}

export interface ThrottleAllowances {
  unknownTicketsPerMinute: number;
  registrationsPerHour: number;
}

/** The throttles of Admit; only failures and anonymous creation count, never a valid session's work. */
export function createThrottles(app: FastifyInstance, health: StoreHealth, allowances: ThrottleAllowances) {
  const loginByAddress = new Limit(app, 'login-address', LOGIN_LIMITS.address, addressKey, health);
  const loginByUsername = new Limit(app, 'login-username', LOGIN_LIMITS.username, hashedUsername, health);
  const unknownTickets = new Limit(
    app,
    'unknown-tickets',
    [{ max: allowances.unknownTicketsPerMinute, windowMs: MINUTE }],
    addressKey,
    health,
  );
  const registrations = new Limit(
    app,
    'registrations',
    [{ max: allowances.registrationsPerHour, windowMs: HOUR }],
    addressKey,
    health,
  );

  const tooManyLogins = (reply: FastifyReply, retryAfter: number) =>
    refuse(reply, ErrorCode.tooManyAttempts, retryAfter, `Too many failed logins. Try again in ${retryAfter} s.`);

  return {
    /** Throws 429 too_many_attempts while the address or the username is at its failed-login allowance. */
    async checkLogin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const [address, username] = await Promise.all([
        loginByAddress.read(request, false),
        loginByUsername.read(request, false),
      ]);
      const closedFor = Math.max(address.closedFor, username.closedFor);
      if (closedFor > 0) throw tooManyLogins(reply, closedFor);
    },

    /**
     * Counts a failed login for the address and the username, and logs the lockout it starts.
     * Throws 429 when the failure went past an allowance (attempts racing from several processes).
     */
    async countFailedLogin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const [address, username] = await Promise.all([loginByAddress.read(request), loginByUsername.read(request)]);
      for (const [scope, reading] of [
        ['address', address],
        ['username', username],
      ] as const) {
        if (!reading.reached) continue;
        request.log.warn(
          {
            event: 'login_throttled',
            scope,
            ip: request.ip,
            username: usernameOf(request),
            retryAfter: reading.closedFor,
          },
          `failed-login allowance used up for this ${scope}: logins refused for ${reading.closedFor} s`,
        );
      }
      const pastFor = Math.max(address.pastFor, username.pastFor);
      if (pastFor > 0) throw tooManyLogins(reply, pastFor);
    },

    /**
     * Counts a lookup of an unknown ticket id; returns the 429 too_many_unknown_tickets to answer
     * instead of the 404 once the address is past its allowance, else null.
     */
    async countUnknownTicket(request: FastifyRequest, reply: FastifyReply): Promise<AppError | null> {
      const reading = await unknownTickets.read(request);
      if (reading.reached) {
        request.log.warn(
          { event: 'unknown_tickets_throttled', ip: request.ip, retryAfter: reading.closedFor },
          `unknown ticket allowance used up: more unknown ids refused for ${reading.closedFor} s`,
        );
      }
      if (reading.pastFor === 0) return null;
      return refuse(
        reply,
        ErrorCode.tooManyUnknownTickets,
        reading.pastFor,
        `Too many unknown ticket codes from this address. Try again in ${reading.pastFor} s.`,
      );
    },

    /** Throws 429 too_many_attempts once this address has registered its allowance of accounts. */
    async checkRegistration(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const { closedFor } = await registrations.read(request, false);
      if (closedFor > 0) {
        throw refuse(
          reply,
          ErrorCode.tooManyAttempts,
          closedFor,
          `Too many accounts registered from this address. Try again in ${closedFor} s.`,
        );
      }
    },

    /** Counts an account this address registered, and logs when that used up its allowance. */
    async countRegistration(request: FastifyRequest): Promise<void> {
      const reading = await registrations.read(request);
      if (reading.reached) {
        request.log.warn(
          { event: 'registration_throttled', ip: request.ip, retryAfter: reading.closedFor },
          `registration allowance used up: registrations refused for ${reading.closedFor} s`,
        );
      }
    },
  };
}

export type Throttles = ReturnType<typeof createThrottles>;
