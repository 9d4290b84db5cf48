import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectProblem, makeApp, useApp } from './helper.js';

// A tiny built web app: index.html and one hashed asset.
const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-web-'));
fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><html><body>admit-spa</body></html>');
fs.mkdirSync(path.join(webRoot, 'assets'));
fs.writeFileSync(path.join(webRoot, 'assets', 'app-1234abcd.js'), 'console.log("admit")');

const ctx = useApp({ webRoot });
afterAll(() => fs.rmSync(webRoot, { recursive: true, force: true }));

const curl = { accept: '*/*', 'user-agent': 'curl/8.5.0' };
const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the web app', () => {
  it.each([
    ['curl', '/', curl],
    ['no Accept header', '/', {}],
    ['a browser', '/', browser],
    ['curl', '/events/0b6f4a1e-8d1c-4c44-9a3e-5d2f0f1c2b3a', curl],
    ['a browser', '/events/new', browser],
    ['an API client', '/login?next=%2Fevents', { accept: 'application/json' }],
  ])('%s: GET %s answers index.html', async (_who, url, headers) => {
    const res = await ctx.app.inject({ method: 'GET', url, headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('admit-spa');
  });

  it('answers HEAD / like GET, without a body', async () => {
    const res = await ctx.app.inject({ method: 'HEAD', url: '/', headers: curl });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe('');
  });

  it('serves hashed assets cached for a year', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/assets/app-1234abcd.js', headers: curl });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toContain('admit');
  });

  it.each([
    ['GET', '/assets/missing.js', curl],
    ['GET', '/favicon.ico', { accept: 'image/avif,image/webp,*/*' }],
    ['GET', '/favicon.ico', curl],
    ['POST', '/', curl],
    ['DELETE', '/events/new', browser],
  ])('%s %s (a missing file or a write) is a JSON 404', async (method, url, headers) => {
    const res = await ctx.app.inject({ method: method as 'GET', url, headers });
    expectProblem(res, 404, 'not_found');
  });

  it.each([
    ['/api', curl],
    ['/api/nope', curl],
    ['/api/nope', browser],
    ['/redeem', browser],
    ['/status/', curl],
    ['/healthz/more', browser],
  ])('API path GET %s keeps its JSON 404', async (url, headers) => {
    const res = await ctx.app.inject({ method: 'GET', url, headers });
    expectProblem(res, 404, 'not_found');
  });
});

describe('without a built web app', () => {
  it('GET / is a JSON 404: only the API is served', async () => {
    const { app, close } = await makeApp({ webRoot: path.join(webRoot, 'no-such-folder') });
    try {
      const res = await app.inject({ method: 'GET', url: '/', headers: curl });
      expectProblem(res, 404, 'not_found');
    } finally {
      await close();
    }
  });
});
