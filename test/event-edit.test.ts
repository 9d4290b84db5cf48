import { describe, expect, it } from 'vitest';
import { createEvent, createUser, dbSnapshot, expectFieldError, expectProblem, unknownId, useApp } from './helper.js';

const ctx = useApp();

const patch = (eventId: string, headers: Record<string, string>, payload: unknown) =>
  ctx.app.inject({ method: 'PATCH', url: `/api/events/${eventId}`, headers, payload: payload as object });

describe('PATCH /api/events/:eventId', () => {
  it('renames and re-dates an event with the rules of creation, and the search finds the new name', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Summer gala', initialTickets: 3 });
    const res = await patch(event.id.toUpperCase(), headers, { name: '  Winter  Ball \u0301 ', date: '2027-01-15' });
    expect(res.statusCode, res.body).toBe(200);
    const { event: updated } = res.json() as { event: Record<string, unknown> };
    expect(updated).toMatchObject({ id: event.id, name: 'Winter  Ball \u0301'.normalize('NFC'), date: '2027-01-15' });
    expect(updated).toMatchObject({ totalTickets: 3, redeemedTickets: 0, initialTickets: 3 });

    const got = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}`, headers });
    expect(got.json().event).toEqual(updated);
    for (const q of ['winter', 'BALL', 'ter  b']) {
      const found = await ctx.app.inject({ method: 'GET', url: `/api/events?q=${encodeURIComponent(q)}`, headers });
      expect(
        found.json().items.map((e: { id: string }) => e.id),
        q,
      ).toEqual([event.id]);
    }
    const old = await ctx.app.inject({ method: 'GET', url: '/api/events?q=summer', headers });
    expect(old.json().total).toBe(0);
  });

  it('changes only the field it is given', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Quiz night', date: '2026-10-01' });
    const dated = await patch(event.id, headers, { date: '2026-10-08' });
    expect(dated.json().event).toMatchObject({ name: 'Quiz night', date: '2026-10-08' });
    const named = await patch(event.id, headers, { name: 'Pub quiz' });
    expect(named.json().event).toMatchObject({ name: 'Pub quiz', date: '2026-10-08' });
  });

  it.each([
    ['an empty body', {}, 'body'],
    ['an unknown field', { name: 'X', venue: 'Hall' }, 'venue'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name too long', { name: 'x'.repeat(201) }, 'name'],
    ['a name with a control character', { name: 'a\u0007b' }, 'name'],
    ['a date that does not exist', { date: '2026-02-30' }, 'date'],
    ['a date in another format', { date: '30/01/2026' }, 'date'],
    ['a name of the wrong type', { name: 42 }, 'name'],
  ])('refuses %s with a 400 naming the field, changing nothing', async (_what, payload, field) => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers);
    const before = await dbSnapshot(ctx.app);
    const res = await patch(event.id, headers, payload);
    const body = expectProblem(res, 400, 'validation_failed');
    expect(JSON.stringify(body.errors ?? []) + body.detail).toContain(field);
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it("is a 404 for another user's event and for an unknown one, changing nothing", async () => {
    const owner = await createUser(ctx.app);
    const other = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { name: 'Mine' });
    const before = await dbSnapshot(ctx.app);
    expectProblem(await patch(event.id, other.headers, { name: 'Theirs' }), 404, 'event_not_found');
    expectProblem(await patch(unknownId(), owner.headers, { name: 'Theirs' }), 404, 'event_not_found');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('names the malformed id', async () => {
    const { headers } = await createUser(ctx.app);
    expectFieldError(await patch('not-a-uuid', headers, { name: 'X' }), 'eventId');
  });
});
