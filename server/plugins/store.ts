import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Store, openStore } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { purgeExpiredSessions } from '../domain/sessions.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/** Opens the database, migrates it on start, and closes it when the app closes. */
async function storePlugin(app: FastifyInstance, opts: { databaseUrl: string; sqliteSync: 'normal' | 'full' }) {
  const store = openStore(opts.databaseUrl, { sqliteSync: opts.sqliteSync });
  try {
    const applied = await migrateToLatest(store.db as never, store.dialect);
    if (applied.length > 0) app.log.info({ applied }, 'database migrated');
    await purgeExpiredSessions(store.db);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  app.decorate('store', store);
  const sweep = setInterval(
    () => {
      purgeExpiredSessions(store.db).catch((err) => app.log.warn({ err }, 'session sweep failed'));
    },
    60 * 60 * 1000,
  );
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await store.close();
  });
}

export default fp(storePlugin, { name: 'store' });
