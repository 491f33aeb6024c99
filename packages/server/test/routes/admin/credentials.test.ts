import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwt } from '@tessera/jose'
import { ADMIN_PASSWORD, assertError, bearer, login, testApp } from '../../support.js'

test('API keys: created once with their secret, listed without it, revoked', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: bearer(admin.access_token),
      ...(payload ? { payload } : {}),
    })
  const created = await call('POST', '/admin/api-keys', { name: 'ops', scopes: ['admin'] })
  assert.equal(created.statusCode, 201)
  const { key, api_key } = created.json()
  assert.match(key, /^tsk_/)
  const listed = await call('GET', '/admin/api-keys')
  assert.equal(listed.json().api_keys[0].id, api_key.id)
  assert.ok(!listed.body.includes(key.slice(-20)), 'the secret is shown once')
  // An admin API key administers.
  const viaKey = await app.inject({ url: '/admin/users', headers: bearer(key) })
  assert.equal(viaKey.statusCode, 200)
  assert.deepEqual((await call('DELETE', `/admin/api-keys/${api_key.id}`)).json(), {
    revoked: true,
  })
  assertError(
    await app.inject({ url: '/admin/users', headers: bearer(key) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  assertError(await call('DELETE', '/admin/api-keys/nope'), 404, 'ERR_NOT_FOUND')
  const past = await call('POST', '/admin/api-keys', {
    name: 'x',
    expires_at: '2001-01-01T00:00:00Z',
  })
  assertError(past, 400, 'ERR_INVALID_INPUT')
})

test('signing keys: listed, rotated (published before signing), revoked in an emergency', async (t) => {
  const { app, clock } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const call = (method: 'GET' | 'POST', url: string) =>
    app.inject({ method, url, headers: bearer(admin.access_token) })
  const [first] = (await call('GET', '/admin/keys')).json().keys
  assert.equal(first.state, 'active')
  assert.equal(first.public_jwk.d, undefined)
  const { kid } = (await call('POST', '/admin/keys/rotate')).json()
  const jwks = (await app.inject('/.well-known/jwks.json'))
    .json()
    .keys.map((k: { kid: string }) => k.kid)
  assert.deepEqual(jwks.sort(), [first.kid, kid].sort(), 'the next key is published at once')
  clock.advance(11 * 60_000)
  const next = await login(app, 'admin', ADMIN_PASSWORD)
  assert.equal(
    jwt.getUnverifiedHeader(next.access_token).kid,
    kid,
    'it signs after pre-publication',
  )
  assert.equal(
    (await app.inject({ url: '/auth/validate', headers: bearer(admin.access_token) })).statusCode,
    200,
  )
  const revoked = await app.inject({
    method: 'POST',
    url: `/admin/keys/${first.kid}/revoke`,
    headers: bearer(next.access_token),
  })
  assert.equal(revoked.statusCode, 204)
  assertError(
    await app.inject({ url: '/auth/validate', headers: bearer(admin.access_token) }),
    401,
    'ERR_TOKEN_INVALID',
  )
  const states = (
    await app.inject({ url: '/admin/keys', headers: bearer(next.access_token) })
  ).json().keys
  assert.deepEqual(states.map((k: { state: string }) => k.state).sort(), ['active', 'revoked'])
})
