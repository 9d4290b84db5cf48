/** The ticket row a winning scan returns: its event and batch, for the counter and the answer. */
export interface WonRow {
  event_seq: number;
  batch_seq: number;
}

/** The ticket row a refused scan returns: when it was redeemed, and the refusals since. */
export interface RefusedRow extends WonRow {
  redeemed_at: string;
  duplicate_scans: number;
}
