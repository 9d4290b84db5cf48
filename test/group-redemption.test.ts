import { describe, expect, it } from 'vitest';
import { testStore } from './databases.js';
import { createEvent, createUser, doorScan, openDoor, ticketIds, useApp } from './helper.js';

const ctx = useApp();

async function scansOf(eventId: string) {
  const event = await ctx.app.store.db
    .selectFrom('events')
    .select('seq')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  const rows = await ctx.app.store.db
    .selectFrom('scans')
    .select(['outcome', 'door_link_seq'])
    .where('event_seq', '=', event.seq)
    .execute();
  const count = (outcome: string, atDoor: boolean) =>
    rows.filter((r) => r.outcome === outcome && (r.door_link_seq !== null) === atDoor).length;
  return {
    doorAdmitted: count('admitted', true),
    doorRefused: count('already_redeemed', true),
    publicAdmitted: count('admitted', false),
    publicRefused: count('already_redeemed', false),
  };
}

// The scans that arrive together are decided together (one statement on PostgreSQL, one
// synchronous transaction on SQLite): each must still get its own answer, counted and logged.
describe(`scans decided together (${testStore})`, () => {
  it('a burst of door and public scans, each ticket scanned twice: one admission each, the rest refused, counters and log agree', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 80 });
    const ids = await ticketIds(ctx.app, owner.headers, event.id);
    const door = await openDoor(ctx.app, owner.headers, event.id);
    const atDoor = ids.slice(0, 40);
    const publicly = ids.slice(40);

    const answers = await Promise.all([
      ...[...atDoor, ...atDoor].map((id) => doorScan(ctx.app, door.headers, id)),
      ...[...publicly, ...publicly].map((id) => ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })),
    ]);
    const door200 = answers.slice(0, 80).map((r) => r.json().outcome as string);
    const publicCodes = answers.slice(80).map((r) => r.statusCode);

    // Each ticket's two scans: one admits, the other is refused. (Which one comes first is up to
    // the requests' own awaits before they reach the redeemer, e.g. the door session's lookup.)
    const pairs = <T>(answers: T[]) => answers.slice(0, 40).map((a, i) => [a, answers[i + 40]].sort().join(' '));
    expect(pairs(door200)).toEqual(atDoor.map(() => 'admitted already_redeemed'));
    expect(pairs(publicCodes)).toEqual(publicly.map(() => '200 410'));
    const refused = answers.slice(0, 80).filter((r) => r.json().outcome === 'already_redeemed');
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(r.json()).toMatchObject({ redeemedAtDoor: door.label, duplicateScans: 1 });

    const status = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/status`,
      headers: owner.headers,
    });
    expect(status.json()).toEqual({ totalTickets: 80, redeemedTickets: 80 });
    expect(await scansOf(event.id)).toEqual({
      doorAdmitted: 40,
      doorRefused: 40,
      publicAdmitted: 40,
      publicRefused: 40,
    });
  });

  it('a burst mixing codes no ticket has, another event’s tickets and fresh ones: each its own outcome', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 20 });
    const other = await createEvent(ctx.app, owner.headers, { initialTickets: 20 });
    const ids = await ticketIds(ctx.app, owner.headers, event.id);
    const otherIds = await ticketIds(ctx.app, owner.headers, other.id);
    const door = await openDoor(ctx.app, owner.headers, event.id);
    const unknown = ids.map((id) => `${id.slice(0, 24)}000000000000`).filter((id) => !ids.includes(id));

    const answers = await Promise.all([
      ...ids.map((id) => doorScan(ctx.app, door.headers, id)),
      ...otherIds.map((id) => doorScan(ctx.app, door.headers, id)),
      ...unknown.map((id) => doorScan(ctx.app, door.headers, id)),
    ]);
    const outcomes = answers.map((r) => r.json().outcome as string);
    expect(outcomes.slice(0, 20)).toEqual(ids.map(() => 'admitted'));
    expect(outcomes.slice(20, 40)).toEqual(otherIds.map(() => 'wrong_event'));
    expect(outcomes.slice(40)).toEqual(unknown.map(() => 'not_found'));
    const status = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${other.id}/status`,
      headers: owner.headers,
    });
    expect(status.json()).toEqual({ totalTickets: 20, redeemedTickets: 0 });
  });
});
