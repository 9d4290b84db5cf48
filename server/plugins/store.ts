import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { describeDatabaseUrl, openStore, type Store, type StoreOptions } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createRedeemer } from '../domain/redemption/create-redeemer.js';
import type { Redeemer } from '../domain/redemption/redeemer.js';
import { purgeExpiredSessions } from '../domain/users/sessions.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    /** The one redeemer of this process (see createRedeemer). */
    redeemer: Redeemer;
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
  app.decorate('redeemer', createRedeemer(store));
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
