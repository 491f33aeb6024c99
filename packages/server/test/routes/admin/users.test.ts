import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ADMIN_PASSWORD,
  assertError,
  bearer,
  createUser,
  login,
  PASSWORD,
  testApp,
} from '../../support.js'

async function asAdmin(t: Parameters<typeof testApp>[0], env: Record<string, string> = {}) {
  const setup = await testApp(t, env)
  const admin = await login(setup.app, 'admin', ADMIN_PASSWORD)
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    setup.app.inject({
      method,
      url,
      headers: bearer(admin.access_token),
      ...(payload ? { payload } : {}),
    })
  return { ...setup, admin, call }
}

test('admins create, list, read, change and delete users; no hash ever leaves', async (t) => {
  const { app, call, admin } = await asAdmin(t)
  const id = await createUser(app, admin.access_token, { username: 'Fay', roles: ['ops'] })
  const listed = await call('GET', '/admin/users')
  assert.deepEqual(
    listed
      .json()
      .users.map((u: { username: string }) => u.username)
      .sort(),
    ['admin', 'fay'],
  )
  assert.doesNotMatch(listed.body, /argon2/)
  const patched = await call('PATCH', `/admin/users/${id}`, {
    roles: ['ops', 'audit'],
    scopes: ['read'],
  })
  assert.deepEqual(patched.json().roles, ['ops', 'audit'])
  assert.deepEqual(patched.json().scopes, ['read'])
  assert.equal((await call('GET', `/admin/users/${id}`)).json().username, 'fay')
  const fay = await login(app, 'fay', PASSWORD)
  const removed = await call('DELETE', `/admin/users/${id}`)
  assert.equal(removed.statusCode, 204)
  assertError(await call('GET', `/admin/users/${id}`), 404, 'ERR_NOT_FOUND')
  assertError(
    await app.inject({ url: '/auth/me', headers: bearer(fay.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  assertError(
    await call('POST', '/admin/users', { username: 'admin', password: PASSWORD }),
    409,
    'ERR_CONFLICT',
  )
  assertError(
    await call('POST', '/admin/users', { username: 'x', password: 'short' }),
    400,
    'ERR_INVALID_INPUT',
  )
  assertError(await call('POST', '/admin/users', { username: 'x' }), 400, 'ERR_INVALID_INPUT')
})

test('disabling a user ends their sessions; enabling lets them back in', async (t) => {
  const { app, call, admin } = await asAdmin(t)
  const id = await createUser(app, admin.access_token, { username: 'gus' })
  const gus = await login(app, 'gus', PASSWORD)
  assert.equal(
    (await call('PATCH', `/admin/users/${id}`, { disabled: true })).json().disabled,
    true,
  )
  assertError(
    await app.inject({ url: '/auth/me', headers: bearer(gus.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  await call('PATCH', `/admin/users/${id}`, { disabled: false })
  await login(app, 'gus', PASSWORD)
})

test('lockout after repeated failures, with Retry-After; an admin unlocks it', async (t) => {
  // The per-account rate limit runs out with the lockout: the unlock must reset it too.
  const { app, call, admin } = await asAdmin(t, {
    TESSERA_MAX_LOGIN_ATTEMPTS: '3',
    TESSERA_RATE_LIMIT_LOGIN_PER_ACCOUNT: '4/1m',
  })
  const id = await createUser(app, admin.access_token, { username: 'hal' })
  const attempt = (password: string) =>
    app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'hal', password } })
  assertError(await attempt('wrong one'), 401, 'ERR_INVALID_CREDENTIALS')
  assertError(await attempt('wrong two'), 401, 'ERR_INVALID_CREDENTIALS')
  const locked = await attempt('wrong three')
  assertError(locked, 423, 'ERR_ACCOUNT_LOCKED', 'invalid_grant')
  assert.equal(locked.headers['retry-after'], String(30 * 60))
  assertError(await attempt(PASSWORD), 423, 'ERR_ACCOUNT_LOCKED')
  assert.ok((await call('GET', `/admin/users/${id}`)).json().locked_until)
  const unlocked = await call('POST', `/admin/users/${id}/unlock`)
  assert.equal(unlocked.json().locked_until, null)
  assert.equal((await attempt(PASSWORD)).statusCode, 200)
  const metrics = (await app.inject('/metrics')).body
  assert.match(metrics, /tessera_lockouts_total 1/)
})

test("admins see and end any user's sessions", async (t) => {
  const { app, call, admin } = await asAdmin(t)
  const id = await createUser(app, admin.access_token, { username: 'ida' })
  const a = await login(app, 'ida', PASSWORD)
  const b = await login(app, 'ida', PASSWORD)
  const sessions = (await call('GET', `/admin/users/${id}/sessions`)).json().sessions
  assert.equal(sessions.length, 2)
  const ended = await call('DELETE', `/admin/users/${id}/sessions/${a.session_id}`)
  assert.deepEqual(ended.json(), { sessions_ended: 1 })
  assertError(
    await app.inject({ url: '/auth/me', headers: bearer(a.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  assert.deepEqual((await call('POST', `/admin/users/${id}/logout-all`)).json(), {
    sessions_ended: 1,
  })
  assertError(
    await app.inject({ url: '/auth/me', headers: bearer(b.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  assertError(await call('GET', '/admin/users/nobody/sessions'), 404, 'ERR_NOT_FOUND')
})

test('the admin API refuses non-admins (403) and anonymous callers (401)', async (t) => {
  const { app, admin } = await asAdmin(t)
  await createUser(app, admin.access_token, { username: 'joe' })
  const joe = await login(app, 'joe', PASSWORD)
  const forbidden = await app.inject({ url: '/admin/users', headers: bearer(joe.access_token) })
  assertError(forbidden, 403, 'ERR_FORBIDDEN', 'insufficient_scope')
  assert.match(String(forbidden.headers['www-authenticate']), /error="insufficient_scope"/)
  assertError(await app.inject('/admin/users'), 401, 'ERR_TOKEN_INVALID')
})
