import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Removed, removeDeletedEvents } from '../domain/events/delete-event.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Removes the rows of deleted events in the background (see removeDeletedEvents). */
    eventDeletions: { start(): void };
  }
}

/** How often deletions whose remover died are looked for, in every process. */
const SWEEP_MS = 60 * 1000;

/**
 * Removes deleted events' rows chunk by chunk, off the request that deleted them: once at start
 * (a deletion a crash interrupted resumes), whenever a deletion is made (`start`), and every
 * minute. One removal at a time per process; closing the app stops it between two chunks.
 */
async function eventDeletionsPlugin(app: FastifyInstance) {
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let again = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = removeDeletedEvents(app.store.db, { stopped: () => stopped })
      .then((removed: Removed) => {
        if (removed.events) app.log.info(removed, 'deleted events removed');
      })
      .catch((err) => app.log.warn({ err }, 'removing deleted events failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  app.decorate('eventDeletions', { start: run });
  app.addHook('onReady', async () => run());
  const timer = setInterval(run, SWEEP_MS);
  timer.unref();
  // Before the store's onClose closes the database.
  app.addHook('preClose', async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  });
}

export default fp(eventDeletionsPlugin, { name: 'event-deletions', dependencies: ['store'] });
