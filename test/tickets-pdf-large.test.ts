import { describe, expect, it } from 'vitest';
import { createEvent, createUser, useApp } from './helper.js';
import { injectedBacklog, retainedMemory } from './memory.js';

const ctx = useApp();
const TICKETS = 10_000;

describe('PDF of 10,000 tickets', () => {
  it('starts at once and streams page by page without holding the document in memory', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Big print run', initialTickets: TICKETS });

    // Fonts are loaded once per process: a first small document keeps that out of the figures.
    const warm = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/tickets.pdf?status=redeemed`,
      headers,
    });
    expect(warm.statusCode).toBe(200);

    // The harness's backlog counts once the response exists (see retainedMemory).
    let backlog = () => 0;
    const retained = retainedMemory(() => backlog());
    const baseline = retained();

    const started = performance.now();
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/tickets.pdf`,
      headers,
      payloadAsStream: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    backlog = injectedBacklog(res);

    let bytes = 0;
    let chunks = 0;
    let firstByteMs = 0;
    let firstPageMs = 0;
    let head = '';
    let tail = '';
    const growth: number[] = [];
    for await (const chunk of res.stream() as AsyncIterable<Buffer>) {
      if (chunks === 0) firstByteMs = performance.now() - started;
      chunks++;
      bytes += chunk.length;
      if (head.length < 20) head += chunk.toString('latin1');
      if (!firstPageMs && chunk.includes('/Type /Page\n')) firstPageMs = performance.now() - started;
      tail = (tail + chunk.toString('latin1')).slice(-512 * 1024);
      if (chunks % 100 === 0) growth.push(retained() - baseline);
      // Read like a network client: one chunk per event-loop turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const totalMs = performance.now() - started;
    console.info(
      `[pdf] ${TICKETS} tickets: first bytes ${firstByteMs.toFixed(0)} ms, first page ${firstPageMs.toFixed(0)} ms, ` +
        `all ${(bytes / 1e6).toFixed(1)} MB in ${(totalMs / 1000).toFixed(1)} s; retained growth ` +
        `${(Math.max(...growth) / 1e6).toFixed(1)} MB at most`,
    );

    expect(head.startsWith('%PDF-1.')).toBe(true);
    expect(tail).toContain(`/Count ${Math.ceil(TICKETS / 6)}\n`);
    expect(tail.trimEnd().endsWith('%%EOF')).toBe(true);
    // The document starts before the tickets are read, and its first page follows at once.
    expect(firstByteMs).toBeLessThan(1000);
    expect(chunks).toBeGreaterThan(Math.ceil(TICKETS / 6) / 2);
    // Memory is flat: what is held late in the document is about what was held early, far below
    // the file (about 9 MB). What grows is the page list a PDF writes at its end: a few hundred
    // bytes a page.
    expect(growth.length).toBeGreaterThan(4);
    const early = Math.max(...growth.slice(0, Math.ceil(growth.length / 4)));
    const late = Math.max(...growth.slice(-Math.ceil(growth.length / 4)));
    expect(late - early).toBeLessThan(bytes / 4);
    // Never the document: its 9 MB would show as growth of its whole size (the page list a PDF
    // must keep for its end grows a few hundred bytes a page, so allow well under the file).
    expect(Math.max(...growth)).toBeLessThan(bytes * 0.75);
  }, 240_000);
});
