import { describe, expect, it } from 'vitest';
import { registerUser } from '../server/domain/users/register-user.js';
import { dbSnapshot, expectProblem, useApp } from './helper.js';

const ctx = useApp({ registrationEnabled: false });

describe('registration switched off', () => {
  it('answers 403 registration_disabled and creates nothing', async () => {
    const before = await dbSnapshot(ctx.app);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'newcomer', password: 'correct horse battery' },
    });
    expectProblem(res, 403, 'registration_disabled');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('still lets existing users sign in', async () => {
    await registerUser(ctx.app.store.db, { username: 'existing', password: 'correct horse battery' });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'existing', password: 'correct horse battery' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.username).toBe('existing');
  });
});
