import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';

/** The ConfigError that loading this environment throws. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('has documented defaults for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
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
    });
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '  ', LOG_LEVEL: '', REGISTRATION_ENABLED: ' ' })).toEqual(loadConfig({}));
  });

  it('reads every variable, trimmed and case-insensitive where it makes sense', () => {
    const config = loadConfig({
      PORT: ' 8080 ',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://admit:secret@db:5432/admit',
      SESSION_TTL_SECONDS: '60',
      REGISTRATION_ENABLED: 'false',
      LOG_LEVEL: 'DEBUG',
      SQLITE_SYNC: 'FULL',
      TRUST_PROXY: 'yes',
      DATABASE_POOL_SIZE: '20',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      WORKERS: '2',
      WEB_ROOT: 'public',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://admit:secret@db:5432/admit',
      sessionTtlSeconds: 60,
      registrationEnabled: false,
      logLevel: 'debug',
      sqliteSync: 'full',
      trustProxy: true,
      databasePoolSize: 20,
      statementTimeoutMs: 0,
      workers: 2,
      webRoot: 'public',
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).databaseUrl).toBe('sqlite:/tmp/x.db');
    expect(loadConfig({ DATABASE_URL: 'postgresql://h/db' }).databaseUrl).toBe('postgresql://h/db');
  });

  it.each([
    ['1', true],
    ['true', true],
    ['ON', true],
    ['yes', true],
    ['0', false],
    ['False', false],
    ['off', false],
    ['no', false],
  ])('reads REGISTRATION_ENABLED=%s as %s', (raw, value) => {
    expect(loadConfig({ REGISTRATION_ENABLED: raw }).registrationEnabled).toBe(value);
  });

  it.each([
    ['', null],
    ['   ', null],
    [' public ', 'public'],
  ])('reads WEB_ROOT="%s" as %s: set but blank serves the API only', (raw, value) => {
    expect(loadConfig({ WEB_ROOT: raw }).webRoot).toBe(value);
  });

  it('lets explicit overrides win, as tests and tools use them', () => {
    expect(loadConfig({ PORT: '1' }, { port: 2, webRoot: null })).toMatchObject({ port: 2, webRoot: null });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '3000.5'],
    ['PORT', '70000'],
    ['SESSION_TTL_SECONDS', '0'],
    ['SESSION_TTL_SECONDS', '12h'],
    ['REGISTRATION_ENABLED', 'maybe'],
    ['TRUST_PROXY', 'sometimes'],
    ['LOG_LEVEL', 'loud'],
    ['SQLITE_SYNC', 'off'],
    ['DATABASE_URL', 'mysql://db/admit'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', './data/admit.db'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '-5'],
    ['WORKERS', '0'],
    ['WORKERS', 'many'],
  ])('refuses %s=%s with a readable ConfigError naming the variable', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.message).toContain(name);
    // Readable: the variable, not an internal schema path, and no stack-like noise.
    expect(err.message).not.toMatch(/\/(port|logLevel|databaseUrl|sessionTtlSeconds|sqliteSync)\b/);
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('reports every invalid variable at once, each on its own line', () => {
    const err = configError({ PORT: '70000', SESSION_TTL_SECONDS: '0', LOG_LEVEL: 'loud' });
    expect(err.message.split('\n')).toEqual([
      'Invalid configuration:',
      '  PORT must be a whole number from 0 to 65535, got "70000"',
      '  SESSION_TTL_SECONDS must be a whole number from 1 to 315360000, got "0"',
      '  LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });

  it('quotes the trimmed value as given, before lower-casing', () => {
    expect(configError({ TRUST_PROXY: ' Sometimes ' }).message).toContain(
      'TRUST_PROXY must be true or false, got "Sometimes"',
    );
    expect(configError({ DATABASE_URL: 'mysql://db/admit' }).message).toContain(
      'DATABASE_URL must be sqlite:<path> or postgres://user@host:5432/database, got "mysql://db/admit"',
    );
  });

  it('reports a bad SQLITE_SYNC next to a bad LOG_LEVEL', () => {
    const err = configError({ LOG_LEVEL: 'loud', SQLITE_SYNC: 'off' });
    for (const name of ['LOG_LEVEL', 'SQLITE_SYNC']) expect(err.message).toContain(name);
  });

  it('does not read process.env when an environment is given', () => {
    const saved = process.env.PORT;
    process.env.PORT = 'not-a-port';
    try {
      expect(loadConfig({}).port).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});
