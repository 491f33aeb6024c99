/**
 * `@tessera/guard`: check Tessera access tokens in a resource server, with `@tessera/jose` alone.
 * The Fastify plugin is at `@tessera/guard/fastify`.
 *
 * @packageDocumentation
 */
export { createGuard } from './guard.js'
export { expressGuard } from './express.js'
export { failureResponse } from './challenge.js'
export { GuardError, GuardOptionsError } from './errors.js'
export type { Guard, VerifyResult } from './guard.js'
export type { GuardOptions } from './options.js'
export type { AccessTokenClaims, Requirements } from './claims.js'
export type { GuardFailure, GuardErrorName } from './challenge.js'
export type { RequestLike } from './bearer.js'
export type { GuardedRequest, ResponseLike, GuardMiddleware } from './express.js'
export type { GuardErrorCode } from './errors.js'
