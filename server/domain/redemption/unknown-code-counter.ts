/** One pending bump of a (minute, address) row: the scans it adds and whom to answer once written. */
interface Row {
  scans: number;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Counts scans of unknown codes on their (minute, address) row with at most one write in flight
 * per row and process: scans that arrive while it runs are added together by the next write, and
 * each scan resolves once a write holding it has committed (group commit, for one counter row).
 * Without it a flood from one address queues one upsert per scan on that row's lock, each
 * holding a pool connection that real scans are waiting for.
 */
export class UnknownCodeCounter {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly write: (minute: string, client: string, scans: number) => Promise<unknown>) {}

  /** Adds one scan to the row; resolves when it is written. */
  count(minute: string, client: string): Promise<void> {
    const key = `${minute} ${client}`;
    return new Promise((resolve, reject) => {
      const row = this.rows.get(key);
      if (row) {
        row.scans += 1;
        row.waiters.push({ resolve, reject });
        return;
      }
      const first: Row = { scans: 1, waiters: [{ resolve, reject }] };
      this.rows.set(key, first);
      void this.drain(key, first, minute, client);
    });
  }

  private async drain(key: string, first: Row, minute: string, client: string): Promise<void> {
    let row: Row | undefined = first;
    while (row) {
      // Scans arriving from now on wait for the next write.
      const next: Row = { scans: 0, waiters: [] };
      this.rows.set(key, next);
      try {
        await this.write(minute, client, row.scans);
        for (const waiter of row.waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of row.waiters) waiter.reject(error);
      }
      row = next.scans > 0 ? next : undefined;
    }
    this.rows.delete(key);
  }
}
