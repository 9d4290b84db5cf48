import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testStore } from './databases.js';
import { createEvent, createUser, useApp } from './helper.js';
import { injectedBacklog, retainedMemory } from './memory.js';

const ctx = useApp();
// A million rows on SQLite; on PostgreSQL, where seeding and paging cost more in CI, 200,000
// through the same keyset pages.
const ROWS = testStore === 'sqlite' ? 1_000_000 : 200_000;

/** One INSERT…SELECT: a scan every twelfth of a second over a day, outcomes mixed. */
function seedScans(eventSeq: number) {
  if (testStore === 'sqlite') {
    return sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${ROWS})
        insert into scans (id, event_seq, ticket_id, outcome, at)
        select printf('%08x-0000-7000-8000-%012x', i, i), ${eventSeq}, printf('%08x-0000-4000-8000-%012x', i, i),
          case i % 4 when 0 then 'admitted' when 1 then 'already_redeemed' when 2 then 'not_found' else 'unreadable' end,
          strftime('%Y-%m-%dT%H:%M:%S.000Z', '2026-11-27 18:00:00', '+' || (i / 12) || ' seconds')
        from n`;
  }
  return sql`insert into scans (id, event_seq, ticket_id, outcome, at)
      select lpad(to_hex(i), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(i), 12, '0'), ${eventSeq},
        lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'),
        case i % 4 when 0 then 'admitted' when 1 then 'already_redeemed' when 2 then 'not_found' else 'unreadable' end,
        to_char(timestamp '2026-11-27 18:00:00' + (i / 12) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"')
      from generate_series(1, ${ROWS}::int) as i`;
}

describe(`scans.csv of a ${ROWS.toLocaleString('en')}-scan log (${testStore})`, () => {
  it('streams every row with flat server memory', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Big night', initialTickets: 1 });
    const { seq } = await ctx.app.store.db
      .selectFrom('events')
      .select('seq')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    const seededFrom = performance.now();
    await seedScans(Number(seq)).execute(ctx.app.store.db);

    const seedSeconds = (performance.now() - seededFrom) / 1000;
    const streamedFrom = performance.now();
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/scans.csv`,
      headers,
      payloadAsStream: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const harnessBacklog = injectedBacklog(res);
    const retained = retainedMemory(harnessBacklog);
    const baseline = retained();
    // RSS (less the harness's backlog) settles once the first pages have sized the heap and
    // SQLite's page cache: from then on it must stay flat while the other 90% of the rows go by.
    let rssBaseline = 0;

    let bytes = 0;
    let chunks = 0;
    let newlines = 0;
    let growth = 0;
    let rssGrowth = 0;
    let head = '';
    let last: Buffer = Buffer.alloc(0);
    for await (const chunk of res.stream() as AsyncIterable<Buffer>) {
      chunks++;
      bytes += chunk.length;
      if (head.length < 300) head += chunk.toString('utf8');
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
      last = chunk;
      if (chunks % 50 === 0) {
        growth = Math.max(growth, retained() - baseline);
        const rss = process.memoryUsage().rss - harnessBacklog();
        if (rssBaseline === 0 && newlines > ROWS / 10) rssBaseline = rss;
        if (rssBaseline > 0) rssGrowth = Math.max(rssGrowth, rss - rssBaseline);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(newlines).toBe(ROWS + 1);
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('scanned_at,ticket_id,outcome,door,device');
    // Newest first: the last seeded scan leads.
    expect(lines[1]).toBe(
      `${new Date(Date.UTC(2026, 10, 27, 18) + Math.floor(ROWS / 12) * 1000).toISOString()},${ROWS.toString(16).padStart(8, '0')}-0000-4000-8000-${ROWS.toString(16).padStart(12, '0')},admitted,public link,`,
    );
    expect(last.toString('utf8')).toMatch(
      /\r\n2026-11-27T18:00:00\.000Z,00000001-0000-4000-8000-000000000001,already_redeemed,public link,\r\n$/,
    );
    expect(bytes).toBeGreaterThan(ROWS * 80);
    expect(chunks).toBeGreaterThanOrEqual(ROWS / 2000);
    // A page of rows and a few buffers, never the ~90 MB file.
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    expect(rssGrowth).toBeLessThan(64 * 1024 * 1024);
    const streamSeconds = (performance.now() - streamedFrom) / 1000;
    console.log(
      `[scans.csv] seeded in ${seedSeconds.toFixed(1)} s, streamed in ${streamSeconds.toFixed(1)} s: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB in ${chunks} chunks; retained growth ${(growth / 1e6).toFixed(1)} MB, RSS growth ${(rssGrowth / 1e6).toFixed(1)} MB`,
    );
  });
});
