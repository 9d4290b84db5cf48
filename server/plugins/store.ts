import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { describeDatabaseUrl, openStore, type Store, type StoreOptions } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { removeAbandonedBatches } from '../db/pending-batches.js';
import { EventChanges } from '../domain/live/changes.js';
import { createRedeemer } from '../domain/redemption/create-redeemer.js';
import type { Redeemer } from '../domain/redemption/redeemer.js';
import { purgeExpiredSessions } from '../domain/users/sessions.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    /** The one redeemer of this process (see createRedeemer). */
    redeemer: Redeemer;
    /** News of committed changes to an event, for the live streams (see EventChanges). */
    changes: EventChanges;
  }
}

/** Opens the database, migrates it on start, makes the redeemer, and closes it all when the app closes. */
async function storePlugin(app: FastifyInstance, opts: StoreOptions & { databaseUrl: string }) {
  const store = openStore(opts.databaseUrl, opts);
  try {
    const applied = await migrateToLatest(store.db as never, store.dialect);
    if (applied.length > 0) app.log.info({ applied }, 'database migrated');
    await purgeExpiredSessions(store.db);
  } catch (err) {
    await store.close().catch(() => {});
    const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
    const reason = e.message || e.errors?.[0]?.message || e.code || String(err);
    throw new Error(`cannot open the database at ${describeDatabaseUrl(opts.databaseUrl)}: ${reason}`);
  }
  app.decorate('store', store);
  const changes = new EventChanges();
  app.decorate('changes', changes);
  app.decorate('redeemer', createRedeemer(store, changes));
  const sweep = setInterval(
    () => {
      purgeExpiredSessions(store.db).catch((err) => app.log.warn({ err }, 'session sweep failed'));
    },
    60 * 60 * 1000,
  );
  sweep.unref();
  const leftovers = sweepAbandonedBatches(app, store);
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await leftovers.stop();
    await store.close();
  });
}

/** How often pending batches are checked for a writer gone silent. */
const BATCH_SWEEP_MS = 60 * 1000;

/**
 * Removes what writers that died mid-way left (pending batches silent for minutes, see
 * server/db/pending-batches.ts): once at start, without delaying it, then every minute. Chunk by
 * chunk, so requests go on meanwhile; `stop` ends it between two chunks when the app closes.
 */
function sweepAbandonedBatches(app: FastifyInstance, store: Store) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => (stopped ? undefined : removeAbandonedBatches(store.db, { stopped: () => stopped })))
      .then((removed) => {
        if (removed?.batches) app.log.warn(removed, 'removed ticket batches abandoned mid-way by a process that died');
      })
      .catch((err) => app.log.warn({ err }, 'abandoned batch sweep failed'));
  };
  run();
  const timer = setInterval(run, BATCH_SWEEP_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export default fp(storePlugin, { name: 'store' });
