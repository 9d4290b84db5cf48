import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, testStore } from './databases.js';
import { dataOf, openStream } from './live-client.js';
import { listeningWorkers, registerRemote, remoteTicketIds, type ServerProcess, startServer } from './processes.js';

/** POST on a connection of its own: the cluster's primary hands each new connection to the next worker in turn. */
function postFresh(
  url: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}), connection: 'close' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe(`live stream of the built server with WORKERS=2 (${testStore})`, () => {
  let server: ServerProcess | undefined;
  const db = freshDatabase();

  afterAll(async () => {
    await server?.stop();
    await (await db).cleanup();
  });

  it('a stream held by one worker gets each redemption within 1 s, whichever worker took it', async () => {
    server = await startServer((await db).url, { WORKERS: '2' });
    await listeningWorkers(server, 2); // else the first one could take every connection
    const headers = await registerRemote(server.url, 'liveworkers');
    const created = await postFresh(`${server.url}/api/events`, headers, {
      name: 'Two workers',
      date: '2026-12-31',
      initialTickets: 6,
    });
    expect(created.status, created.body).toBe(201);
    const eventId = (JSON.parse(created.body) as { event: { id: string } }).event.id;
    const ids = await remoteTicketIds(server.url, headers, eventId);
    const stream = await openStream(`${server.url}/api/events/${eventId}/live`, headers);
    try {
      expect(stream.status).toBe(200);
      await stream.next((e) => e.event === 'counters');
      // Six redemptions on six connections: round-robin sends them to both workers, the stream's and the other.
      for (const [i, id] of ids.entries()) {
        const t0 = Date.now();
        const redeemed = await postFresh(`${server.url}/api/tickets/${id}/redeem`);
        expect(redeemed.status, redeemed.body).toBe(200);
        const scan = await stream.next((e) => e.event === 'scan' && dataOf(e).ticketId === id, 1000);
        expect(dataOf(scan).outcome).toBe('admitted');
        await stream.next((e) => e.event === 'counters' && dataOf(e).redeemedTickets === i + 1, 1000);
        expect(Date.now() - t0).toBeLessThan(1000);
      }
    } finally {
      stream.close();
    }
  }, 45_000);
});
