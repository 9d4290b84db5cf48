/**
 * How one kind of value is read from a trimmed, non-blank variable: the parsed value, or undefined
 * when it does not fit, in which case the problem reads "<NAME> must be <expected>, got ...".
 */
interface Kind<T> {
  expected: string;
  parse(value: string): T | undefined;
  /** The value when the variable is set but blank; without it, blank means unset (the default). */
  whenBlank?: T;
}

/** One environment variable: the Config key it fills, its kind, its default and a one-line description. */
export interface ConfigVariable<K extends string, T> {
  key: K;
  kind: Kind<T>;
  default: T;
  /** Markdown, shown verbatim in the README's table and as the comment in `.env.example`. */
  description: string;
}

/** A whole number from min to max, written in decimal digits only. */
function integer(min: number, max: number): Kind<number> {
  return {
    expected: `a whole number from ${min} to ${max}`,
    parse: (value) => {
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    },
  };
}

const boolean: Kind<boolean> = {
  expected: 'true or false',
  parse: (value) => {
    const v = value.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return undefined;
  },
};

/** One of the allowed words, case-insensitive; the value is the lower-case word. */
function oneOf<const T extends string>(allowed: readonly T[]): Kind<T> {
  return {
    expected: `one of ${allowed.join(', ')}`,
    parse: (value) => allowed.find((word) => word === value.toLowerCase()),
  };
}

const databaseUrl: Kind<string> = {
  expected: 'sqlite:<path> or postgres://user@host:5432/database',
  parse: (value) => (/^sqlite:.+/.test(value) || /^postgres(ql)?:\/\/.+/.test(value) ? value : undefined),
};

const text: Kind<string> = { expected: 'text', parse: (value) => value };

/** An absolute http(s) URL, kept without a trailing slash; blank means "not set". */
const absoluteUrl: Kind<string | null> = {
  expected: 'an absolute http:// or https:// URL such as https://tickets.example.org',
  parse: (value) => {
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
      if (url.search || url.hash || url.username || url.password) return undefined;
      return url.toString().replace(/\/+$/, '');
    } catch {
      return undefined;
    }
  },
  whenBlank: null,
};

// WEB_ROOT set but blank is a choice of its own: serve the API only.
const folderOrNone: Kind<string | null> = { ...text, whenBlank: null };

/** A Redis URL (`redis://` or `rediss://`); blank means "not set". */
const redisUrl: Kind<string | null> = {
  expected: 'redis://[:password@]host:6379[/db] or rediss://…',
  parse: (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname ? value : undefined;
    } catch {
      return undefined;
    }
  },
  whenBlank: null,
};

/** Lets TypeScript check each default against its kind while keeping the key's literal type. */
function variable<const K extends string, T>(spec: {
  key: K;
  kind: Kind<T>;
  default: NoInfer<T>;
  description: string;
}): ConfigVariable<K, T> {
  return spec;
}

/** Every configuration variable, described once, in the order the README and `.env.example` list them. */
export const configVariables = {
  PORT: variable({
    key: 'port',
    kind: integer(0, 65535),
    default: 3000,
    description: 'TCP port of the web app and API',
  }),
  HOST: variable({
    key: 'host',
    kind: text,
    default: '0.0.0.0',
    description: 'interface to listen on (`127.0.0.1` for local only)',
  }),
  DATABASE_URL: variable({
    key: 'databaseUrl',
    kind: databaseUrl,
    default: 'sqlite:./data/admit.db',
    description:
      '`sqlite:<path>` for the embedded database (created and migrated on first start), or `postgres://user:password@host:5432/db` (also `postgresql://`) for PostgreSQL',
  }),
  PUBLIC_URL: variable({
    key: 'publicUrl',
    kind: absoluteUrl,
    default: null,
    description:
      'the address guests and door staff reach Admit at, used in ticket QR codes (`<PUBLIC_URL>/t/<id>`) and door links; empty: the origin of each request',
  }),
  WORKERS: variable({
    key: 'workers',
    kind: integer(1, 256),
    default: 1,
    description: 'server processes on this host sharing the port; a dead one is restarted',
  }),
  MAX_CONNECTIONS: variable({
    key: 'maxConnections',
    kind: integer(1, 1_000_000),
    default: 10_000,
    description:
      'open client connections one process holds at most; one more is answered 503 `service_unavailable` (`Retry-After: 5`) and closed (logged). Keep it below the open-file limit (`ulimit -n`)',
  }),
  REQUEST_TIMEOUT_MS: variable({
    key: 'requestTimeoutMs',
    kind: integer(100, 3_600_000),
    default: 30_000,
    description:
      'a client must send its whole request, headers and body, within this many milliseconds, or gets 408 `request_timeout` and the connection is closed (logged)',
  }),
  HEADERS_TIMEOUT_MS: variable({
    key: 'headersTimeoutMs',
    kind: integer(100, 3_600_000),
    default: 10_000,
    description:
      'the same for the request headers (at most `REQUEST_TIMEOUT_MS`); also closes a connection that sends nothing for this long',
  }),
  KEEP_ALIVE_TIMEOUT_MS: variable({
    key: 'keepAliveTimeoutMs',
    kind: integer(100, 3_600_000),
    default: 72_000,
    description:
      "an idle keep-alive connection is closed after this many milliseconds; behind a load balancer keep it above the balancer's idle timeout (60 s on AWS)",
  }),
  DATABASE_POOL_SIZE: variable({
    key: 'databasePoolSize',
    kind: integer(1, 1000),
    default: 10,
    description: 'PostgreSQL connections per process',
  }),
  DATABASE_PREPARED_STATEMENTS: variable({
    key: 'databasePreparedStatements',
    kind: boolean,
    default: true,
    description:
      "PostgreSQL: the door rush's statements are prepared once per connection; `false` sends every statement unprepared (for PgBouncer in transaction mode older than 1.21, or without `max_prepared_statements`)",
  }),
  DATABASE_STATEMENT_TIMEOUT_MS: variable({
    key: 'statementTimeoutMs',
    kind: integer(0, 24 * 3600 * 1000),
    default: 30_000,
    description: 'PostgreSQL cancels a statement running longer, in milliseconds (0 = no limit)',
  }),
  SESSION_TTL_SECONDS: variable({
    key: 'sessionTtlSeconds',
    kind: integer(1, 10 * 365 * 24 * 3600),
    default: 12 * 60 * 60,
    description: 'lifetime of a session token / cookie, in seconds (43200 = 12 h)',
  }),
  REGISTRATION_ENABLED: variable({
    key: 'registrationEnabled',
    kind: boolean,
    default: true,
    description: '`false` refuses new accounts (403 `registration_disabled`)',
  }),
  TICKETS_PER_HOUR: variable({
    key: 'ticketsPerHour',
    kind: integer(0, 1_000_000_000),
    default: 5_000_000,
    description:
      'tickets one account may create per hour, initial and added together; past it, creating an event or adding tickets answers 429 `quota_exceeded` with `Retry-After` and creates nothing (0 = no limit)',
  }),
  LOG_LEVEL: variable({
    key: 'logLevel',
    kind: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`',
  }),
  SQLITE_SYNC: variable({
    key: 'sqliteSync',
    kind: oneOf(['normal', 'full']),
    default: 'normal',
    description:
      '`normal`: an acknowledged redemption survives a crash of the server process; `full`: also a power loss (an fsync per commit)',
  }),
  TRUST_PROXY: variable({
    key: 'trustProxy',
    kind: boolean,
    default: false,
    description: 'trust `X-Forwarded-*` headers when behind a reverse proxy',
  }),
  REDIS_URL: variable({
    key: 'redisUrl',
    kind: redisUrl,
    default: null,
    description:
      '`redis://[:password@]host:6379[/db]` (or `rediss://`): throttle counters shared by every process and host; empty: each process counts in its own memory. While Redis is unreachable the throttles are off (logged) and everything else keeps working',
  }),
  UNKNOWN_TICKETS_PER_MINUTE: variable({
    key: 'unknownTicketsPerMinute',
    kind: integer(1, 1_000_000),
    default: 300,
    description:
      'lookups of unknown ticket ids a client address may make per minute at the public endpoints before 429 `too_many_unknown_tickets` (real tickets never count)',
  }),
  REGISTRATIONS_PER_HOUR: variable({
    key: 'registrationsPerHour',
    kind: integer(1, 1_000_000),
    default: 5,
    description: 'accounts a client address may register per hour before 429 `too_many_attempts`',
  }),
  LIVE_HEARTBEAT_MS: variable({
    key: 'liveHeartbeatMs',
    kind: integer(50, 60_000),
    default: 10_000,
    description:
      'a live stream (`GET /api/events/:eventId/live`) sends a comment line when it has been silent this long, so proxies and load balancers keep it open; keep it below their idle timeout',
  }),
  LIVE_RECHECK_MS: variable({
    key: 'liveRecheckMs',
    kind: integer(50, 600_000),
    default: 5_000,
    description:
      'how often the sessions of open live streams are checked again: a signed-out or expired session, or a revoked door link, loses its stream within this long',
  }),
  LIVE_STREAMS_PER_SESSION: variable({
    key: 'liveStreamsPerSession',
    kind: integer(1, 10_000),
    default: 10,
    description:
      'live streams one session (organiser or door) may hold open on one process; one more is answered 429 `too_many_streams`',
  }),
  WEB_ROOT: variable({
    key: 'webRoot',
    kind: folderOrNone,
    default: 'dist/web',
    description: 'folder of the built web app; empty serves the API only',
  }),
};

type Variables = typeof configVariables;

/** Typed, validated configuration of one Admit process. */
export type Config = { [N in keyof Variables as Variables[N]['key']]: Variables[N]['default'] };

type Env = Record<string, string | undefined>;

const variables: [name: string, ConfigVariable<string, unknown>][] = Object.entries(configVariables);

const defaults = Object.fromEntries(variables.map(([, v]) => [v.key, v.default])) as Config;

/** Thrown at boot when the environment cannot be turned into a valid configuration. */
export class ConfigError extends Error {}

/** Parses and validates the environment once, at boot; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const fromEnv: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { key, kind }] of variables) {
    const value = env[name]?.trim();
    if (value === undefined) continue;
    if (value === '') {
      if (kind.whenBlank !== undefined) fromEnv[key] = kind.whenBlank;
      continue;
    }
    const parsed = kind.parse(value);
    if (parsed === undefined) problems.push(`${name} must be ${kind.expected}, got "${value}"`);
    else fromEnv[key] = parsed;
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return { ...defaults, ...(fromEnv as Partial<Config>), ...overrides };
}
