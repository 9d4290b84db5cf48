import { describe, expect, it } from 'vitest';
import {
  parseAuthSearch,
  parseCheckSearch,
  parseEventSearch,
  parseEventsSearch,
  safeNextPath,
} from './search-params.js';

describe('parseEventsSearch', () => {
  it('names every key, so a dropped raw value cannot leak through the router merge', () => {
    expect(Object.keys(parseEventsSearch({ page: 'abc', pageSize: 33 })).sort()).toEqual([
      'page',
      'pageSize',
      'q',
      'sort',
    ]);
    expect(parseEventsSearch({ page: 'abc' }).page).toBeUndefined();
    expect(Object.keys(parseAuthSearch({ next: '//evil.example' }))).toContain('next');
    expect(Object.keys(parseEventSearch({ status: 'bogus' }))).toContain('status');
  });

  it('keeps valid values and drops defaults', () => {
    expect(parseEventsSearch({ q: 'jazz', page: 3, pageSize: 50, sort: 'name' })).toEqual({
      q: 'jazz',
      page: 3,
      pageSize: 50,
      sort: 'name',
    });
    expect(parseEventsSearch({ page: 1, pageSize: 20, sort: '-createdAt' })).toEqual({});
  });

  it('accepts numbers given as strings and numeric search text (the router JSON-parses values)', () => {
    expect(parseEventsSearch({ page: '2', pageSize: '10', q: 2026 })).toEqual({ page: 2, pageSize: 10, q: '2026' });
  });

  it('drops anything invalid instead of failing', () => {
    expect(parseEventsSearch({ q: '   ', page: -4, pageSize: 33, sort: 'password' })).toEqual({});
    expect(parseEventsSearch({ page: '2.5', pageSize: 'abc', q: { a: 1 } })).toEqual({});
    expect(parseEventsSearch({ page: 'Infinity' })).toEqual({});
  });

  it('caps the search text at the longest event name', () => {
    expect(parseEventsSearch({ q: 'x'.repeat(500) }).q).toHaveLength(200);
  });
});

describe('safeNextPath', () => {
  it('allows same-site paths with their search', () => {
    expect(safeNextPath('/events/abc?status=ok')).toBe('/events/abc?status=ok');
    expect(safeNextPath('/')).toBe('/');
  });

  it('refuses other sites and tricks that turn into them', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      'events',
      '/\t/evil.example',
      '',
    ]) {
      expect(safeNextPath(bad), bad).toBeUndefined();
    }
    expect(safeNextPath(42)).toBeUndefined();
    expect(safeNextPath(undefined)).toBeUndefined();
  });

  it('refuses to loop back to login or register', () => {
    expect(safeNextPath('/login?next=/x')).toBeUndefined();
    expect(safeNextPath('/register')).toBeUndefined();
  });
});

describe('parseAuthSearch', () => {
  it('reads next and the expired flag', () => {
    expect(parseAuthSearch({ next: '/events/1', expired: 1 })).toEqual({ next: '/events/1', expired: 1 });
    expect(parseAuthSearch({ next: '/check', expired: '1' })).toEqual({ next: '/check', expired: 1 });
    expect(parseAuthSearch({ next: 'https://evil.example', expired: 'no' })).toEqual({});
  });
});

describe('parseEventSearch', () => {
  it('accepts ok, redeemed and void only', () => {
    expect(parseEventSearch({ status: 'ok' })).toEqual({ status: 'ok' });
    expect(parseEventSearch({ status: 'redeemed' })).toEqual({ status: 'redeemed' });
    expect(parseEventSearch({ status: 'void' })).toEqual({ status: 'void' });
    expect(parseEventSearch({ status: 'cancelled' })).toEqual({});
    expect(parseEventSearch({ status: 'all' })).toEqual({});
    expect(parseEventSearch({})).toEqual({});
  });

  it('keeps the tab, the filters and the bucket, and drops the rest', () => {
    expect(parseEventSearch({ tab: 'log', outcome: 'already_redeemed', bucket: '1m' })).toEqual({
      tab: 'log',
      status: undefined,
      outcome: 'already_redeemed',
      bucket: '1m',
    });
    expect(parseEventSearch({ tab: 'tickets', status: 'redeemed' })).toMatchObject({
      tab: 'tickets',
      status: 'redeemed',
    });
    expect(parseEventSearch({ tab: 'overview', outcome: 'teleported', bucket: '5m', status: 'voided' })).toEqual({
      tab: undefined,
      status: undefined,
      outcome: undefined,
      bucket: undefined,
    });
  });
});

describe('parseCheckSearch', () => {
  it('keeps an event id, in lower case, and drops anything else', () => {
    expect(parseCheckSearch({ event: '5E0F4F6C-2B43-4E39-9B5C-0E7A4A8C1D2E' })).toEqual({
      event: '5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e',
    });
    expect(parseCheckSearch({ event: 'javascript:alert(1)' })).toEqual({ event: undefined });
    expect(Object.keys(parseCheckSearch({}))).toEqual(['event']);
  });
});
