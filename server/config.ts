/** Typed, validated configuration of one Admit process. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  sessionTtlSeconds: number;
  registrationEnabled: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sqliteSync: 'normal' | 'full';
  trustProxy: boolean;
  databasePoolSize: number;
  statementTimeoutMs: number;
  workers: number;
  webRoot: string | null;
}

type Env = Record<string, string | undefined>;

const defaults: Config = {
  port: 3000,
  host: '0.0.0.0',
  databaseUrl: 'sqlite:./data/admit.db',
  sessionTtlSeconds: 12 * 60 * 60,
  registrationEnabled: true,
  logLevel: 'info',
  sqliteSync: 'normal',
  trustProxy: false,
  databasePoolSize: 10,
  statementTimeoutMs: 30_000,
  workers: 1,
  webRoot: 'dist/web',
};

/** Thrown at boot when the environment cannot be turned into a valid configuration. */
export class ConfigError extends Error {}

/** Reads one variable; a problem is recorded as a readable line naming the variable. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  integer(name: string, min: number, max: number): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${v}"`);
      return undefined;
    }
    return n;
  }

  boolean(name: string): boolean | undefined {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.problems.push(`${name} must be true or false, got "${this.raw(name)}"`);
    return undefined;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${this.raw(name)}"`);
    return undefined;
  }

  databaseUrl(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (/^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v)) return v;
    this.problems.push(`${name} must be sqlite:<path> or postgres://user@host:5432/database, got "${v}"`);
    return undefined;
  }
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Parses and validates the environment once, at boot; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const r = new Reader(env);
  const webRoot = env.WEB_ROOT;
  const fromEnv = defined({
    port: r.integer('PORT', 0, 65535),
    host: r.raw('HOST'),
    databaseUrl: r.databaseUrl('DATABASE_URL'),
    sessionTtlSeconds: r.integer('SESSION_TTL_SECONDS', 1, 10 * 365 * 24 * 3600),
    registrationEnabled: r.boolean('REGISTRATION_ENABLED'),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    sqliteSync: r.oneOf('SQLITE_SYNC', ['normal', 'full'] as const),
    trustProxy: r.boolean('TRUST_PROXY'),
    databasePoolSize: r.integer('DATABASE_POOL_SIZE', 1, 1000),
    statementTimeoutMs: r.integer('DATABASE_STATEMENT_TIMEOUT_MS', 0, 24 * 3600 * 1000),
    workers: r.integer('WORKERS', 1, 256),
  });
  if (r.problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${r.problems.join('\n  ')}`);
  // WEB_ROOT set but empty means "serve the API only".
  const web = webRoot === undefined ? {} : { webRoot: webRoot.trim() === '' ? null : webRoot.trim() };
  return { ...defaults, ...fromEnv, ...web, ...overrides };
}
