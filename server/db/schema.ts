import type { Generated } from 'kysely';

/** Kysely table types. Timestamps are ISO 8601 UTC strings; dates are YYYY-MM-DD. */
export interface UsersTable {
  id: string;
  username: string;
  username_key: string;
  password_hash: string;
  created_at: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface EventsTable {
  /** Internal key that tickets reference: 4-8 bytes per ticket instead of a 36-byte UUID. */
  seq: Generated<number>;
  id: string;
  owner_id: string;
  name: string;
  name_key: string;
  date: string;
  initial_tickets: number;
  additional_tickets: number;
  created_at: string;
  /** The event's verifier key for offline doors, 32 random bytes as hex; made on first use (migration 012). */
  verifier_key?: string | null;
}

export interface EventCountersTable {
  event_seq: number;
  slot: number;
  redeemed: number;
  /** Void tickets of the event (migration 011): bumped on slot 0 by the organiser's voids. */
  voided: Generated<number>;
}

export interface TicketBatchesTable {
  seq: Generated<number>;
  id: string;
  event_seq: number;
  count: number;
  created_at: string;
  /**
   * Null once the batch is visible. While it is pending (its tickets still being written, seen by
   * nobody), when its writer last wrote a chunk: see server/db/pending-batches.ts.
   */
  heartbeat_at: string | null;
  /** The account that created the batch, for the hourly quota; null for batches older than migration 006. */
  created_by: string | null;
}

export interface TicketsTable {
  seq: Generated<number>;
  id: string;
  event_seq: number;
  batch_seq: number;
  redeemed_at: string | null;
  redeem_key: string | null;
  /** Refused scans since the first redemption; bumped atomically, so exact under concurrency. */
  duplicate_scans: Generated<number>;
  /** The door link whose scan redeemed the ticket; null when redeemed through a public endpoint. */
  redeemed_door_seq: number | null;
  /** The organiser's label (a holder's name, a seat), NFC, ≤ 200 characters; migration 010. */
  label: Generated<string | null>;
  /** The label folded for search (see server/domain/tickets/labels.ts); null without a label. */
  label_key: Generated<string | null>;
  /** When the organiser voided the ticket (migration 011); null unless void. A void ticket is never redeemed. */
  voided_at: Generated<string | null>;
  /** The organiser's reason for the void, if given. */
  void_reason: Generated<string | null>;
}

/** Events being deleted: marked (and handed to a placeholder owner) at once, their rows removed in the background. */
export interface EventDeletionsTable {
  event_seq: number;
  event_id: string;
  /** The owner who deleted it (the event row's owner is the placeholder meanwhile). */
  owner_id: string;
  requested_at: string;
  /** The time the process removing its rows last finished a chunk; null while no process is at it. */
  heartbeat_at: string | null;
}

export interface RedemptionAttemptsTable {
  id: Generated<number>;
  ticket_id: string;
  event_id: string | null;
  /** `unknown` only in rows logged before migration 007: unknown codes are counted in unknown_code_scans since. */
  outcome: 'redeemed' | 'duplicate' | 'replayed' | 'unknown';
  attempted_at: string;
}

/** Scans of unknown codes at the public endpoints: counted per minute and client address, not logged one by one. */
export interface UnknownCodeScansTable {
  /** The minute, as the ISO timestamp of its start (`2026-11-27T20:15:00.000Z`). */
  minute: string;
  client_address: string;
  scans: number;
}

export interface DoorLinksTable {
  seq: Generated<number>;
  id: string;
  event_seq: number;
  label: string;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface DoorSessionsTable {
  seq: Generated<number>;
  token_hash: string;
  link_seq: number;
  device: string | null;
  created_at: string;
  expires_at: string;
}

/** Outcomes a door scan is logged with: the scan's own, or `undone` for the undo of an admission. */
export type ScanLogOutcome =
  | 'admitted'
  | 'already_redeemed'
  | 'not_found'
  | 'wrong_event'
  | 'unreadable'
  | 'void'
  | 'undone'
  | 'voided'
  | 'unvoided'
  | 'offline_double_entry';

export interface ScansTable {
  seq: Generated<number>;
  id: string;
  event_seq: number;
  door_link_seq: number | null;
  session_seq: number | null;
  device: string | null;
  ticket_id: string | null;
  outcome: ScanLogOutcome;
  at: string;
  redeemed_at: string | null;
  duplicate_scans: number | null;
  first_door: string | null;
  /** Why an organiser undid an admission (migration 009) or voided a ticket (011); null otherwise. */
  reason: Generated<string | null>;
  /** The device's clock when it decided the scan offline (migration 012); null for online scans. */
  device_at: Generated<string | null>;
}

/** Admitted and refused scans of an event per minute (minutes since 1970): the arrivals rollup (migration 009). */
export interface ScanMinutesTable {
  event_seq: number;
  minute: number;
  admitted: number;
  refused: number;
}

/** Per event, the last scans.seq folded into scan_minutes. */
export interface ScanRollupsTable {
  event_seq: number;
  folded_seq: number;
}

/** Redeemed tickets per batch, spread over slots like event_counters (migration 009). */
export interface BatchCountersTable {
  batch_seq: number;
  slot: number;
  redeemed: number;
  /** Void tickets of the batch (migration 011). */
  voided: Generated<number>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  events: EventsTable;
  event_counters: EventCountersTable;
  ticket_batches: TicketBatchesTable;
  tickets: TicketsTable;
  redemption_attempts: RedemptionAttemptsTable;
  unknown_code_scans: UnknownCodeScansTable;
  door_links: DoorLinksTable;
  door_sessions: DoorSessionsTable;
  scans: ScansTable;
  scan_minutes: ScanMinutesTable;
  scan_rollups: ScanRollupsTable;
  batch_counters: BatchCountersTable;
  event_deletions: EventDeletionsTable;
}
