import { describe, expect, it } from 'vitest';
import { openStore } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { freshDatabase, testStore } from './databases.js';

describe(`migrations (${testStore})`, () => {
  it('create the schema on an empty database and apply nothing the second time', async () => {
    const fresh = await freshDatabase();
    const store = openStore(fresh.url);
    try {
      expect(await migrateToLatest(store.db as never, store.dialect)).toEqual([
        '001-initial',
        '002-event-search',
        '003-attempt-log-append-only',
        '004-event-search-terms',
        '005-door',
        '006-pending-batches',
        '007-unknown-code-scans',
        '008-unbounded-keys',
        '009-scan-log',
        '010-labels-and-deletions',
        '011-void-tickets',
        '012-offline-door',
      ]);
      expect(await migrateToLatest(store.db as never, store.dialect)).toEqual([]);
      const tables = (await store.db.introspection.getTables()).map((t) => t.name).sort();
      expect(tables).toEqual(
        expect.arrayContaining(['events', 'redemption_attempts', 'sessions', 'ticket_batches', 'tickets', 'users']),
      );
    } finally {
      await store.close();
      await fresh.cleanup();
    }
  });

  it('are safe when several processes migrate the same empty database at once', async () => {
    const fresh = await freshDatabase();
    const stores = [1, 2, 3, 4].map(() => openStore(fresh.url));
    try {
      const applied = await Promise.all(stores.map((s) => migrateToLatest(s.db as never, s.dialect)));
      // Exactly one of them did the work; the others found it done.
      expect(applied.flat()).toEqual([
        '001-initial',
        '002-event-search',
        '003-attempt-log-append-only',
        '004-event-search-terms',
        '005-door',
        '006-pending-batches',
        '007-unknown-code-scans',
        '008-unbounded-keys',
        '009-scan-log',
        '010-labels-and-deletions',
        '011-void-tickets',
        '012-offline-door',
      ]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await fresh.cleanup();
    }
  });
});
