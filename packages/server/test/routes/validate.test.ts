import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, assertError, bearer, login, testApp } from '../support.js'

test('validate answers 200 with the claims of a good token', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const res = await app.inject({ url: '/auth/validate', headers: bearer(admin.access_token) })
  assert.equal(res.statusCode, 200)
  const claims = res.json()
  assert.equal(claims.sid, admin.session_id)
  assert.equal(claims.iss, 'http://tessera.test')
  assert.deepEqual(claims.roles, ['admin'])
  for (const name of ['sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'tid', 'scope']) {
    assert.ok(name in claims, name)
  }
})

test('validate answers 401 with an RFC 6750 challenge', async (t) => {
  const { app, clock } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const none = await app.inject({ url: '/auth/validate' })
  assertError(none, 401, 'ERR_TOKEN_INVALID', 'invalid_token')
  assert.equal(
    none.headers['www-authenticate'],
    'Bearer realm="default"',
    'no error without credentials',
  )
  const bad = await app.inject({ url: '/auth/validate', headers: bearer(`${admin.access_token}x`) })
  assertError(bad, 401, 'ERR_TOKEN_INVALID')
  assert.match(
    String(bad.headers['www-authenticate']),
    /^Bearer realm="default", error="invalid_token", error_description="[^"]+"$/,
  )
  const malformed = await app.inject({
    url: '/auth/validate',
    headers: { authorization: 'Bearer a b' },
  })
  assertError(malformed, 400, 'ERR_INVALID_INPUT', 'invalid_request')
  const basic = await app.inject({
    url: '/auth/validate',
    headers: { authorization: 'Basic Zm9vOmJhcg==' },
  })
  assertError(basic, 401, 'ERR_TOKEN_INVALID')
  clock.advance(16 * 60_000)
  const expired = await app.inject({ url: '/auth/validate', headers: bearer(admin.access_token) })
  assertError(expired, 401, 'ERR_TOKEN_EXPIRED', 'invalid_token')
})

test('/auth/revoke revokes an access token by jti and a refresh token with its session', async (t) => {
  const { app } = await testApp(t)
  const a = await login(app, 'admin', ADMIN_PASSWORD)
  const b = await login(app, 'admin', ADMIN_PASSWORD)
  const revoke = (token: string) =>
    app.inject({ method: 'POST', url: '/auth/revoke', payload: { token } })
  assert.deepEqual((await revoke(a.access_token)).json(), { revoked: true })
  assertError(
    await app.inject({ url: '/auth/validate', headers: bearer(a.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  const refreshed = await app.inject({
    method: 'POST',
    url: '/auth/refresh',
    payload: { refresh_token: a.refresh_token },
  })
  assert.equal(refreshed.statusCode, 200, 'revoking an access token leaves its session')
  assert.deepEqual((await revoke(b.refresh_token)).json(), { revoked: true })
  assertError(
    await app.inject({ url: '/auth/validate', headers: bearer(b.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  assert.deepEqual((await revoke('garbage')).json(), { revoked: false })
  assertError(
    await app.inject({ method: 'POST', url: '/auth/revoke', payload: {} }),
    400,
    'ERR_INVALID_INPUT',
  )
})
