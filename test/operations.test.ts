import { describe, expect, it } from 'vitest';
import { expectProblem, useApp } from './helper.js';

const ctx = useApp();

describe('GET /healthz', () => {
  it('answers 200 when the server and its database answer', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: ctx.app.store.dialect });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('unknown paths', () => {
  it.each([
    ['GET', '/api/nope'],
    ['GET', '/api/events/x/y/z'],
    ['POST', '/api/tickets'],
    ['DELETE', '/api/events'],
    ['PUT', '/api/auth/me'],
    ['GET', '/api'],
    ['GET', '/redeem'],
    ['GET', '/status/'],
  ])('%s %s is a JSON 404 problem', async (method, url) => {
    const res = await ctx.app.inject({
      method: method as 'GET',
      url,
      headers: { accept: 'text/html,application/json' },
    });
    const body = expectProblem(res, 404, 'not_found');
    expect(body.detail).toContain(url.replace(/\/$/, ''));
  });
});

describe('security headers', () => {
  it('are sent on API answers', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
