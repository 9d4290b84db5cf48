import type { Transaction } from 'kysely';
import type { Database, ScanLogOutcome } from '../../db/schema.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import { countBatchStatement } from './batch-counters.js';
import {
  type DoorLabels,
  type KnownRedeemed,
  redeemedTicket,
  type TicketContexts,
  voidTicketView,
} from './process-caches.js';
import { type DoorScanDecision, type DoorScanInput, PUBLIC_DOOR } from './redeemer.js';

/** What deciding an offline upload needs of its redeemer: the caches a win or refusal keeps up to date. */
export interface OfflineScanCaches {
  known: KnownRedeemed;
  contexts: TicketContexts;
  labels: DoorLabels;
}

type OfflineInput = DoorScanInput & { offline: NonNullable<DoorScanInput['offline']> };

/**
 * Decides an offline scan being uploaded, in the caller's transaction (SQLite: the group's;
 * PostgreSQL: one of its own), through Kysely: uploads are rare, so this is the plain per-scan
 * path, for both stores. Its log row has the device's time as `at` and `device_at`.
 *
 * - The device admitted it and the ticket is ok: admitted like an online scan (the conditional
 *   update decides, counted, logged), redeemed at the device's time.
 * - The device admitted it but it was redeemed meanwhile (any door, any device, a public link):
 *   `offline_double_entry`. The first admission stands: the ticket and the counters are unchanged;
 *   the row names that admission's time and door.
 * - The device admitted it and it is void: `void` (the organiser's reason kept).
 * - The device refused it: logged as the device decided, never admitted; `already_redeemed` of a
 *   redeemed ticket counts one more refused scan, like an online one.
 */
export async function decideOfflineScan(
  trx: Transaction<Database>,
  input: OfflineInput,
  caches: OfflineScanCaches,
): Promise<DoorScanDecision> {
  const { scanId, ticketId: id, door, offline } = input;
  const at = offline.at;
  const scan = { id: scanId, at };
  const log = (
    outcome: ScanLogOutcome,
    extra: { redeemed_at?: string; duplicate_scans?: number; first_door?: string; reason?: string | null } = {},
  ) =>
    trx
      .insertInto('scans')
      .values({
        id: scanId,
        event_seq: door.eventSeq,
        door_link_seq: door.linkSeq,
        session_seq: door.sessionSeq,
        device: door.device,
        ticket_id: id,
        outcome,
        at,
        redeemed_at: null,
        duplicate_scans: null,
        first_door: null,
        device_at: at,
        ...extra,
      })
      .execute();

  if (id === null) {
    const outcome = input.noTicket ?? 'unreadable';
    await log(outcome);
    return { outcome, scan };
  }
  if (offline.decided !== 'admitted') return refusedOffline(trx, input, caches, log);

  // Up to two rounds: a ticket found ok after a lost win changed in between (an undo racing it).
  for (let round = 0; round < 2; round++) {
    const won = await trx
      .updateTable('tickets')
      .set({ redeemed_at: at, redeem_key: null, redeemed_door_seq: door.linkSeq })
      .where('id', '=', id)
      .where('redeemed_at', 'is', null)
      .where('event_seq', '=', door.eventSeq)
      .returning(['event_seq', 'batch_seq'])
      .executeTakeFirst();
    if (won) {
      // Locks in the redeemers' order: the ticket, then the event's counter, then the batch's.
      const slot = Math.floor(Math.random() * COUNTER_SLOTS);
      const batchSeq = Number(won.batch_seq);
      await trx
        .updateTable('event_counters')
        .set((eb) => ({ redeemed: eb('redeemed', '+', 1) }))
        .where('event_seq', '=', door.eventSeq)
        .where('slot', '=', slot)
        .execute();
      await trx.executeQuery(countBatchStatement(trx)({ batchSeq, slot }));
      await log('admitted', { redeemed_at: at });
      caches.known.add(id);
      const context = await caches.contexts.get(trx, door.eventSeq, batchSeq);
      return { outcome: 'admitted', scan, ticket: redeemedTicket(id, context, at) };
    }
    const row = await findTicketRow(trx, id);
    if (!row || Number(row.event_seq) !== door.eventSeq) {
      const outcome = row ? 'wrong_event' : 'not_found';
      await log(outcome);
      return { outcome, scan };
    }
    const context = await caches.contexts.get(trx, door.eventSeq, Number(row.batch_seq));
    if (row.redeemed_at !== null) {
      const firstDoor = row.first_door ?? PUBLIC_DOOR;
      await log('offline_double_entry', { redeemed_at: row.redeemed_at, first_door: firstDoor });
      caches.known.add(id);
      return {
        outcome: 'offline_double_entry',
        scan,
        ticket: redeemedTicket(id, context, row.redeemed_at),
        redeemedAt: row.redeemed_at,
        redeemedAtDoor: firstDoor,
      };
    }
    if (row.voided_at !== null) {
      await log('void', { reason: row.void_reason });
      return { outcome: 'void', scan, ticket: voidTicketView(id, context), voidReason: row.void_reason };
    }
  }
  throw new Error(`offline scan of ${id.slice(0, 8)} could not be decided`);
}

/** A scan the device refused offline: logged as it decided, never admitted. */
async function refusedOffline(
  trx: Transaction<Database>,
  input: OfflineInput,
  caches: OfflineScanCaches,
  log: (
    outcome: ScanLogOutcome,
    extra?: { redeemed_at?: string; duplicate_scans?: number; first_door?: string; reason?: string | null },
  ) => Promise<unknown>,
): Promise<DoorScanDecision> {
  const { ticketId: id, door, offline } = input;
  const scan = { id: input.scanId, at: offline.at };
  const decided = offline.decided as Exclude<typeof offline.decided, 'admitted'>;
  if (decided === 'already_redeemed' && id !== null) {
    const refused = await trx
      .updateTable('tickets')
      .set((eb) => ({ duplicate_scans: eb('duplicate_scans', '+', 1) }))
      .where('id', '=', id)
      .where('redeemed_at', 'is not', null)
      .where('event_seq', '=', door.eventSeq)
      .returning(['batch_seq', 'redeemed_at', 'duplicate_scans', 'redeemed_door_seq'])
      .executeTakeFirst();
    if (refused?.redeemed_at) {
      const firstDoor = await caches.labels.get(trx, refused.redeemed_door_seq);
      const duplicateScans = Number(refused.duplicate_scans);
      await log('already_redeemed', {
        redeemed_at: refused.redeemed_at,
        duplicate_scans: duplicateScans,
        first_door: firstDoor,
      });
      caches.known.add(id);
      const context = await caches.contexts.get(trx, door.eventSeq, Number(refused.batch_seq));
      return {
        outcome: 'already_redeemed',
        scan,
        ticket: redeemedTicket(id, context, refused.redeemed_at),
        redeemedAt: refused.redeemed_at,
        redeemedAtDoor: firstDoor,
        duplicateScans,
      };
    }
  }
  if (decided === 'void' && id !== null) {
    // The phone showed VOID from its copy: the log keeps the organiser's reason, as online.
    const row = await findTicketRow(trx, id);
    if (row?.voided_at && Number(row.event_seq) === door.eventSeq) {
      await log('void', { reason: row.void_reason });
      const context = await caches.contexts.get(trx, door.eventSeq, Number(row.batch_seq));
      return { outcome: 'void', scan, ticket: voidTicketView(id, context), voidReason: row.void_reason };
    }
  }
  await log(decided);
  return { outcome: decided, scan };
}

/** A ticket's event, state and first door, or undefined when no ticket has this id. */
function findTicketRow(trx: Transaction<Database>, id: string) {
  return trx
    .selectFrom('tickets')
    .leftJoin('door_links', 'door_links.seq', 'tickets.redeemed_door_seq')
    .select([
      'tickets.event_seq',
      'tickets.batch_seq',
      'tickets.redeemed_at',
      'tickets.voided_at',
      'tickets.void_reason',
      'door_links.label as first_door',
    ])
    .where('tickets.id', '=', id)
    .executeTakeFirst();
}
