import { describe, expect, it } from 'vitest';
import { createRedeemer } from '../server/domain/redemption/create-redeemer.js';
import { createEvent, createUser, ticketIds, useApp } from './helper.js';

const ctx = useApp();

async function eventWithTickets(count: number) {
  const { headers } = await createUser(ctx.app);
  const event = await createEvent(ctx.app, headers, { initialTickets: count });
  return { headers, event, ids: await ticketIds(ctx.app, headers, event.id) };
}

async function counters(headers: Record<string, string>, eventId: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}`, headers });
  return res.json().event as { totalTickets: number; redeemedTickets: number };
}

describe('exactly once', () => {
  it('200 simultaneous redeems of one ticket through both routes: one 200 and 199 × 410', async () => {
    const { headers, event, ids } = await eventWithTickets(3);
    const id = ids[0] as string;
    const requests = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })
        : ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem` }),
    );
    const answers = await Promise.all(requests);

    const winners = answers.filter((r) => r.statusCode === 200);
    const refused = answers.filter((r) => r.statusCode === 410);
    expect(winners).toHaveLength(1);
    expect(refused).toHaveLength(199);
    const [winner] = winners;
    if (!winner) throw new Error('no redemption succeeded');
    const { redeemedAt } = (winner.json() as { ticket: { redeemedAt: string } }).ticket;
    const bodies = refused.map((r) => r.json() as { code: string; redeemedAt: string; duplicateScans: number });
    for (const body of bodies) {
      expect(body.code).toBe('ticket_already_redeemed');
      expect(body.redeemedAt).toBe(redeemedAt);
    }
    // Each refusal was counted once, in order: 1, 2, ..., 199.
    expect(bodies.map((b) => b.duplicateScans).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 199 }, (_, i) => i + 1),
    );

    expect(await counters(headers, event.id)).toMatchObject({ totalTickets: 3, redeemedTickets: 1 });
    const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    expect(status.json()).toEqual({ totalTickets: 3, redeemedTickets: 1 });
    const attempts = await ctx.app.store.db
      .selectFrom('scans')
      .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
      .where('ticket_id', '=', id)
      .groupBy('outcome')
      .orderBy('outcome')
      .execute();
    expect(attempts.map((a) => [a.outcome, Number(a.n)])).toEqual([
      ['admitted', 1],
      ['already_redeemed', 199],
    ]);

    const oneMore = await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` });
    expect(oneMore.statusCode).toBe(410);
    expect(oneMore.json()).toMatchObject({ redeemedAt, duplicateScans: 200 });
    expect((await counters(headers, event.id)).redeemedTickets).toBe(1);
  });

  it('many tickets scanned at once, each several times: every ticket is redeemed exactly once', async () => {
    const { headers, event, ids } = await eventWithTickets(20);
    const answers = await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 5 }, (_, i) =>
          ctx.app.inject({
            method: i % 2 ? 'POST' : 'GET',
            url: i % 2 ? `/api/tickets/${id}/redeem` : `/redeem/${id}`,
          }),
        ),
      ),
    );
    const okById = new Map<string, number>();
    for (const res of answers) {
      expect([200, 410]).toContain(res.statusCode);
      if (res.statusCode === 200) {
        const id = res.json().ticket.id as string;
        okById.set(id, (okById.get(id) ?? 0) + 1);
      }
    }
    expect([...okById.keys()].sort()).toEqual([...ids].sort());
    expect([...okById.values()].every((n) => n === 1)).toBe(true);
    expect(await counters(headers, event.id)).toMatchObject({ totalTickets: 20, redeemedTickets: 20 });
  });

  it('two redeemers on one database (as two processes have) decide by the database: one redeemed', async () => {
    const { headers, event, ids } = await eventWithTickets(1);
    const id = ids[0] as string;
    const redeemers = [createRedeemer(ctx.app.store), createRedeemer(ctx.app.store)];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => redeemers[i % 2]?.redeem({ ticketId: id.toUpperCase() })),
    );
    expect(results.filter((r) => r?.outcome === 'redeemed')).toHaveLength(1);
    expect(results.filter((r) => r?.outcome === 'duplicate')).toHaveLength(49);
    expect((await counters(headers, event.id)).redeemedTickets).toBe(1);
  });
});
