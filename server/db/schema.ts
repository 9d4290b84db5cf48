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
}

export interface EventCountersTable {
  event_seq: number;
  slot: number;
  redeemed: number;
}

export interface TicketBatchesTable {
  seq: Generated<number>;
  id: string;
  event_seq: number;
  count: number;
  created_at: string;
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
}

export interface RedemptionAttemptsTable {
  id: Generated<number>;
  ticket_id: string;
  event_id: string | null;
  outcome: 'redeemed' | 'duplicate' | 'replayed' | 'unknown';
  attempted_at: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  events: EventsTable;
  event_counters: EventCountersTable;
  ticket_batches: TicketBatchesTable;
  tickets: TicketsTable;
  redemption_attempts: RedemptionAttemptsTable;
}
