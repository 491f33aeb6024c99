// Express-style middleware, `(req, res, next)`, typed structurally so that neither express nor its
// types are needed: Express, Connect, and plain node:http servers all fit.
import type { RequestLike } from './bearer.js'
import { failureResponse } from './challenge.js'
import { checkRequirements, type AccessTokenClaims, type Requirements } from './claims.js'
import type { Guard } from './guard.js'

declare global {
  // Express's request type (@types/express), where installed: `req.auth` is then typed in handlers.
  // Declaring it costs nothing where Express is absent. eslint-disable-next-line below: this is
  // how Express's types are extended, there is no other way.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified access token claims, set by `expressGuard`. */
      auth?: AccessTokenClaims
    }
  }
}

/**
 * The request an Express-style middleware receives: Node's `IncomingMessage` (or Express's `req`),
 * on which the guard sets `auth` to the verified claims.
 *
 * @example
 * ```ts
 * app.get('/orders', orders, (req: GuardedRequest, res) => res.json({ user: req.auth?.sub }))
 * ```
 */
export interface GuardedRequest extends RequestLike {
  /** The verified claims; set before `next()` is called. */
  auth?: AccessTokenClaims
}

/**
 * The response an Express-style middleware writes a refusal to: Node's `ServerResponse` (or
 * Express's `res`).
 *
 * @example
 * ```ts
 * const res: ResponseLike = serverResponse // from node:http
 * ```
 */
export interface ResponseLike {
  statusCode: number
  readonly headersSent?: boolean
  setHeader(name: string, value: string): unknown
  end(body?: string): unknown
}

/**
 * An Express-style middleware: `(req, res, next)`.
 *
 * @example
 * ```ts
 * const middleware: GuardMiddleware = expressGuard(guard)
 * ```
 */
export type GuardMiddleware = (
  req: GuardedRequest,
  res: ResponseLike,
  next: (err?: unknown) => void,
) => void

/**
 * Makes Express-style middleware that checks the request's bearer token with `guard` and the
 * route's `requirements`. On success it sets `req.auth` to the claims and calls `next()`; on a
 * refusal it answers 400, 401, 403 or 503 with `WWW-Authenticate` (and `Retry-After` on 503) and a
 * JSON body `{ error, error_description }`, and does not call `next`. A bug reaches `next(err)`.
 *
 * @param guard - from `createGuard`
 * @param requirements - scopes and roles this route needs, on top of the guard's own
 * @throws GuardOptionsError now for malformed requirements
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { createGuard, expressGuard } from '@tessera/guard'
 *
 * const guard = createGuard({ issuer, audience: 'orders-api', jwksUrl })
 * const app = express()
 * app.get('/orders', expressGuard(guard, { scopes: ['orders:read'] }), (req, res) => {
 *   res.json({ user: req.auth.sub })
 * })
 * ```
 */
export function expressGuard(guard: Guard, requirements?: Requirements): GuardMiddleware {
  checkRequirements(requirements)
  return (req, res, next) => {
    guard.verifyRequest(req, requirements).then(
      (result) => {
        if (result.ok) {
          req.auth = result.claims
          next()
          return
        }
        if (res.headersSent === true) return next(new Error('the response was already sent'))
        const { status, headers, body } = failureResponse(result)
        res.statusCode = status
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
        res.end(JSON.stringify(body))
      },
      (err: unknown) => next(err),
    )
  }
}
