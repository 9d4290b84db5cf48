import type { FastifyReply } from 'fastify';
import type { PublicTicket } from '../../../shared/schemas.js';
import type { RedeemResult } from '../../domain/redemption/redeemer.js';

// The two small pages a browser gets from /redeem/:ticketId, served under the server's CSP: no
// script at all, a plain form posting back to this server, styles inline (allowed by style-src).

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);

/** `2026-11-27 20:15:03 UTC` in a <time> element, for people reading the page. */
const time = (iso: string) =>
  `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.slice(0, 19).replace('T', ' '))} UTC</time>`;

const style = `
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1b1e;background:#f8f9fa}
main{max-width:32rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:1.6rem;line-height:1.2;margin:0 0 1rem}
.verdict{font-size:2.4rem;letter-spacing:.04em;padding:1rem;border-radius:.75rem;color:#fff;text-align:center}
.admitted{background:#2b8a3e}.used{background:#c92a2a}.void{background:#a51d1d}.unknown{background:#495057}
.warning{border-left:4px solid #e67700;background:#fff4e6;padding:.75rem 1rem;border-radius:.25rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:1.25rem 0}dt{color:#495057}dd{margin:0;overflow-wrap:anywhere}
button{font:inherit;font-weight:600;font-size:1.1rem;width:100%;padding:.9rem 1rem;border:0;border-radius:.5rem;background:#1c7ed6;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #1a1b1e;outline-offset:2px}
.id{font-family:ui-monospace,monospace;font-size:.85rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} · Admit</title>
<style>${style}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

const eventRows = (event: { name: string; date: string }) =>
  `<dt>Event</dt><dd>${escapeHtml(event.name)}</dd><dt>Date</dt><dd>${escapeHtml(event.date)}</dd>`;

/** A page answer: HTML, its status, never cached (the route's onRequest hook sets no-store). */
function sendHtml(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/**
 * The page of `GET /redeem/:ticketId` for a browser or a mail link scanner: what the link does,
 * the ticket's event and status, and for a ticket still ok the button that redeems it (a form
 * POST to the same path). 200 for a ticket, 410 for a void one (no button), 404 for a code no ticket has.
 */
export function sendRedeemLinkPage(
  reply: FastifyReply,
  found: { ticket: PublicTicket; duplicateScans: number } | null,
) {
  const warning = `<p class="warning"><strong>This link uses up the ticket at the door.</strong> Pressing the button
admits one person, once: afterwards the ticket is refused everywhere. Don’t share this link.</p>`;
  if (!found) {
    return sendHtml(
      reply,
      404,
      layout('Not found', `<h1>No ticket has this code</h1>\n${warning}\n<p>Check the link you were given.</p>`),
    );
  }
  const { ticket } = found;
  const id = escapeHtml(ticket.id);
  if (ticket.status === 'void') {
    const rows = `<dl>${eventRows(ticket.event)}<dt>Status</dt><dd><strong>Void</strong></dd><dt>Ticket</dt><dd class="id">${id}</dd></dl>`;
    const body = `<h1 class="verdict void">VOID</h1>\n${rows}\n<p>The organiser cancelled this ticket: it admits no one.</p>`;
    return sendHtml(reply, 410, layout('Void ticket', body));
  }
  const status =
    ticket.redeemedAt === null ? 'Not used yet' : `<strong>Already used</strong> on ${time(ticket.redeemedAt)}`;
  const rows = `<dl>${eventRows(ticket.event)}<dt>Status</dt><dd>${status}</dd><dt>Ticket</dt><dd class="id">${id}</dd></dl>`;
  const action =
    ticket.redeemedAt === null
      ? `<form method="post" action="/redeem/${id}"><button type="submit">Use this ticket now</button></form>
<p>Press it only at the door, when the ticket is checked.</p>`
      : '<p>This ticket cannot be used again.</p>';
  return sendHtml(reply, 200, layout('Use this ticket?', `<h1>Use this ticket?</h1>\n${warning}\n${rows}\n${action}`));
}

/**
 * The answer to the page's button, for a browser: ADMITTED (200), ALREADY USED with when (410),
 * VOID (410) or NOT FOUND (404), as the JSON answer of the same scan would have it. `event` is the ticket's.
 */
export function sendRedeemResultPage(
  reply: FastifyReply,
  result: RedeemResult,
  event: { name: string; date: string } | null,
) {
  const rows = event ? `<dl>${eventRows(event)}</dl>` : '';
  switch (result.outcome) {
    case 'redeemed':
    case 'replayed':
      return sendHtml(
        reply,
        200,
        layout(
          'Admitted',
          `<h1 class="verdict admitted">ADMITTED</h1>\n<p>Admit one. Used on ${time(result.ticket.redeemedAt ?? '')}.</p>\n${rows}`,
        ),
      );
    case 'duplicate':
      return sendHtml(
        reply,
        410,
        layout(
          'Already used',
          `<h1 class="verdict used">ALREADY USED</h1>
<p>First used on ${time(result.ticket.redeemedAt ?? '')}. Refused scans since: ${result.duplicateScans}.</p>\n${rows}`,
        ),
      );
    case 'void':
      return sendHtml(
        reply,
        410,
        layout(
          'Void ticket',
          `<h1 class="verdict void">VOID</h1>\n<p>The organiser cancelled this ticket: it admits no one.</p>\n${rows}`,
        ),
      );
    case 'unknown':
      return sendHtml(
        reply,
        404,
        layout('Not found', '<h1 class="verdict unknown">NOT FOUND</h1>\n<p>No ticket has this code.</p>'),
      );
  }
}
