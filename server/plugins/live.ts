import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { openStore } from '../db/database.js';
import { LiveHub } from '../domain/live/hub.js';
import { type LiveSignals, PostgresSignals, SqliteSignals } from '../domain/live/signals.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The live streams of this process (GET /api/events/:eventId/live). */
    live: LiveHub;
  }
}

/**
 * Live updates for GET /api/events/:eventId/live: the process's LiveHub, told of this process's
 * commits by EventChanges and of other processes' commits by LISTEN/NOTIFY (PostgreSQL) or
 * `PRAGMA data_version` (SQLite). Closing the app ends every stream first (preClose), so neither
 * tests nor a graceful shutdown wait on a stream that never ends by itself.
 */
async function livePlugin(app: FastifyInstance) {
  const onError = (err: unknown, context: string) => app.log.warn({ err }, context);
  // PostgreSQL: the streams read through two connections of their own, so that a door rush
  // queueing on the pool does not delay the news, nor the news take a connection from the door
  // (pg closes them after 10 s idle).
  const reads =
    app.store.dialect === 'postgres'
      ? openStore(app.config.databaseUrl, { poolSize: 2, statementTimeoutMs: app.config.statementTimeoutMs })
      : null;
  const hub = new LiveHub({
    db: reads?.db ?? app.store.db,
    dialect: app.store.dialect,
    heartbeatMs: app.config.liveHeartbeatMs,
    credentialsCheckMs: app.config.liveRecheckMs,
    streamsPerSession: app.config.liveStreamsPerSession,
    onError,
  });
  const handlers = {
    onNews: (seqs: number[]) => {
      for (const seq of seqs) hub.poke(seq);
    },
    onMissed: () => hub.pokeAll(),
    onError,
  };
  const signals: LiveSignals =
    app.store.dialect === 'postgres'
      ? new PostgresSignals(app.config.databaseUrl, handlers)
      : new SqliteSignals(app.store.db, handlers);
  hub.attach(signals);
  const unsubscribe = app.changes.subscribe((eventSeq) => {
    hub.poke(eventSeq);
    signals.touched(eventSeq);
  });
  app.decorate('live', hub);
  app.addHook('preClose', async () => {
    await hub.close();
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    await signals.close();
    await reads?.close();
  });
}

export default fp(livePlugin, { name: 'live', dependencies: ['store'] });
