// The lifecycle counters reach /metrics with their labels: rotations and retries, validations,
// failures by code, revocations by kind, token operation latency by operation. (Issue 4 §7 and
// issue 5 §2; the alerting rules read these names.)
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, bearer, login, testApp } from './support.js'

test('every token operation is counted in /metrics, with its labels', async (t) => {
  const { app } = await testApp(t)
  const post = (url: string, payload: Record<string, string>, token?: string) =>
    app.inject({ method: 'POST', url, payload, headers: token === undefined ? {} : bearer(token) })
  const first = await login(app, 'admin', ADMIN_PASSWORD)
  const next = (await post('/auth/refresh', { refresh_token: first.refresh_token })).json()
  assert.equal(
    (await post('/auth/refresh', { refresh_token: first.refresh_token })).statusCode,
    200,
    'a retry within the grace window',
  )
  assert.equal(
    (await app.inject({ url: '/auth/validate', headers: bearer(next.access_token) })).statusCode,
    200,
  )
  const forged = `${next.access_token.slice(0, -6)}AAAAAA`
  assert.equal(
    (await app.inject({ url: '/auth/validate', headers: bearer(forged) })).statusCode,
    401,
  )
  assert.equal((await post('/auth/revoke', { token: next.access_token })).statusCode, 200)
  assert.equal(
    (await post('/auth/logout', { refresh_token: next.refresh_token })).statusCode < 300,
    true,
  )

  const body = (await app.inject('/metrics')).body
  const expected = [
    /^tessera_tokens_refreshed_total\{retry="false"\} 1$/m,
    /^tessera_tokens_refreshed_total\{retry="true"\} 1$/m,
    /^tessera_tokens_validated_total [1-9]/m,
    /^tessera_token_failures_total\{reason="ERR_TOKEN_INVALID"\} 1$/m,
    /^tessera_revocations_total\{kind="jti"\} 1$/m,
    /^tessera_revocations_total\{kind="session"\} 1$/m,
    /^tessera_token_operation_seconds_count\{op="refresh"\} 2$/m,
    /^tessera_reuse_detected_total 0$/m,
  ]
  for (const line of expected) assert.match(body, line)
})
