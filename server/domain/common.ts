/** The current time as an ISO 8601 UTC string (millisecond precision). */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Lowercase canonical form of a UUID accepted in any letter case. */
export function canonicalId(id: string): string {
  return id.toLowerCase();
}
