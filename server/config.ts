import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

const LogLevel = Type.Union([
  Type.Literal('fatal'),
  Type.Literal('error'),
  Type.Literal('warn'),
  Type.Literal('info'),
  Type.Literal('debug'),
  Type.Literal('trace'),
  Type.Literal('silent'),
]);

const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  databaseUrl: Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$' }),
  sessionTtlSeconds: Type.Integer({ minimum: 1 }),
  registrationEnabled: Type.Boolean(),
  logLevel: LogLevel,
  sqliteSync: Type.Union([Type.Literal('normal'), Type.Literal('full')]),
  trustProxy: Type.Boolean(),
  databasePoolSize: Type.Integer({ minimum: 1, maximum: 1000 }),
  statementTimeoutMs: Type.Integer({ minimum: 0 }),
  workers: Type.Integer({ minimum: 1, maximum: 256 }),
  webRoot: Type.Union([Type.String(), Type.Null()]),
});

/** Typed, validated configuration of one Admit process. */
export type Config = Static<typeof ConfigSchema>;

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

function parseBool(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function parseInteger(name: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return Number(raw.trim());
}

/** Parses and validates the environment once, at boot; throws ConfigError with a readable message. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const pick = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const config: Config = { ...defaults };
  const port = pick('PORT');
  if (port !== undefined) config.port = parseInteger('PORT', port);
  const host = pick('HOST');
  if (host !== undefined) config.host = host.trim();
  const db = pick('DATABASE_URL');
  if (db !== undefined) config.databaseUrl = db.trim();
  const ttl = pick('SESSION_TTL_SECONDS');
  if (ttl !== undefined) config.sessionTtlSeconds = parseInteger('SESSION_TTL_SECONDS', ttl);
  const reg = pick('REGISTRATION_ENABLED');
  if (reg !== undefined) config.registrationEnabled = parseBool('REGISTRATION_ENABLED', reg);
  const level = pick('LOG_LEVEL');
  if (level !== undefined) config.logLevel = level.trim().toLowerCase() as Config['logLevel'];
  const sync = pick('SQLITE_SYNC');
  if (sync !== undefined) config.sqliteSync = sync.trim().toLowerCase() as Config['sqliteSync'];
  const proxy = pick('TRUST_PROXY');
  if (proxy !== undefined) config.trustProxy = parseBool('TRUST_PROXY', proxy);
  const pool = pick('DATABASE_POOL_SIZE');
  if (pool !== undefined) config.databasePoolSize = parseInteger('DATABASE_POOL_SIZE', pool);
  const timeout = pick('DATABASE_STATEMENT_TIMEOUT_MS');
  if (timeout !== undefined) config.statementTimeoutMs = parseInteger('DATABASE_STATEMENT_TIMEOUT_MS', timeout);
  const workers = pick('WORKERS');
  if (workers !== undefined) config.workers = parseInteger('WORKERS', workers);
  const webRoot = pick('WEB_ROOT');
  if (webRoot !== undefined) config.webRoot = webRoot.trim();
  Object.assign(config, overrides);

  const errors = [...Value.Errors(ConfigSchema, config)];
  if (errors.length > 0) {
    const names: Record<string, string> = {
      '/port': 'PORT',
      '/host': 'HOST',
      '/databaseUrl': 'DATABASE_URL (sqlite:<path> or postgres://...)',
      '/sessionTtlSeconds': 'SESSION_TTL_SECONDS',
      '/logLevel': 'LOG_LEVEL (fatal|error|warn|info|debug|trace|silent)',
      '/sqliteSync': 'SQLITE_SYNC (normal|full)',
      '/databasePoolSize': 'DATABASE_POOL_SIZE',
      '/statementTimeoutMs': 'DATABASE_STATEMENT_TIMEOUT_MS',
      '/workers': 'WORKERS',
    };
    const lines = errors.map((e) => {
      const path = (e as { instancePath?: string }).instancePath ?? '';
      return `${names[path] ?? path}: ${e.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  return config;
}
