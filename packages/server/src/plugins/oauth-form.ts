// RFC 6749 §3.1: a parameter sent without a value is treated as if it were omitted. The OAuth forms
// (token, introspection, revocation) drop their empty parameters before validation, so that
// `client_secret=` is no client authentication, `client_id=` no client and `scope=` no scope.
import type { preValidationHookHandler } from 'fastify'

/**
 * A route's preValidation hook that removes the form's parameters whose value is empty.
 *
 * @example
 * ```ts
 * app.post('/oauth/token', { schema, preValidation: omitEmptyParameters }, handler)
 * ```
 */
export const omitEmptyParameters: preValidationHookHandler = (request, _reply, done) => {
  const body = request.body
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const form = body as Record<string, unknown>
    for (const name of Object.keys(form)) if (form[name] === '') delete form[name]
  }
  done()
}
