import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, assertError, bearer, login, testApp } from '../support.js'

const revoke = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/oauth/revoke',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
})

test('RFC 7009: 200 with an empty body, for good, unknown and invalid tokens alike', async (t) => {
  const { app } = await testApp(t)
  const pair = await login(app, 'admin', ADMIN_PASSWORD)
  for (const token of [pair.refresh_token, pair.refresh_token, 'garbage', pair.access_token]) {
    const res = await app.inject(revoke({ token, token_type_hint: 'refresh_token' }))
    assert.equal(res.statusCode, 200)
    assert.equal(res.body, '')
  }
  const me = await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })
  assertError(me, 401, 'ERR_TOKEN_REVOKED')
  const refreshed = await app.inject({
    method: 'POST',
    url: '/auth/refresh',
    payload: { refresh_token: pair.refresh_token },
  })
  assertError(refreshed, 401, 'ERR_TOKEN_REVOKED')
})

test('a request without a token is invalid_request; bad client credentials are invalid_client', async (t) => {
  const { app } = await testApp(t)
  assertError(await app.inject(revoke({})), 400, 'ERR_INVALID_INPUT', 'invalid_request')
  const bad = await app.inject(revoke({ token: 'x', client_secret: 'tsk_bad' }))
  assertError(bad, 401, 'ERR_TOKEN_INVALID', 'invalid_client')
})
