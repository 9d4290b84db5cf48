import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, testStore } from './databases.js';
import { registerRemote, type ServerProcess, startServer } from './processes.js';

// SIGTERM: stop accepting, finish what is in flight, close the database, exit 0.
describe(`graceful shutdown (${testStore})`, () => {
  let server: ServerProcess | undefined;
  const db = freshDatabase();

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await (await db).cleanup();
  });

  it('a CSV download in flight when SIGTERM arrives completes, new connections are refused, exit code 0', async () => {
    server = await startServer((await db).url);
    const headers = await registerRemote(server.url, 'shutdown');
    const created = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Shutdown', date: '2026-12-31', initialTickets: 100_000 }),
    });
    const { event } = (await created.json()) as { event: { id: string } };

    const res = await fetch(`${server.url}/api/events/${event.id}/tickets.csv`, { headers });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let bytes = (await reader.read()).value?.length ?? 0; // the export has started
    const exited = new Promise<number | null>((resolve) => server?.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      await new Promise((r) => setTimeout(r, 1)); // a slow client
    }
    // Header plus 100,000 rows of 67 bytes: the whole file arrived.
    expect(bytes).toBe(41 + 100_000 * 67);
    expect(await exited, server.output()).toBe(0);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    server = undefined;
  }, 120_000);
});
