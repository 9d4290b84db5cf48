import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasWrk, wrkIds } from '../bench/wrk.js';

// The bench's loads are wrk Lua scripts: what they send is what the door-rush figures measure.
// A stub server records every request; wrk runs for a second on a few ids, so it runs out of
// them and the script's own accounting is checked too.
describe.skipIf(!hasWrk())("the bench's wrk loads", () => {
  const seen: { method: string; url: string; auth?: string; body: string }[] = [];
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /**
   * wrk asks the script for one request while it sets a thread up and never sends it: a run's
   * ids are each sent once, from the second on (its connections' requests arrive interleaved).
   * The bench counts that one as sent: its "redeemed ≤ sent" check allows for it.
   */
  const sentOnce = (sent: string[]) => {
    expect(sent.length).toBeGreaterThanOrEqual(ids.length - 1);
    expect([...sent].sort()).toEqual(ids.slice(ids.length - sent.length));
  };

  const ids = Array.from({ length: 300 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
  const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('door scans: each id once, as a door session, each with a fresh time-ordered scanId', async () => {
    seen.length = 0;
    const result = await wrkIds({ url, ids, mode: 'door', token: 'door-token', connections: 4, seconds: 1 });
    const scans = seen.filter((r) => r.url === '/api/door/scans');
    expect(result.exhausted).toBe(true);
    expect(result.issued).toBe(ids.length);
    expect(new Set(scans.map((r) => r.method))).toEqual(new Set(['POST']));
    const bodies = scans.map((r) => JSON.parse(r.body) as { code: string; scanId: string });
    sentOnce(bodies.map((b) => b.code));
    for (const b of bodies) expect(b.scanId).toMatch(v7);
    expect(new Set(bodies.map((b) => b.scanId)).size).toBe(bodies.length);
    expect(new Set(scans.map((r) => r.auth))).toEqual(new Set(['Bearer door-token']));
    // Past the ids the script only asks for /healthz, which the bench does not count as scans.
    expect(seen.slice(scans.length).every((r) => r.url === '/healthz')).toBe(true);
  });

  it('first scans: GET /redeem/:id, each id once', async () => {
    seen.length = 0;
    const result = await wrkIds({ url, ids, mode: 'redeem', connections: 4, seconds: 1 });
    expect(result.issued).toBe(ids.length);
    sentOnce(seen.filter((r) => r.url.startsWith('/redeem/')).map((r) => r.url.slice('/redeem/'.length)));
  });
});
