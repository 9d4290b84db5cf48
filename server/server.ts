import cluster from 'node:cluster';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { MAX_LINGERING, openFileLimit } from './connections.js';
import { openStore } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** One HTTP server process: build the app, listen, and shut down gracefully on a signal. */
async function runServer(config: Config) {
  const app = await buildApp(config).catch((err: Error) => {
    console.error(`Admit could not start: ${err.message}`);
    process.exit(1);
  });

  let closing = false;
  async function shutdown(signal: string) {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    // Connections that finish their last request during shutdown stay open as idle keep-alive
    // sockets, which would hold close() until their timeout: close them as they go idle.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    try {
      await app.close();
      clearInterval(sweep);
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    app.log.error({ err }, 'could not listen');
    process.exit(1);
  }
  // Past the open-file limit, new connections fail in the kernel, unanswered and unlogged.
  const files = openFileLimit();
  if (files !== null && config.maxConnections + MAX_LINGERING > files - 100) {
    app.log.warn(
      { maxConnections: config.maxConnections, refusedBeingAnswered: MAX_LINGERING, openFileLimit: files },
      'MAX_CONNECTIONS leaves fewer than 100 files of the open-file limit to the database and logs: lower it or raise the limit (ulimit -n)',
    );
  }
}

/**
 * WORKERS > 1: the primary migrates the database once, then runs N workers sharing the port
 * and restarts any that dies. Workers keep nothing that matters in memory: any of them can
 * answer any request.
 */
async function runPrimary(config: Config) {
  const store = openStore(config.databaseUrl, { sqliteSync: config.sqliteSync, poolSize: 1 });
  try {
    await migrateToLatest(store.db as never, store.dialect);
  } catch (err) {
    console.error(`Admit could not start: cannot migrate the database: ${(err as Error).message}`);
    process.exit(1);
  } finally {
    await store.close();
  }

  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();
  // A worker counts once it listens: until then the port is served by the others alone.
  cluster.on('listening', (worker) => console.log(`worker ${worker.process.pid} listening`));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting a new one`);
    setTimeout(fork, 250);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  console.log(`Admit primary ${process.pid}: ${config.workers} workers on http://${config.host}:${config.port}`);
}

const config = readConfig();
if (config.workers > 1 && cluster.isPrimary) await runPrimary(config);
else await runServer(config);
