// A user's sessions: end this one, end all, list them, end one by id.
import type { TokenService } from '@tessera/tokens'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { origin, type Guards } from '../plugins/auth.js'
import {
  endSessionSchema,
  logoutAllSchema,
  logoutSchema,
  sessionsSchema,
  type RefreshBody,
} from '../schemas/auth.js'
import { sessionView } from '../views.js'

/** Collaborators of {@link sessionRoutes}. */
export interface SessionRoutesOptions {
  tokens: TokenService
  guards: Guards
}

/** POST /auth/logout, POST /auth/logout-all, GET /auth/sessions, DELETE /auth/sessions/:id. */
export const sessionRoutes: FastifyPluginAsync<SessionRoutesOptions> = async (app, options) => {
  const { tokens, guards } = options
  const caller = (request: FastifyRequest) => {
    const claims = request.principal!.claims!
    const context = { tenantId: request.tenant.id, actor: claims.sub, ...origin(request) }
    return { claims, context }
  }

  // By the access token (its session), or by a refresh token in the body (its session), so that a
  // client whose access token has expired can still log out.
  app.post<{ Body: Partial<RefreshBody> | undefined }>(
    '/auth/logout',
    { schema: logoutSchema },
    async (request) => {
      const refreshToken = request.body?.refresh_token
      if (refreshToken !== undefined) {
        const context = { tenantId: request.tenant.id, ...origin(request) }
        return { sessions_ended: (await tokens.revoke(refreshToken, context)) ? 1 : 0 }
      }
      await guards.user(request)
      const { claims, context } = caller(request)
      return { sessions_ended: (await tokens.logout(claims.sid, context)) ? 1 : 0 }
    },
  )

  app.post(
    '/auth/logout-all',
    { schema: logoutAllSchema, preHandler: guards.user },
    async (request) => {
      const { claims, context } = caller(request)
      return { sessions_ended: await tokens.logoutAll(claims.sub, context) }
    },
  )

  app.get(
    '/auth/sessions',
    { schema: sessionsSchema, preHandler: guards.user },
    async (request) => {
      const { claims } = caller(request)
      const sessions = await tokens.listSessions(request.tenant.id, claims.sub)
      return { sessions: sessions.map((session) => sessionView(session, claims.sid)) }
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/auth/sessions/:id',
    { schema: endSessionSchema, preHandler: guards.user },
    async (request) => {
      const { claims, context } = caller(request)
      const ended = await tokens.endSession(claims.sub, request.params.id, context)
      return { sessions_ended: ended ? 1 : 0 }
    },
  )
}
