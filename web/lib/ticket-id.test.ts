import { describe, expect, it } from 'vitest';
import { normalizeTicketId } from './ticket-id.js';

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
