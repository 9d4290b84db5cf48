const uuidExact = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidAnywhere = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Turns what someone pasted or typed into a canonical ticket id: surrounding spaces are
 * ignored, any letter case is accepted, and an id inside a pasted link is found too.
 */
export function normalizeTicketId(input: string): string | null {
  const text = input.trim();
  if (uuidExact.test(text)) return text.toLowerCase();
  const compact = text.replace(/\s+/g, '');
  const found = uuidAnywhere.exec(compact);
  return found ? found[0].toLowerCase() : null;
}

/** True when the text is a UUID in any letter case. */
export function isUuid(text: string): boolean {
  return uuidExact.test(text);
}
