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

/** A ticket id in groups of four hex digits ("3f2b 8c1e 9a4d …"), easy to read aloud and compare by eye. */
export function groupTicketId(id: string): string[] {
  const hex = id.replace(/-/g, '').toLowerCase();
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
  return groups;
}

/** The first 8 characters of a ticket id: enough to tell tickets apart in a list, and to type at a door. */
export function shortTicketId(id: string): string {
  return id.slice(0, 8).toLowerCase();
}

/**
 * What makes two scans "the same code": the ticket id when one can be found in what was scanned
 * (a URL, any letter case, spaces around), else the trimmed, lower-cased text itself (a typed prefix).
 */
export function scanKeyOf(code: string): string {
  return normalizeTicketId(code) ?? code.trim().toLowerCase();
}
