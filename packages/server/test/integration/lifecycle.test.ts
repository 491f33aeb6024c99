// The whole life of a user over HTTP, against a real server: login, me, refresh, reuse detected and
// the family revoked, logout everywhere, lockout and an admin's unlock, and a password change that
// ends the other sessions.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, PASSWORD } from '../support.js'
import { liveServer } from './server.js'

const NEW_PASSWORD = 'another horse, another battery'

test('the whole life of a user', async (t) => {
  const server = await liveServer(t, { TESSERA_MAX_LOGIN_ATTEMPTS: '3' })
  const { call, clock } = server
  const tokens = async (username: string, password: string) => {
    const res = await call('POST', '/auth/login', { json: { username, password } })
    assert.equal(res.status, 200, res.text)
    return res.body as { access_token: string; refresh_token: string; session_id: string }
  }

  // An admin creates the user.
  const admin = await tokens('admin', ADMIN_PASSWORD)
  const created = await call('POST', '/admin/users', {
    token: admin.access_token,
    json: { username: 'alice', password: PASSWORD, scopes: ['read'] },
  })
  assert.equal(created.status, 201)
  const aliceId = created.body.id as string

  // Login and me.
  const first = await tokens('alice', PASSWORD)
  const me = await call('GET', '/auth/me', { token: first.access_token })
  assert.equal(me.status, 200)
  assert.equal(me.body.id, aliceId)

  // Refresh rotates; presenting the consumed token later is reuse: the whole family is revoked.
  const refreshed = await call('POST', '/auth/refresh', {
    json: { refresh_token: first.refresh_token },
  })
  assert.equal(refreshed.status, 200)
  const second = refreshed.body as { access_token: string; refresh_token: string }
  clock.advance(31_000)
  const reuse = await call('POST', '/auth/refresh', {
    json: { refresh_token: first.refresh_token },
  })
  assert.equal(reuse.status, 401)
  assert.equal(reuse.body.code, 'ERR_TOKEN_REUSED')
  const successor = await call('POST', '/auth/refresh', {
    json: { refresh_token: second.refresh_token },
  })
  assert.equal(successor.body.code, 'ERR_TOKEN_REVOKED', "the thief's successor is dead too")
  const afterReuse = await call('GET', '/auth/me', { token: second.access_token })
  assert.equal(afterReuse.status, 401)
  assert.match(afterReuse.headers.get('www-authenticate')!, /error="invalid_token"/)
  const audit = await call('GET', `/admin/audit?type=refresh.reuse_detected&user_id=${aliceId}`, {
    token: admin.access_token,
  })
  assert.equal((audit.body.events as { severity: string }[])[0]!.severity, 'critical')

  // Logout everywhere.
  const laptop = await tokens('alice', PASSWORD)
  const phone = await tokens('alice', PASSWORD)
  const all = await call('POST', '/auth/logout-all', { token: laptop.access_token })
  assert.deepEqual(all.body, { sessions_ended: 2 })
  for (const pair of [laptop, phone]) {
    assert.equal((await call('GET', '/auth/me', { token: pair.access_token })).status, 401)
    const again = await call('POST', '/auth/refresh', {
      json: { refresh_token: pair.refresh_token },
    })
    assert.equal(again.status, 401)
  }
  clock.advance(1) // the logins below come after the cut-off's millisecond

  // Lockout after failures; the right password does not help; an admin unlocks.
  for (const attempt of [1, 2]) {
    const res = await call('POST', '/auth/login', {
      json: { username: 'alice', password: `no${attempt}` },
    })
    assert.equal(res.body.code, 'ERR_INVALID_CREDENTIALS')
  }
  const locked = await call('POST', '/auth/login', { json: { username: 'alice', password: 'no3' } })
  assert.equal(locked.status, 423)
  assert.equal(locked.body.code, 'ERR_ACCOUNT_LOCKED')
  assert.ok(Number(locked.headers.get('retry-after')) > 0)
  const stillLocked = await call('POST', '/auth/login', {
    json: { username: 'alice', password: PASSWORD },
  })
  assert.equal(stillLocked.body.code, 'ERR_ACCOUNT_LOCKED')
  const unlock = await call('POST', `/admin/users/${aliceId}/unlock`, { token: admin.access_token })
  assert.equal(unlock.status, 200)

  // A password change keeps this session and ends the others.
  const here = await tokens('alice', PASSWORD)
  const there = await tokens('alice', PASSWORD)
  const changed = await call('POST', '/auth/password', {
    token: here.access_token,
    json: { current_password: PASSWORD, new_password: NEW_PASSWORD },
  })
  assert.deepEqual(changed.body, { sessions_ended: 1 })
  assert.equal((await call('GET', '/auth/me', { token: here.access_token })).status, 200)
  assert.equal((await call('GET', '/auth/me', { token: there.access_token })).status, 401)
  const thereRefresh = await call('POST', '/auth/refresh', {
    json: { refresh_token: there.refresh_token },
  })
  assert.equal(thereRefresh.status, 401)
  const oldPassword = await call('POST', '/auth/login', {
    json: { username: 'alice', password: PASSWORD },
  })
  assert.equal(oldPassword.body.code, 'ERR_INVALID_CREDENTIALS')
  await tokens('alice', NEW_PASSWORD)

  // Her own audit trail tells the story.
  const trail = await call('GET', '/auth/audit-log?limit=1000', { token: here.access_token })
  const types = new Set((trail.body.events as { type: string }[]).map((event) => event.type))
  for (const type of [
    'login.succeeded',
    'login.failed',
    'account.locked',
    'account.unlocked',
    'refresh.reuse_detected',
    'logout.all',
    'password.changed',
  ]) {
    assert.ok(types.has(type), type)
  }
  const verified = await call('GET', '/admin/audit/verify', { token: admin.access_token })
  assert.equal(verified.body.ok, true)
})
