import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwt } from '@tessera/jose'
import {
  ADMIN_PASSWORD,
  assertError,
  bearer,
  createUser,
  login,
  PASSWORD,
  testApp,
} from '../support.js'

test('login returns an RFC 6749 token response with an RFC 9068 access token', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'ADMIN', password: ADMIN_PASSWORD, device: 'laptop' },
    headers: { 'user-agent': 'test-agent' },
  })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  assert.deepEqual(Object.keys(body).sort(), [
    'access_token',
    'expires_in',
    'refresh_token',
    'refresh_token_expires_in',
    'scope',
    'session_id',
    'token_type',
  ])
  assert.equal(body.token_type, 'Bearer')
  assert.equal(body.expires_in, 900)
  assert.equal(body.refresh_token_expires_in, 7 * 86400)
  assert.match(body.refresh_token, /^rt_/)
  assert.equal(jwt.getUnverifiedHeader(body.access_token).typ, 'at+jwt')
  assert.equal(jwt.getUnverifiedClaims(body.access_token).iss, 'http://tessera.test')
  const sessions = await app.inject({ url: '/auth/sessions', headers: bearer(body.access_token) })
  const [session] = sessions.json<{ sessions: Record<string, unknown>[] }>().sessions
  assert.equal(session!.device, 'laptop')
  assert.equal(session!.user_agent, 'test-agent')
  assert.equal(session!.current, true)
})

test('a wrong password and an unknown user get the same 401', async (t) => {
  const { app } = await testApp(t)
  const wrong = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'admin', password: 'nope nope nope' },
  })
  const unknown = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'nobody', password: 'nope nope nope' },
  })
  for (const res of [wrong, unknown]) {
    assertError(res, 401, 'ERR_INVALID_CREDENTIALS', 'invalid_grant')
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="default"')
  }
  assert.equal(wrong.json().error_description, unknown.json().error_description)
})

test('bad login bodies are 400 ERR_INVALID_INPUT, never a stack trace', async (t) => {
  const { app } = await testApp(t)
  const cases: [unknown, string?][] = [
    [{ username: 'admin' }],
    [{ password: 'x' }],
    [{ username: '', password: 'x' }],
    [{ username: { $ne: 1 }, password: 'x' }],
    [{ username: 'a', password: 'x'.repeat(5000) }],
    ['not json at all', 'application/json'],
    ['{"username": "a", "password": ', 'application/json'],
    ['username=a&password=b', 'text/plain'],
    ['<login/>', 'application/xml'],
  ]
  for (const [payload, type] of cases) {
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: payload as string,
      headers: type === undefined ? {} : { 'content-type': type },
    })
    const status = type === 'application/xml' ? 415 : 400
    assertError(res, status, 'ERR_INVALID_INPUT', 'invalid_request')
  }
  const empty = await app.inject({ method: 'POST', url: '/auth/login' })
  assertError(empty, 400, 'ERR_INVALID_INPUT')
  const huge = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'a', password: 'b', device: 'x'.repeat(100_000) },
  })
  assertError(huge, 413, 'ERR_INVALID_INPUT')
})

test('refresh rotates; the old token is then a retry within the grace window, reuse after', async (t) => {
  const { app, clock } = await testApp(t)
  const first = await login(app, 'admin', ADMIN_PASSWORD)
  const refresh = (token: string) =>
    app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
  const second = await refresh(first.refresh_token)
  assert.equal(second.statusCode, 200)
  const next = second.json<{ refresh_token: string; session_id: string }>()
  assert.notEqual(next.refresh_token, first.refresh_token)
  assert.equal(next.session_id, first.session_id)
  const retry = await refresh(first.refresh_token)
  assert.equal(retry.json().refresh_token, next.refresh_token, 'a retry gets the same successor')
  clock.advance(60_000)
  assertError(await refresh(first.refresh_token), 401, 'ERR_TOKEN_REUSED', 'invalid_token')
  assertError(await refresh(next.refresh_token), 401, 'ERR_TOKEN_REVOKED')
  assertError(await refresh('rt_unknown'), 401, 'ERR_TOKEN_INVALID')
  assertError(await refresh('x'.repeat(600)), 400, 'ERR_INVALID_INPUT')
})

test('a user created by an admin logs in; a disabled one is refused after the right password', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const id = await createUser(app, admin.access_token, { username: 'bob', scopes: ['read'] })
  assert.equal((await login(app, 'bob', PASSWORD)).scope, 'read')
  await app.inject({
    method: 'PATCH',
    url: `/admin/users/${id}`,
    headers: bearer(admin.access_token),
    payload: { disabled: true },
  })
  const res = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'bob', password: PASSWORD },
  })
  assertError(res, 403, 'ERR_ACCOUNT_DISABLED', 'invalid_grant')
})
