// Starting and renewing a session: POST /auth/login and POST /auth/refresh.
import type { TokenService } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import { origin } from '../plugins/auth.js'
import { loginSchema, refreshSchema, type LoginBody, type RefreshBody } from '../schemas/auth.js'
import { tokenView } from '../views.js'

/** Collaborators of {@link loginRoutes}. */
export interface LoginRoutesOptions {
  tokens: TokenService
  clock: () => number
}

/** POST /auth/login and POST /auth/refresh. */
export const loginRoutes: FastifyPluginAsync<LoginRoutesOptions> = async (app, options) => {
  const { tokens, clock } = options

  app.post<{ Body: LoginBody }>('/auth/login', { schema: loginSchema }, async (request) => {
    const { username, password, device } = request.body
    const pair = await tokens.login({
      tenantId: request.tenant.id,
      username,
      password,
      device: device ?? null,
      ...origin(request),
    })
    return tokenView(pair, clock())
  })

  app.post<{ Body: RefreshBody }>('/auth/refresh', { schema: refreshSchema }, async (request) => {
    const context = { tenantId: request.tenant.id, ...origin(request) }
    const pair = await tokens.refresh(request.body.refresh_token, context)
    return tokenView(pair, clock())
  })
}
