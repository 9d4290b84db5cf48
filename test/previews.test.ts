import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPreviewer, previewers } from '../server/routes/public/previewers.js';
import { testStore } from './databases.js';
import {
  createEvent,
  createUser,
  dbSnapshot,
  doorScan,
  expectProblem,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

// GET /redeem/:ticketId redeems only for a client that asks to (docs/api.md, "Abuse limits").
const ctx = useApp();

const chrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const safariIos =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const headlessChrome =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36';

/** What a browser sends when a person opens the link (a top-level navigation). */
const browserNavigation = {
  'user-agent': chrome,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'sec-fetch-site': 'none',
  'sec-fetch-user': '?1',
};

/** API clients with the headers they send by default (no browser fetch metadata, except undici's mode). */
const apiClients: [name: string, headers: Record<string, string>][] = [
  ['curl', { 'user-agent': 'curl/8.5.0', accept: '*/*' }],
  ['Wget', { 'user-agent': 'Wget/1.21.4', accept: '*/*', 'accept-encoding': 'identity' }],
  ['Node fetch (undici)', { 'user-agent': 'node', accept: '*/*', 'accept-language': '*', 'sec-fetch-mode': 'cors' }],
  ['python-requests', { 'user-agent': 'python-requests/2.31.0', accept: '*/*', 'accept-encoding': 'gzip, deflate' }],
  ['HeadlessChrome', { 'user-agent': headlessChrome, accept: '*/*' }],
  ['axios', { 'user-agent': 'axios/1.6.8', accept: 'application/json, text/plain, */*' }],
  ['okhttp', { 'user-agent': 'okhttp/4.12.0' }],
  ['Go-http-client', { 'user-agent': 'Go-http-client/1.1' }],
  ['no headers at all (scanner firmware)', {}],
  ['a JSON client', { accept: 'application/json' }],
  ['fetch() from a page', { 'user-agent': chrome, accept: '*/*', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }],
];

/** Requests that are not scans, by header: each gets 400 not_a_scan and changes nothing. */
const notScans: [name: string, headers: Record<string, string>][] = [
  ['Sec-Fetch-Mode: no-cors', { 'sec-fetch-mode': 'no-cors' }],
  ...[
    'image',
    'script',
    'style',
    'font',
    'audio',
    'video',
    'track',
    'object',
    'embed',
    'iframe',
    'frame',
    'worker',
  ].map((dest): [string, Record<string, string>] => [`Sec-Fetch-Dest: ${dest}`, { 'sec-fetch-dest': dest }]),
  [
    'an <img> in a page',
    {
      'user-agent': chrome,
      accept: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
      'sec-fetch-mode': 'no-cors',
      'sec-fetch-dest': 'image',
      'sec-fetch-site': 'cross-site',
    },
  ],
  ['an image proxy (Accept: image/* only)', { accept: 'image/webp,image/*' }],
  ['Purpose: prefetch', { purpose: 'prefetch' }],
  ['Purpose: preview', { purpose: 'preview' }],
  ['Sec-Purpose: prefetch', { 'sec-purpose': 'prefetch' }],
  ['Sec-Purpose: prefetch;prerender', { 'sec-purpose': 'prefetch;prerender' }],
  ['X-Purpose: preview (Safari)', { 'x-purpose': 'preview', 'user-agent': safariIos, accept: 'text/html,*/*' }],
  ['X-Purpose: prefetch', { 'x-purpose': 'prefetch' }],
  ['X-Moz: prefetch', { 'x-moz': 'prefetch' }],
  ['a browser prefetching the page', { ...browserNavigation, 'sec-purpose': 'prefetch' }],
  ['Range: bytes=0-0', { range: 'bytes=0-0' }],
  ['curl with a Range', { 'user-agent': 'curl/8.5.0', accept: '*/*', range: 'bytes=0-1023' }],
];

/** Every previewer's every example, as the user agent of a request. */
const previewerAgents = previewers.flatMap((p) => p.examples.map((ua): [string, string] => [p.name, ua]));

let owner: { headers: Record<string, string> };
let eventName: string;
let pool: string[] = [];
/** A ticket of the shared event no test used before. */
const freshTicket = () => {
  const id = pool.pop();
  if (!id) throw new Error('the test event ran out of tickets: make it bigger');
  return id;
};

beforeAll(async () => {
  owner = await createUser(ctx.app);
  eventName = 'Gala <script>alert(1)</script> & "friends"';
  const event = await createEvent(ctx.app, owner.headers, { name: eventName, initialTickets: 200 });
  pool = await ticketIds(ctx.app, owner.headers, event.id);
});

const get = (id: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'GET', url: `/redeem/${id}`, headers });
const status = async (id: string) => (await ctx.app.inject({ method: 'GET', url: `/status/${id}` })).statusCode;

/** Sends `request`, expects 400 not_a_scan, and proves nothing changed: the ticket is still ok. */
async function expectNotAScan(id: string, send: () => ReturnType<typeof get>) {
  const before = await dbSnapshot(ctx.app);
  const res = await send();
  expectProblem(res, 400, 'not_a_scan');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(await dbSnapshot(ctx.app)).toEqual(before);
  expect(await status(id)).toBe(200);
  return res;
}

describe('the previewer list (server/routes/public/previewers.ts)', () => {
  it.each(previewers.map((p) => [p.name, p] as const))('%s: its own pattern knows each of its agents', (_name, p) => {
    expect(p.examples.length).toBeGreaterThan(0);
    for (const ua of p.examples) {
      expect(new RegExp(p.pattern.source, 'i').test(ua), ua).toBe(true);
      expect(findPreviewer(ua), ua).not.toBeNull();
    }
  });

  it.each([
    ...apiClients.map(([, h]) => h['user-agent']).filter((ua): ua is string => ua !== undefined),
    'undici',
    'Wget/1.20.3 (linux-gnu)',
    'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
    safariIos,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.38.108]',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 326.0.3.30.91',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8',
    'Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)',
    'ZebraScanner/1.0',
  ])('"%s" is not a previewer', (ua) => {
    expect(findPreviewer(ua)).toBeNull();
  });
});

describe(`link previewers never redeem (${testStore})`, () => {
  it.each(previewerAgents)('%s (%s): 400 not_a_scan on every redeem route, the ticket stays ok', async (_name, ua) => {
    const id = freshTicket();
    for (const accept of ['*/*', 'text/html', undefined]) {
      const headers: Record<string, string> = { 'user-agent': ua, ...(accept ? { accept } : {}) };
      await expectNotAScan(id, () => get(id, headers));
      await expectNotAScan(id, () => ctx.app.inject({ method: 'POST', url: `/redeem/${id}`, headers }));
      await expectNotAScan(id, () => ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem`, headers }));
    }
    // The real scan afterwards redeems, and a later preview neither counts as a refused scan.
    expect((await get(id)).statusCode).toBe(200);
    expectProblem(await get(id, { 'user-agent': ua }), 400, 'not_a_scan');
    expect((await get(id)).json().duplicateScans).toBe(1);
  });
});

describe(`previews, prefetches and embedded fetches never redeem (${testStore})`, () => {
  it.each(notScans)('%s: 400 not_a_scan on every redeem route, the ticket stays ok', async (_name, headers) => {
    const id = freshTicket();
    await expectNotAScan(id, () => get(id, headers));
    await expectNotAScan(id, () => ctx.app.inject({ method: 'POST', url: `/redeem/${id}`, headers }));
    await expectNotAScan(id, () => ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem`, headers }));
    expect((await get(id)).statusCode).toBe(200);
  });

  it('a preview of an unknown code is refused before it is looked up or counted', async () => {
    const res = await expectNotAScan(freshTicket(), () => get(unknownId(), { 'user-agent': 'Twitterbot/1.0' }));
    expect(res.json().detail).toMatch(/preview/);
  });
});

describe(`API clients redeem: 200, then 410 (${testStore})`, () => {
  it.each(apiClients)('%s', async (_name, headers) => {
    const id = freshTicket();
    const first = await get(id, headers);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.json().ticket).toMatchObject({ id, status: 'redeemed' });
    expectProblem(await get(id, headers), 410, 'ticket_already_redeemed');
  });

  it.each([
    ['JSON ahead of HTML', 'application/json, text/html'],
    ['HTML weighed below JSON', 'text/html;q=0.5, application/json'],
    ['problem+json ahead of HTML', 'application/problem+json, text/html'],
  ])('an Accept with %s redeems', async (_name, accept) => {
    const id = freshTicket();
    expect((await get(id, { accept })).statusCode).toBe(200);
    expect((await get(id, { accept })).statusCode).toBe(410);
  });

  const clients = [
    ['curl', ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}']],
    ['wget', ['wget', '-q', '-O', '/dev/null', '--server-response', '--content-on-error']],
    ['python3', ['python3', '-c', 'import requests,sys; print(requests.get(sys.argv[1]).status_code)']],
  ] as const;
  const available = clients.filter(([bin]) => spawnSync(bin, ['--version']).status === 0);

  it(`real clients over HTTP: node fetch${available.map(([bin]) => `, ${bin}`).join('')}`, async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    /** The status a real client got, run as a child process so it sends exactly its own headers. */
    const run = async (argv: readonly string[], url: string) => {
      const { spawn } = await import('node:child_process');
      return new Promise<number>((resolve, reject) => {
        const child = spawn(argv[0] as string, [...argv.slice(1), url]);
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          out += d;
        });
        child.on('error', reject);
        // wget prints its response headers (`HTTP/1.1 410 Gone`); curl and python print the status alone.
        child.on('close', () => {
          const wget = [...out.matchAll(/HTTP\/[\d.]+ (\d{3})/g)].at(-1)?.[1];
          resolve(Number(wget ?? out.trim()));
        });
      });
    };
    const nodeId = freshTicket();
    expect((await fetch(`${address}/redeem/${nodeId}`)).status).toBe(200);
    expect((await fetch(`${address}/redeem/${nodeId}`)).status).toBe(410);
    for (const [bin, argv] of available) {
      const id = freshTicket();
      expect(await run(argv, `${address}/redeem/${id}`), `${bin} first`).toBe(200);
      expect(await run(argv, `${address}/redeem/${id}`), `${bin} second`).toBe(410);
    }
  });
});

describe(`a person's browser gets a page, and its button redeems (${testStore})`, () => {
  const formPost = (id: string, extra: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: `/redeem/${id}`,
      headers: {
        ...browserNavigation,
        'sec-fetch-site': 'same-origin',
        origin: 'http://localhost',
        'content-type': 'application/x-www-form-urlencoded',
        ...extra,
      },
      payload: '',
    });

  it('opening the link shows what it does, the event and a button, and redeems nothing', async () => {
    const id = freshTicket();
    const before = await dbSnapshot(ctx.app);
    const page = await get(id.toUpperCase(), browserNavigation);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.body).toContain('This link uses up the ticket at the door');
    expect(page.body).toMatch(/Don’t share this link/);
    expect(page.body).toContain('Not used yet');
    expect(page.body).toContain('Gala &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;');
    expect(page.body).not.toMatch(/<script/i);
    expect(page.body).toContain(`<form method="post" action="/redeem/${id}">`);
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect(await status(id)).toBe(200);
  });

  it('the button admits, then says ALREADY USED with when; the page then offers no button', async () => {
    const id = freshTicket();
    const admitted = await formPost(id);
    expect(admitted.statusCode).toBe(200);
    expect(admitted.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(admitted.headers['cache-control']).toBe('no-store');
    expect(admitted.body).toContain('ADMITTED');
    expect(admitted.body).toContain('Gala &lt;script&gt;');
    expect(await status(id)).toBe(410);
    const redeemedAt = (await ctx.app.inject({ method: 'GET', url: `/status/${id}` })).json().redeemedAt as string;

    const again = await formPost(id);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('ALREADY USED');
    expect(again.body).toContain(`<time datetime="${redeemedAt}">`);
    expect(again.body).toContain('Refused scans since: 1.');

    const page = await get(id, browserNavigation);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Already used');
    expect(page.body).not.toContain('<form');
  });

  it('a mail link scanner posing as a browser (Accept: text/html) gets the page and redeems nothing', async () => {
    const id = freshTicket();
    const before = await dbSnapshot(ctx.app);
    for (const accept of ['text/html', 'text/html, application/json;q=0.9', 'application/xhtml+xml']) {
      const page = await get(id, { 'user-agent': chrome, accept });
      expect(page.statusCode, accept).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect(await status(id)).toBe(200);
  });

  it('an unknown code: the page says so (404), the button NOT FOUND (404), counted and never logged', async () => {
    const before = await dbSnapshot(ctx.app);
    const page = await get(unknownId(), browserNavigation);
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).not.toContain('<form');
    const posted = await formPost(unknownId());
    expect(posted.statusCode).toBe(404);
    expect(posted.body).toContain('NOT FOUND');
    const after = await dbSnapshot(ctx.app);
    expect(after.counts.scans).toBe(before.counts.scans);
    expect(after.unknownCodeScans).toBe(before.unknownCodeScans + 1);
  });

  it('unknown codes answered with a page count against the address like JSON lookups (429 past the allowance)', async () => {
    const remoteAddress = '198.51.100.23';
    const browser = { method: 'GET' as const, headers: browserNavigation, remoteAddress };
    for (let i = 0; i <= ctx.app.config.unknownTicketsPerMinute; i += 1) {
      const res = await ctx.app.inject({ ...browser, url: `/redeem/${unknownId()}` });
      if (res.statusCode === 429) break;
      expect(res.statusCode).toBe(404);
    }
    expectProblem(await ctx.app.inject({ ...browser, url: `/redeem/${unknownId()}` }), 429, 'too_many_unknown_tickets');
    const posted = await ctx.app.inject({ ...browser, method: 'POST', url: `/redeem/${unknownId()}` });
    expectProblem(posted, 429, 'too_many_unknown_tickets');
    // A real ticket is never refused.
    const id = freshTicket();
    expect((await ctx.app.inject({ ...browser, url: `/redeem/${id}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ ...browser, method: 'POST', url: `/redeem/${id}` })).statusCode).toBe(200);
  });

  it('the form route answers JSON to other clients, and accepts a cross-site form (public by design)', async () => {
    const a = freshTicket();
    const json = await ctx.app.inject({ method: 'POST', url: `/redeem/${a}` });
    expect(json.statusCode).toBe(200);
    expect(json.json().ticket).toMatchObject({ id: a, status: 'redeemed' });
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/redeem/${a}` }), 410, 'ticket_already_redeemed');

    const b = freshTicket();
    const crossSite = await formPost(b, { 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example' });
    expect(crossSite.statusCode).toBe(200);
    expect(crossSite.body).toContain('ADMITTED');
  });

  it('only the form route parses form bodies: the JSON API still refuses them with 415', async () => {
    const id = freshTicket();
    const before = await dbSnapshot(ctx.app);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${id}/redeem`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    expectProblem(res, 415, 'unsupported_media_type');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    const tooBig = await ctx.app.inject({
      method: 'POST',
      url: `/redeem/${id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `a=${'x'.repeat(2000)}`,
    });
    expectProblem(tooBig, 413, 'payload_too_large');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe(`unknown codes are counted per address and minute, not logged (${testStore})`, () => {
  const rows = () => ctx.app.store.db.selectFrom('unknown_code_scans').selectAll().execute();

  afterAll(async () => {
    // Nothing below may have written an unknown code to the attempt log.
    const logged = await ctx.app.store.db
      .selectFrom('redemption_attempts')
      .select('id')
      .where('outcome', '=', 'unknown')
      .execute();
    expect(logged).toEqual([]);
  });

  it('one row per address and minute, bumped by every public scan of an unknown code', async () => {
    const before = await dbSnapshot(ctx.app);
    const startedAt = new Date().toISOString();
    for (let i = 0; i < 3; i++) {
      await ctx.app.inject({ method: 'GET', url: `/redeem/${unknownId()}`, remoteAddress: '203.0.113.7' });
    }
    await ctx.app.inject({ method: 'POST', url: `/api/tickets/${unknownId()}/redeem`, remoteAddress: '203.0.113.7' });
    await ctx.app.inject({ method: 'POST', url: `/redeem/${unknownId()}`, remoteAddress: '2001:db8::1' });
    const after = await dbSnapshot(ctx.app);
    expect(after.counts.scans).toBe(before.counts.scans);
    expect(after.unknownCodeScans - before.unknownCodeScans).toBe(5);
    const mine = (await rows()).filter((r) => ['203.0.113.7', '2001:db8::1'].includes(r.client_address));
    const minutes = new Set(mine.map((r) => r.minute));
    for (const minute of minutes) {
      expect(minute).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
      expect(minute >= `${startedAt.slice(0, 16)}:00.000Z`).toBe(true);
    }
    const total = (address: string) =>
      mine.filter((r) => r.client_address === address).reduce((n, r) => n + Number(r.scans), 0);
    expect(total('203.0.113.7')).toBe(4);
    expect(total('2001:db8::1')).toBe(1);
    // Within one minute it is one row per address (a minute boundary during the test may add one).
    expect(mine.length).toBeLessThanOrEqual(2 * minutes.size);
  });

  it('door scans keep their per-scan log, and never touch the count', async () => {
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const door = await openDoor(ctx.app, owner.headers, event.id);
    const before = await dbSnapshot(ctx.app);
    const res = await doorScan(ctx.app, door.headers, unknownId());
    expect(res.json().outcome).toBe('not_found');
    const after = await dbSnapshot(ctx.app);
    expect(after.counts.scans).toBe(before.counts.scans + 1);
    expect(after.unknownCodeScans).toBe(before.unknownCodeScans);
  });

  it('a ticket scanned at a public endpoint is still logged one row per scan', async () => {
    const id = freshTicket();
    const before = await dbSnapshot(ctx.app);
    await get(id);
    await get(id);
    const after = await dbSnapshot(ctx.app);
    expect(after.counts.scans).toBe(before.counts.scans + 2);
    expect(after.unknownCodeScans).toBe(before.unknownCodeScans);
  });
});
