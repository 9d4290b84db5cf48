import { describe, expect, it } from 'vitest';
import { groupTicketId, normalizeTicketId, scanKeyOf, shortTicketId } from './ticket-id.js';

describe('normalizeTicketId', () => {
  const id = '5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e';

  it('ignores surrounding spaces and letter case', () => {
    expect(normalizeTicketId(`  ${id.toUpperCase()}\t\n`)).toBe(id);
  });

  it('finds the id inside a pasted redeem link', () => {
    expect(normalizeTicketId(`https://admit.example/redeem/${id}`)).toBe(id);
  });

  it('answers null for anything that is not an id', () => {
    expect(normalizeTicketId('')).toBeNull();
    expect(normalizeTicketId('hello')).toBeNull();
    expect(normalizeTicketId('5e0f4f6c-2b43-4e39-9b5c')).toBeNull();
  });
});

describe('groupTicketId', () => {
  it('splits the 32 hex digits into eight groups of four, dropping hyphens', () => {
    expect(groupTicketId('3F2B8C1E-9A4D-4C7E-B1F0-5D6A7E8F9012')).toEqual([
      '3f2b',
      '8c1e',
      '9a4d',
      '4c7e',
      'b1f0',
      '5d6a',
      '7e8f',
      '9012',
    ]);
  });
});

describe('shortTicketId and scanKeyOf', () => {
  const id = '5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e';

  it('shortens to the first 8 characters', () => {
    expect(shortTicketId(id.toUpperCase())).toBe('5e0f4f6c');
  });

  it('makes a URL, an upper-case id and a spaced id the same scan, and keeps a prefix as typed', () => {
    expect(scanKeyOf(`https://admit.example/t/${id}`)).toBe(id);
    expect(scanKeyOf(` ${id.toUpperCase()} `)).toBe(id);
    expect(scanKeyOf(' 5E0F4F6C ')).toBe('5e0f4f6c');
  });
});
