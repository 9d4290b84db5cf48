import { describe, expect, it } from 'vitest';
import { useApp } from './helper.js';

const ctx = useApp();

type Operation = { summary?: string; tags?: string[]; responses?: Record<string, unknown>; parameters?: unknown[] };
type Spec = {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
};

// Every route of the contract (API.md), with the error statuses its answer table implies.
const contract: [method: string, path: string, errors: string[]][] = [
  ['post', '/api/auth/register', ['400', '409']],
  ['post', '/api/auth/login', ['400', '401']],
  ['post', '/api/auth/logout', ['401']],
  ['get', '/api/auth/me', ['401']],
  ['get', '/api/events', ['400', '401']],
  ['post', '/api/events', ['400', '401']],
  ['get', '/api/events/{eventId}', ['400', '401', '404']],
  ['get', '/api/events/{eventId}/status', ['400', '401', '404']],
  ['post', '/api/events/{eventId}/tickets', ['400', '401', '404']],
  ['get', '/api/events/{eventId}/tickets', ['400', '401', '404']],
  ['get', '/api/events/{eventId}/tickets.csv', ['400', '401', '404']],
  ['get', '/api/tickets/{ticketId}', ['400', '401', '404']],
  ['post', '/api/tickets/{ticketId}/redeem', ['400', '404', '410']],
  ['get', '/redeem/{ticketId}', ['400', '404', '410']],
  ['get', '/status/{ticketId}', ['400', '404', '410']],
  ['post', '/api/events/{eventId}/door-links', ['400', '401', '404']],
  ['get', '/api/events/{eventId}/door-links', ['401', '404']],
  ['delete', '/api/events/{eventId}/door-links/{linkId}', ['401', '404']],
  ['post', '/api/door/sessions', ['400', '401']],
  ['get', '/api/door/me', ['401']],
  ['post', '/api/door/scans', ['400', '401', '409']],
  ['delete', '/api/door/scans/{scanId}', ['401', '404', '409']],
  ['get', '/api/door/scans', ['400', '401']],
  ['get', '/healthz', []],
];

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3 document listing every route of the contract with a summary, tags and its errors', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const spec = res.json() as Spec;
    expect(spec.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(spec.info.title).toEqual(expect.any(String));
    for (const [method, path, errors] of contract) {
      const op = spec.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(op?.summary?.length, `${method} ${path} summary`).toBeGreaterThan(0);
      expect(op?.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      const statuses = Object.keys(op?.responses ?? {});
      expect(
        statuses.some((s) => s.startsWith('2')),
        `${method} ${path} success`,
      ).toBe(true);
      for (const status of errors) expect(statuses, `${method} ${path}`).toContain(status);
    }
  });

  it('documents the path parameters and the problem schema', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Spec;
    expect(JSON.stringify(spec.paths['/api/events/{eventId}']?.get?.parameters)).toContain('eventId');
    expect(JSON.stringify(spec.paths['/redeem/{ticketId}']?.get?.parameters)).toContain('ticketId');
    expect(JSON.stringify(spec.paths['/api/events']?.get?.parameters)).toContain('pageSize');
    expect(Object.keys(spec.components?.schemas ?? {})).toContain('Problem');
  });
});

describe('GET /api/docs', () => {
  it('serves the interactive docs as HTML', async () => {
    let res = await ctx.app.inject({ method: 'GET', url: '/api/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
      const next = new URL(String(res.headers.location), 'http://localhost/api/docs');
      res = await ctx.app.inject({ method: 'GET', url: next.pathname + next.search });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});
