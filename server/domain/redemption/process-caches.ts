import type { Ticket } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { PUBLIC_DOOR } from './redeemer.js';

/** The public event id and creation time behind a ticket's (event, batch) keys. */
export interface TicketContext {
  eventId: string;
  createdAt: string;
}

/**
 * Contexts by (event, batch), as a redeemer keeps them: both never change once written, so a
 * redemption needs no join. Bounded: cleared when full.
 */
export class TicketContexts {
  private readonly entries = new Map<string, TicketContext>();

  constructor(private readonly max = 10_000) {}

  /** The context of a ticket's keys, read once through `db` (the transaction at hand). */
  async get(db: Db, eventSeq: number, batchSeq: number): Promise<TicketContext> {
    const key = `${eventSeq}:${batchSeq}`;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const row = await db
      .selectFrom('ticket_batches')
      .innerJoin('events', 'events.seq', 'ticket_batches.event_seq')
      .select(['events.id as event_id', 'ticket_batches.created_at'])
      .where('ticket_batches.seq', '=', batchSeq)
      .where('events.seq', '=', eventSeq)
      .executeTakeFirstOrThrow();
    const context = { eventId: row.event_id, createdAt: row.created_at };
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, context);
    return context;
  }
}

/**
 * Ticket ids a redeemer saw redeemed. A re-scan of one skips the winning update and goes
 * straight to the duplicate update, so a duplicate storm costs no more statements than first
 * scans. Only a hint, never the decision: when the duplicate update finds the ticket not
 * redeemed after all (its redemption was rolled back), the id is forgotten and the scan is
 * decided as a first scan. Bounded: cleared when full.
 */
export class KnownRedeemed {
  private readonly ids = new Set<string>();

  constructor(private readonly max = 100_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.size >= this.max) this.ids.clear();
    this.ids.add(id);
  }

  /** Forgets an id; true if it was known. */
  delete(id: string): boolean {
    return this.ids.delete(id);
  }
}

/** The API view of a redeemed ticket from its context. */
export function redeemedTicket(id: string, context: TicketContext, redeemedAt: string): Ticket {
  return { id, eventId: context.eventId, status: 'redeemed', createdAt: context.createdAt, redeemedAt };
}

/** The API view of a void ticket from its context (a void ticket is never redeemed). */
export function voidTicketView(id: string, context: TicketContext): Ticket {
  return { id, eventId: context.eventId, status: 'void', createdAt: context.createdAt, redeemedAt: null };
}

/** Door link labels by seq, as a refused scan names the door of the first admission: a label never changes. */
export class DoorLabels {
  private readonly entries = new Map<number, string>();

  constructor(private readonly max = 10_000) {}

  /** The label of a door link; `PUBLIC_DOOR` when the ticket was redeemed through a public endpoint (null). */
  async get(db: Db, linkSeq: number | null): Promise<string> {
    if (linkSeq === null) return PUBLIC_DOOR;
    const hit = this.entries.get(linkSeq);
    if (hit !== undefined) return hit;
    const row = await db.selectFrom('door_links').select('label').where('seq', '=', linkSeq).executeTakeFirst();
    const label = row?.label ?? PUBLIC_DOOR;
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(linkSeq, label);
    return label;
  }
}
