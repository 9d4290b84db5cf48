import type { IncomingHttpHeaders } from 'node:http';
import { findPreviewer } from './previewers.js';

// What a request to a redeem route asks for, from its headers alone (docs/api.md, "Abuse
// limits"): a scan (redeem), a page (a person's browser or a mail link scanner: show what the
// link does, redeem only by its button), or nothing at all (a preview, a prefetch, an embedded
// fetch, a range probe: 400 not_a_scan, nothing changes).

/** Sec-Fetch-Dest of a request made on purpose: a page navigation, or fetch()/XMLHttpRequest. */
const deliberate = new Set(['document', 'empty']);
const speculative = /prefetch|prerender|preview/i;
/** Media types only embedded resources ask for (an `<img>` behind a proxy, a stylesheet, a script). */
const embeddedType =
  /^(?:image|audio|video|font)\/|^text\/(?:css|javascript)$|^application\/(?:javascript|ecmascript)$/;

function header(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

interface MediaRange {
  type: string;
  q: number;
}

/** The media ranges of an Accept header, in order, with their weights. */
function mediaRanges(accept: string): MediaRange[] {
  return accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';');
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    return { type: type.trim().toLowerCase(), q: Number.isFinite(weight) ? weight : 1 };
  });
}

/** True when every media type the client accepts is one only an embedded resource asks for. */
function acceptsOnlyEmbedded(accept: string): boolean {
  if (accept === '' || /\*\/\*|json|html/i.test(accept)) return false;
  const wanted = mediaRanges(accept).filter((r) => r.q > 0);
  return wanted.length > 0 && wanted.every((r) => embeddedType.test(r.type));
}

/**
 * Why a request to a redeem route is not a scan, as the 400 `not_a_scan` detail says it, or null
 * when it may redeem: a known link previewer (by user agent), `Purpose` / `Sec-Purpose` /
 * `X-Purpose` (or Firefox's `X-Moz`) saying preview, prefetch or prerender, a sub-resource or
 * no-cors fetch (`Sec-Fetch-Dest` other than document or empty, `Sec-Fetch-Mode: no-cors`, an
 * Accept of images, fonts, styles or scripts only), or a `Range` request.
 */
export function whyNotAScan(headers: IncomingHttpHeaders): string | null {
  const previewer = findPreviewer(headers['user-agent']);
  if (previewer) return `A link preview (${previewer.name}) never redeems a ticket.`;
  const purpose = `${header(headers.purpose)} ${header(headers['sec-purpose'])} ${header(headers['x-purpose'])} ${header(headers['x-moz'])}`;
  if (speculative.test(purpose)) return 'A prefetch or a preview never redeems a ticket.';
  const dest = header(headers['sec-fetch-dest']).toLowerCase();
  const mode = header(headers['sec-fetch-mode']).toLowerCase();
  if ((dest !== '' && !deliberate.has(dest)) || mode === 'no-cors' || acceptsOnlyEmbedded(header(headers.accept))) {
    return 'An embedded fetch (an image, a frame, a script …) never redeems a ticket.';
  }
  if (headers.range !== undefined) return 'A range request never redeems a ticket.';
  return null;
}

/**
 * True when the client would rather have a page than JSON: a browser navigating (`Sec-Fetch-Mode:
 * navigate`, `Sec-Fetch-Dest: document`), or an Accept that names text/html (or XHTML) without
 * JSON, or ahead of it. Wildcards name neither: curl's Accept (any type), or none at all, is an API client.
 */
export function prefersHtml(headers: IncomingHttpHeaders): boolean {
  if (header(headers['sec-fetch-mode']).toLowerCase() === 'navigate') return true;
  if (header(headers['sec-fetch-dest']).toLowerCase() === 'document') return true;
  const accept = header(headers.accept);
  if (!/html/i.test(accept)) return false;
  let html: { q: number; at: number } | null = null;
  let json: { q: number; at: number } | null = null;
  for (const [at, { type, q }] of mediaRanges(accept).entries()) {
    if (type === 'text/html' || type === 'application/xhtml+xml') {
      if (!html || q > html.q) html = { q, at };
    } else if (type === 'application/json' || type.endsWith('+json')) {
      if (!json || q > json.q) json = { q, at };
    }
  }
  if (!html || html.q <= 0) return false;
  if (!json || json.q <= 0) return true;
  return html.q > json.q || (html.q === json.q && html.at < json.at);
}
