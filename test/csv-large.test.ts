import { describe, expect, it } from 'vitest';
import { createEvent, createUser, useApp } from './helper.js';
import { injectedBacklog, retainedMemory } from './memory.js';

const ctx = useApp();
const ROWS = 100_000;

describe('CSV export of 100,000 tickets', () => {
  it('streams every row in many chunks without holding the file in memory', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Big export', initialTickets: ROWS });
    expect(event.totalTickets).toBe(ROWS);

    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/tickets.csv`,
      headers,
      payloadAsStream: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);

    const retained = retainedMemory(injectedBacklog(res));
    const baseline = retained();

    let bytes = 0;
    let chunks = 0;
    let newlines = 0;
    let growth = 0;
    let head = '';
    let tail: Buffer = Buffer.alloc(0);
    for await (const chunk of res.stream() as AsyncIterable<Buffer>) {
      chunks++;
      bytes += chunk.length;
      if (head.length < 200) head += chunk.toString('utf8');
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
      tail = chunk;
      if (chunks % 10 === 0) growth = Math.max(growth, retained() - baseline);
      // Read like a network client: one chunk per event-loop turn.
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(newlines).toBe(ROWS + 1);
    expect(head.startsWith('ticket_id,status,created_at,redeemed_at\r\n')).toBe(true);
    expect(head.split('\r\n')[1]).toMatch(/^[0-9a-f-]{36},ok,\d{4}-\d{2}-\d{2}T[\d:.]+Z,$/);
    expect(tail.subarray(-2).toString()).toBe('\r\n');
    // ~6.7 MB in total, delivered piecemeal while the database is paged through.
    expect(bytes).toBeGreaterThan(ROWS * 60);
    expect(chunks).toBeGreaterThanOrEqual(50);
    // Memory held while streaming is a page of rows and a few buffers (measured: under 1 MB), never the file.
    expect(growth).toBeLessThan(bytes / 2);
  });
});
