import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full garbage collection, so samples measure what is retained rather than what is merely not yet collected. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => {};
}

/**
 * What this process retains after a full collection (heap and array buffers), less `backlog`:
 * light-my-request copies every written chunk into a fake socket that drains one write per
 * event-loop turn, and that backlog belongs to the test harness, not to the server.
 */
export function retainedMemory(backlog: () => number = () => 0): () => number {
  const gc = collector();
  return () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers - backlog();
  };
}

/** The bytes an injected response has written that the harness's fake socket has not drained yet. */
export function injectedBacklog(res: { raw: { res: { socket?: { writableLength: number } | null } } }): () => number {
  return () => res.raw.res.socket?.writableLength ?? 0;
}
