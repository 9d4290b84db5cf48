import { describe, expect, it } from 'vitest';
import { useApp } from './helper.js';

// Behind a TLS-terminating proxy (TRUST_PROXY=true), the session cookie must be Secure.
const ctx = useApp({ trustProxy: true });

function register(username: string, headers: Record<string, string>) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    headers,
    payload: { username, password: 'correct horse battery' },
  });
}

describe('the session cookie', () => {
  it('is Secure when the request came over HTTPS', async () => {
    const res = await register('secureuser', { 'x-forwarded-proto': 'https' });
    expect(res.statusCode).toBe(201);
    expect(String(res.headers['set-cookie'])).toMatch(/^admit_session=[^;]+;.*;\s*Secure/i);
  });

  it('is not Secure over plain HTTP, so local development keeps working', async () => {
    const res = await register('plainuser', {});
    expect(res.statusCode).toBe(201);
    expect(String(res.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
  });
});
