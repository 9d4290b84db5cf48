import type { DoorLink } from '../../shared/door.js';

export type DoorLinkStatus = 'active' | 'revoked' | 'expired';

/** Whether a door link still opens the door. */
export function doorLinkStatus(link: Pick<DoorLink, 'revokedAt' | 'expiresAt'>, now: number): DoorLinkStatus {
  if (link.revokedAt) return 'revoked';
  return new Date(link.expiresAt).getTime() <= now ? 'expired' : 'active';
}

/**
 * Reads a `datetime-local` value (local wall-clock time, "2026-12-31T23:30") as an ISO timestamp.
 * Empty means "the default" (undefined); a value that is not a time, or not in the future, is an error.
 */
export function parseExpiry(value: string, now: number): { expiresAt?: string; error?: string } {
  if (!value.trim()) return {};
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return { error: 'Pick a date and a time.' };
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo - 1) return { error: 'That date does not exist.' };
  if (date.getTime() <= now) return { error: 'Pick a time in the future.' };
  return { expiresAt: date.toISOString() };
}
