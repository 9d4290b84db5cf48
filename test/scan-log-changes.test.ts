import { afterEach, describe, expect, it } from 'vitest';
import { testStore } from './databases.js';
import { createEvent, createUser, doorScan, openDoor, ticketIds, unknownId, useApp } from './helper.js';

const ctx = useApp();

/** The event seqs EventChanges is told of, in order, from now on. */
let stop: (() => void) | undefined;
function listen(): number[] {
  const seen: number[] = [];
  stop = ctx.app.changes.subscribe((eventSeq) => seen.push(eventSeq));
  return seen;
}
afterEach(() => stop?.());

async function ownEvent(tickets: number) {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: tickets });
  const { seq } = await ctx.app.store.db
    .selectFrom('events')
    .select('seq')
    .where('id', '=', event.id)
    .executeTakeFirstOrThrow();
  return { owner, event, eventSeq: Number(seq), ids: await ticketIds(ctx.app, owner.headers, event.id) };
}

describe(`news of changes for the live streams (${testStore})`, () => {
  it('every committed scan tells its event, once per event per commit; unknown codes and retries tell nothing', async () => {
    const { owner, event, eventSeq, ids } = await ownEvent(40);
    const other = await ownEvent(1);
    const door = await openDoor(ctx.app, owner.headers, event.id);
    const seen = listen();
    await Promise.all([
      ...ids.map((id) => ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })),
      ...ids.slice(0, 10).map((id) => doorScan(ctx.app, door.headers, id)),
      ctx.app.inject({ method: 'GET', url: `/redeem/${other.ids[0]}` }),
    ]);
    expect(new Set(seen)).toEqual(new Set([eventSeq, other.eventSeq]));
    expect(seen.filter((s) => s === other.eventSeq)).toHaveLength(1);
    const ours = seen.filter((s) => s === eventSeq).length;
    // Once per event per commit: scans that share a commit (a group) share one piece of news.
    expect(ours).toBeGreaterThanOrEqual(1);
    expect(ours).toBeLessThanOrEqual(50);
    // SQLite decides scans that arrive together in one transaction.
    if (testStore === 'sqlite') expect(ours).toBeLessThan(50);

    seen.length = 0;
    await ctx.app.inject({ method: 'GET', url: `/redeem/${unknownId()}` });
    const scanId = crypto.randomUUID();
    await doorScan(ctx.app, door.headers, ids[20] as string, scanId);
    expect(seen).toEqual([eventSeq]);
    await doorScan(ctx.app, door.headers, ids[20] as string, scanId);
    expect(seen).toEqual([eventSeq]);
  });

  it('an organiser undo, a door undo and a new batch tell their event', async () => {
    const { owner, event, eventSeq, ids } = await ownEvent(2);
    const door = await openDoor(ctx.app, owner.headers, event.id);
    const admitted = (await doorScan(ctx.app, door.headers, ids[0] as string)).json();
    await ctx.app.inject({ method: 'GET', url: `/redeem/${ids[1]}` });
    const seen = listen();
    const doorUndo = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/door/scans/${admitted.scan.id}`,
      headers: door.headers,
    });
    expect(doorUndo.statusCode).toBe(200);
    expect(seen).toEqual([eventSeq]);
    const undo = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${ids[1]}/undo-redemption`,
      headers: owner.headers,
      payload: {},
    });
    expect(undo.statusCode).toBe(200);
    expect(seen).toEqual([eventSeq, eventSeq]);
    const added = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/tickets`,
      headers: owner.headers,
      payload: { count: 3 },
    });
    expect(added.statusCode).toBe(201);
    expect(seen).toEqual([eventSeq, eventSeq, eventSeq]);
    // A refused undo changes nothing and tells nothing.
    await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${ids[1]}/undo-redemption`,
      headers: owner.headers,
      payload: {},
    });
    expect(seen).toHaveLength(3);
  });
});
