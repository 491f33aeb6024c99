// The token checks of createGuard, with a static key: each bad token gets 401 invalid_token with
// its own description, missing scopes or roles get 403 insufficient_scope, and options are checked.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwk, jwt } from '@tessera/jose'
import { createGuard, GuardOptionsError, type GuardOptions } from '../src/index.js'
import { AUDIENCE, ISSUER, assertAccepted, assertRefused, k1, k2, mint, now } from './support.js'

const options: GuardOptions = {
  issuer: ISSUER,
  audience: AUDIENCE,
  key: { keys: [k1.publicKey().toJWK()] },
}
const guard = createGuard(options)
const bearer = (token: string) => `Bearer ${token}`
const invalidToken = (description: string) =>
  `Bearer realm="${AUDIENCE}", error="invalid_token", error_description="${description}"`

async function refusedAs(token: string, description: string) {
  const result = await guard.verify(bearer(token))
  assertRefused(result, 401, 'invalid_token', invalidToken(description))
  return result
}

test('a Tessera access token is accepted and its claims returned', async () => {
  const claims = assertAccepted(await guard.verify(bearer(mint(k1))))
  assert.equal(claims.iss, ISSUER)
  assert.equal(claims.client_id, 'web')
  assert.equal(claims.tid, 'default')
  assert.equal(claims.scope, 'orders:read profile')
  assert.deepEqual(claims.roles, ['clerk'])
})

test('expired, not yet valid, and within leeway', async () => {
  const expired = mint(k1, { exp: now() - 5 })
  const result = await refusedAs(expired, 'the access token has expired')
  assert.equal((result as { cause: { code: string } }).cause.code, 'ERR_JWT_EXPIRED')
  await refusedAs(mint(k1, { nbf: now() + 60 }), 'the access token is not valid yet')
  const lenient = createGuard({ ...options, leeway: 30 })
  assertAccepted(await lenient.verify(bearer(expired)))
})

test('a bad signature, a wrong issuer, a wrong audience', async () => {
  await refusedAs(
    mint(k2, {}, { kid: 'k1' }),
    'the signature does not verify with any key of the issuer',
  )
  await refusedAs(
    mint(k1, { iss: 'https://evil.example' }),
    'the token comes from an issuer this API does not trust (iss)',
  )
  await refusedAs(mint(k1, { aud: 'billing-api' }), 'the token is not meant for this API (aud)')
  assertAccepted(await guard.verify(bearer(mint(k1, { aud: ['billing-api', AUDIENCE] }))))
})

test('only access tokens: an ID token, a plain JWT, or no typ is refused', async () => {
  const description = 'the token is not an access token (typ must be at+jwt)'
  const idToken = mint(k1, { nonce: 'n', aud: AUDIENCE }, { typ: 'JWT' })
  await refusedAs(idToken, description)
  await refusedAs(jwt.encode({ sub: 'u1', iss: ISSUER, aud: AUDIENCE }, k1), description)
  await refusedAs(mint(k1, {}, { typ: 'id_token+jwt' }), description)
  // RFC 7515 4.1.9: compared case-insensitively, application/ optional.
  assertAccepted(await guard.verify(bearer(mint(k1, {}, { typ: 'application/AT+JWT' }))))
})

test('algorithms come from the options, never from the token', async () => {
  const hmac = jwk.generate('HS256')
  const forged = jwt.encode({ sub: 'u1' }, hmac, { headers: { typ: 'at+jwt' } })
  await refusedAs(forged, 'the token is signed with an algorithm this API does not accept')
  const es384 = jwk.generate('ES384', { kid: 'k1' })
  const other = jwt.encode({ sub: 'u1' }, es384, { headers: { typ: 'at+jwt' } })
  await refusedAs(other, 'the token is signed with an algorithm this API does not accept')
})

test('the claims RFC 9068 requires, and their shapes', async () => {
  for (const claim of ['exp', 'iat', 'sub', 'jti']) {
    await refusedAs(mint(k1, { [claim]: undefined }), `the token has no ${claim} claim`)
  }
  await refusedAs(mint(k1, { client_id: undefined }), 'the token has no client_id claim')
  await refusedAs(
    mint(k1, { scope: ['orders:read'] }),
    'the scope claim must be a space-separated string',
  )
  await refusedAs(mint(k1, { roles: 'admin' }), 'the roles claim must be an array of strings')
})

test('scopes: all required ones, from the guard and the route; 403 names them', async () => {
  const scoped = createGuard({ ...options, requiredScopes: ['profile'] })
  const token = mint(k1)
  assertAccepted(await scoped.verify(bearer(token), { scopes: ['orders:read'] }))
  const result = await scoped.verify(bearer(token), { scopes: ['orders:write'] })
  assertRefused(
    result,
    403,
    'insufficient_scope',
    `Bearer realm="${AUDIENCE}", error="insufficient_scope", error_description="the token lacks a required scope", scope="profile orders:write"`,
  )
  const none = await scoped.verify(bearer(mint(k1, { scope: undefined })))
  assertRefused(none, 403, 'insufficient_scope', /scope="profile"$/)
  // A scope is a whole word: "orders" is not "orders:read".
  assertRefused(
    await guard.verify(bearer(token), { scopes: ['orders'] }),
    403,
    'insufficient_scope',
    /scope="orders"/,
  )
})

test('roles: all required ones; 403 insufficient_scope names the missing role', async () => {
  const token = mint(k1, { roles: ['clerk', 'auditor'] })
  assertAccepted(await guard.verify(bearer(token), { roles: ['clerk', 'auditor'] }))
  const result = await guard.verify(bearer(token), { roles: ['clerk', 'admin'] })
  assertRefused(
    result,
    403,
    'insufficient_scope',
    `Bearer realm="${AUDIENCE}", error="insufficient_scope", error_description="the token lacks the role admin"`,
  )
  const roleless = createGuard({ ...options, requiredRoles: ['admin'] })
  assertRefused(
    await roleless.verify(bearer(mint(k1, { roles: undefined }))),
    403,
    'insufficient_scope',
    /role admin/,
  )
})

test('a realm of your choosing, quoted', async () => {
  const named = createGuard({ ...options, realm: 'orders "v2"' })
  const result = await named.verify(undefined)
  assertRefused(result, 401, 'missing_token', 'Bearer realm="orders \\"v2\\""')
})

test('options are checked when the guard is made', () => {
  const bad: unknown[] = [
    undefined,
    { audience: AUDIENCE, key: k1 },
    { issuer: ISSUER, key: k1 },
    { issuer: ISSUER, audience: AUDIENCE },
    { ...options, jwksUrl: 'https://id.example/jwks' },
    { ...options, algorithms: [] },
    { ...options, algorithms: ['none'] },
    { ...options, key: 'not a key' },
    { ...options, typ: '' },
    { ...options, maxTokenLength: 0 },
    { ...options, realm: 'line\nbreak' },
    { ...options, requiredScopes: ['two words'] },
    { ...options, requiredRoles: 'admin' },
    { ...options, remote: { timeout: 10 } },
    { issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://id.example/jwks' },
    {
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUrl: 'https://id.example/jwks',
      algorithms: ['HS256'],
    },
  ]
  for (const input of bad) {
    assert.throws(
      () => createGuard(input as GuardOptions),
      GuardOptionsError,
      JSON.stringify(input),
    )
  }
})

test('malformed route requirements are a programming error, reported on first use', async () => {
  const token = mint(k1)
  await assert.rejects(guard.verify(bearer(token), { scopes: ['a"b'] }), {
    code: 'ERR_GUARD_INVALID_OPTIONS',
  })
  await assert.rejects(
    guard.verifyRequest({ headers: {} }, { roles: [1] } as never),
    GuardOptionsError,
  )
})
