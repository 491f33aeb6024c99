// Admin: users of the tenant (create, read, change roles and scopes, disable, unlock, delete) and
// their sessions (list, end one, end all).
import {
  accountLimitKey,
  errors,
  type Accounts,
  type RateLimits,
  type TokenService,
} from '@tessera/tokens'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { adminSessionSchemas } from '../../schemas/admin-keys.js'
import { userSchemas, type CreateUserBody, type UpdateUserBody } from '../../schemas/admin.js'
import { sessionView, userView } from '../../views.js'
import { adminContext } from './index.js'

/** Collaborators of {@link adminUserRoutes}. */
export interface AdminUserRoutesOptions {
  accounts: Accounts
  tokens: TokenService
  rateLimits: RateLimits | undefined
}

type ById = FastifyRequest<{ Params: { id: string } }>

/** /admin/users and /admin/users/:id/sessions */
export const adminUserRoutes: FastifyPluginAsync<AdminUserRoutesOptions> = async (app, options) => {
  const { accounts, tokens, rateLimits } = options
  const existing = async (request: ById) => {
    const user = await accounts.getUser(request.tenant.id, request.params.id)
    if (user === undefined) throw new errors.NotFoundError('no such user')
    return user
  }

  app.get('/admin/users', { schema: userSchemas.list }, async (request) => ({
    users: (await accounts.listUsers(request.tenant.id)).map(userView),
  }))

  app.post<{ Body: CreateUserBody }>(
    '/admin/users',
    { schema: userSchemas.create },
    async (request, reply) => {
      const user = await accounts.createUser(
        { ...request.body, tenantId: request.tenant.id },
        adminContext(request),
      )
      return reply.code(201).send(userView(user))
    },
  )

  app.get<{ Params: { id: string } }>(
    '/admin/users/:id',
    { schema: userSchemas.get },
    async (request) => userView(await existing(request)),
  )

  app.patch<{ Params: { id: string }; Body: UpdateUserBody }>(
    '/admin/users/:id',
    { schema: userSchemas.update },
    async (request) => {
      const { roles, scopes, disabled } = request.body
      const tenantId = request.tenant.id
      const id = request.params.id
      const context = adminContext(request)
      let user = await existing(request)
      if (roles !== undefined) user = await accounts.updateRoles(tenantId, id, roles, context)
      if (scopes !== undefined) user = await accounts.updateScopes(tenantId, id, scopes, context)
      if (disabled !== undefined) user = await accounts.setDisabled(tenantId, id, disabled, context)
      return userView(user)
    },
  )

  // Unlocking also forgets the per-account login rate limit, so the user can log in at once.
  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/unlock',
    { schema: userSchemas.unlock },
    async (request) => {
      const tenantId = request.tenant.id
      const user = await accounts.unlock(tenantId, request.params.id, adminContext(request))
      await rateLimits?.reset('loginPerAccount', tenantId, accountLimitKey(user.id))
      return userView(user)
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/admin/users/:id',
    { schema: userSchemas.remove },
    async (request, reply) => {
      await accounts.deleteUser(request.tenant.id, request.params.id, adminContext(request))
      return reply.code(204).send()
    },
  )

  app.get<{ Params: { id: string } }>(
    '/admin/users/:id/sessions',
    { schema: adminSessionSchemas.list },
    async (request) => {
      const user = await existing(request)
      const sessions = await tokens.listSessions(request.tenant.id, user.id)
      return { sessions: sessions.map((session) => sessionView(session)) }
    },
  )

  app.delete<{ Params: { id: string; sid: string } }>(
    '/admin/users/:id/sessions/:sid',
    { schema: adminSessionSchemas.end },
    async (request) => {
      const { id, sid } = request.params
      const context = { tenantId: request.tenant.id, ...adminContext(request) }
      return { sessions_ended: (await tokens.endSession(id, sid, context)) ? 1 : 0 }
    },
  )

  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/logout-all',
    { schema: adminSessionSchemas.endAll },
    async (request) => {
      const user = await existing(request)
      const context = { tenantId: request.tenant.id, ...adminContext(request) }
      return { sessions_ended: await tokens.logoutAll(user.id, context) }
    },
  )
}
