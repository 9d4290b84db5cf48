import { Limits } from '../../shared/schemas.js';

/** Client-side checks mirroring the API's rules, so the user hears about mistakes before sending. */
export function validateUsername(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Enter a username.';
  if (v.length < Limits.usernameMin) return `A username has at least ${Limits.usernameMin} characters.`;
  if (v.length > Limits.usernameMax) return `A username has at most ${Limits.usernameMax} characters.`;
  return null;
}

export function validatePassword(value: string): string | null {
  if (!value) return 'Enter a password.';
  if (value.length < Limits.passwordMin) return `A password has at least ${Limits.passwordMin} characters.`;
  if (value.length > Limits.passwordMax) return `A password has at most ${Limits.passwordMax} characters.`;
  return null;
}

export function validateEventName(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Give the event a name.';
  if (v.length > Limits.eventNameMax) return `The name can be at most ${Limits.eventNameMax} characters.`;
  return null;
}

export function validateEventDate(value: string): string | null {
  if (!value) return 'Pick the date of the event.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'Use the format YYYY-MM-DD.';
  const parsed = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) return 'That date does not exist.';
  return null;
}

export function validateTicketCount(value: number | string): string | null {
  if (value === '' || value === undefined) return 'Enter a number of tickets.';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) return 'Enter a whole number.';
  if (n < Limits.ticketsMin) return `At least ${Limits.ticketsMin} ticket.`;
  if (n > Limits.ticketsMax) return `At most ${Limits.ticketsMax.toLocaleString()} tickets at a time.`;
  return null;
}
