// The calling user's own account: who am I, change my password, my audit trail.
import { errors, type Accounts, type AuditLog } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import { origin, type Guards } from '../plugins/auth.js'
import {
  meSchema,
  ownAuditSchema,
  passwordSchema,
  type AuditPagingQuery,
  type PasswordBody,
} from '../schemas/auth.js'
import { auditView, iso, parseTime } from '../views.js'

/** Collaborators of {@link accountRoutes}. */
export interface AccountRoutesOptions {
  accounts: Accounts
  audit: AuditLog
  guards: Guards
}

/** GET /auth/me, POST /auth/password, GET /auth/audit-log. */
export const accountRoutes: FastifyPluginAsync<AccountRoutesOptions> = async (app, options) => {
  const { accounts, audit, guards } = options

  app.get('/auth/me', { schema: meSchema, preHandler: guards.user }, async (request) => {
    const claims = request.principal!.claims!
    const user = await accounts.getUser(request.tenant.id, claims.sub)
    if (user === undefined) throw new errors.NotFoundError('no such user')
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      roles: user.roles,
      scopes: user.scopes,
      tenant: request.tenant.name,
      session_id: claims.sid,
      created_at: iso(user.createdAt),
      password_changed_at: iso(user.passwordChangedAt),
    }
  })

  app.post<{ Body: PasswordBody }>(
    '/auth/password',
    { schema: passwordSchema, preHandler: guards.user },
    async (request) => {
      const claims = request.principal!.claims!
      const ended = await accounts.changePassword({
        tenantId: request.tenant.id,
        userId: claims.sub,
        currentPassword: request.body.current_password,
        newPassword: request.body.new_password,
        keepSessionId: claims.sid,
        ...origin(request),
      })
      return { sessions_ended: ended.length }
    },
  )

  app.get<{ Querystring: AuditPagingQuery }>(
    '/auth/audit-log',
    { schema: ownAuditSchema, preHandler: guards.user },
    async (request) => {
      const { cursor, limit, from, to } = request.query
      const page = await audit.query({
        tenantId: request.tenant.id,
        userId: request.principal!.id,
        ...(cursor === undefined ? {} : { cursor }),
        ...(limit === undefined ? {} : { limit }),
        ...(from === undefined ? {} : { from: parseTime(from) }),
        ...(to === undefined ? {} : { to: parseTime(to) }),
      })
      return { events: page.events.map(auditView), next_cursor: page.nextCursor }
    },
  )
}
