import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../../shared/error-codes.js';
import { Credentials, MeResponse, SessionResponse } from '../../../shared/schemas.js';
import { loginUser } from '../../domain/users/login-user.js';
import { withHashingSlot } from '../../domain/users/passwords.js';
import { registerUser } from '../../domain/users/register-user.js';
import { createSession, revokeSession } from '../../domain/users/sessions.js';
import { AppError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import { problems } from '../responses.js';

const tags = ['auth'];

/** Register, login, logout, me. */
const authRoutes: FastifyPluginAsyncTypebox<{ registrationEnabled: boolean; ttlSeconds: number }> = async (
  app,
  opts,
) => {
  app.post(
    '/register',
    {
      schema: {
        summary: 'Create an account and sign in',
        tags,
        security: [],
        body: Credentials,
        response: { 201: SessionResponse, ...problems(400, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      if (!opts.registrationEnabled) {
        throw new AppError(ErrorCode.registrationDisabled, 403, 'Registration is switched off on this server.');
      }
      // Checked and counted while holding a hashing slot, like a login: accounts registered all at
      // once cannot all pass the check. Only accounts created count, not a taken name or a typo.
      const user = await withHashingSlot(async (slot) => {
        await app.throttles.checkRegistration(request, reply);
        const created = await registerUser(app.store.db, request.body, slot);
        await app.throttles.countRegistration(request);
        return created;
      });
      const session = await createSession(app.store.db, user.id, opts.ttlSeconds);
      app.setSessionCookie(reply, request, session);
      return reply.code(201).send({ ...session, user });
    },
  );

  app.post(
    '/login',
    {
      schema: {
        summary: 'Sign in with username and password',
        tags,
        security: [],
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionResponse, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      // The throttle is checked and charged while this attempt holds a password-hashing slot, so
      // guesses sent all at once cannot all pass the check before the first failure is counted.
      const user = await withHashingSlot(async (slot) => {
        await app.throttles.checkLogin(request, reply);
        try {
          return await loginUser(app.store.db, request.body, slot);
        } catch (err) {
          if (err instanceof AppError && err.code === ErrorCode.invalidCredentials) {
            request.log.info(
              { event: 'login_failed', ip: request.ip, username: request.body.username },
              'login failed',
            );
            await app.throttles.countFailedLogin(request, reply);
          }
          throw err;
        }
      });
      const session = await createSession(app.store.db, user.id, opts.ttlSeconds);
      app.setSessionCookie(reply, request, session);
      return { ...session, user };
    },
  );

  app.post(
    '/logout',
    {
      schema: { summary: 'Revoke the current session', tags, response: { 204: Type.Null(), ...problems(401, 403) } },
      onRequest: app.requireSession,
    },
    async (request, reply) => {
      await revokeSession(app.store.db, sessionOf(request).tokenHash);
      app.clearSessionCookie(reply, request);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        summary: 'The signed-in user and session expiry',
        tags,
        response: { 200: MeResponse, ...problems(401) },
      },
      onRequest: app.requireSession,
    },
    async (request) => {
      const { user, expiresAt } = sessionOf(request);
      return { user, expiresAt };
    },
  );
};

export default authRoutes;
