/**
 * In-process news that an event changed: a commit touched its counters, its scan log or its
 * tickets. Whoever commits such a change calls `touched(eventSeq)` after the commit (the redeemers
 * once per event per group commit; undo, new batches…); the live streams subscribe and tell
 * their clients, and other processes (see the live plugin). Cheap and synchronous: listeners
 * only note the event and do their work later.
 */
export class EventChanges {
  readonly #listeners = new Set<(eventSeq: number) => void>();

  /** After a commit that changed the event `eventSeq`. */
  touched(eventSeq: number): void {
    for (const listener of this.#listeners) listener(eventSeq);
  }

  /** Calls `listener` on every change from now on; returns the function that stops it. */
  subscribe(listener: (eventSeq: number) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
