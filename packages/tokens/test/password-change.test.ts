import assert from 'node:assert/strict'
import { test } from 'node:test'
import { events, givenSession, setupAccounts } from './support.js'

const OLD = 'correct horse battery'
const NEW = 'staple gun lighthouse'

async function withBob(t: Parameters<typeof setupAccounts>[0]) {
  const setup = await setupAccounts(t)
  const { accounts, storage, tenantId } = setup
  const bob = await accounts.createUser({ tenantId, username: 'bob', password: OLD })
  const sessions = [
    await givenSession(storage, tenantId, bob.id),
    await givenSession(storage, tenantId, bob.id),
    await givenSession(storage, tenantId, bob.id),
  ]
  const login = (password: string) => accounts.authenticate({ tenantId, login: 'bob', password })
  return { ...setup, bob, sessions, login }
}

test('a password change ends every other session, keeps the current one, resets failures', async (t) => {
  const { accounts, storage, tenantId, bob, sessions, login, clock, revoked } = await withBob(t)
  await assert.rejects(login('wrong password'))
  await assert.rejects(login('wrong password'))
  assert.equal((await storage.users.get(tenantId, bob.id))!.failedAttempts, 2)
  clock.advance(5000)
  const [current, ...others] = sessions
  const ended = await accounts.changePassword({
    tenantId,
    userId: bob.id,
    currentPassword: OLD,
    newPassword: NEW,
    keepSessionId: current!.id,
    ip: '192.0.2.9',
  })
  assert.deepEqual(ended.sort(), others.map((s) => s.id).sort())
  assert.equal((await storage.sessions.get(tenantId, current!.id))!.revokedAt, null)
  for (const other of others) {
    const session = (await storage.sessions.get(tenantId, other.id))!
    assert.deepEqual([session.revokedAt, session.revokedReason], [clock.now, 'password_changed'])
  }
  // Session revocations, not a user cut-off, which would also kill the kept session's tokens.
  const active = await storage.revocations.listActive(clock.now)
  assert.deepEqual(
    active.map((r) => [r.kind, r.subject, r.cutoff, r.expiresAt]).sort(),
    others.map((s) => ['session', s.id, clock.now, clock.now + 901_000]).sort(),
  )
  assert.deepEqual(revoked.map((r) => r.subject).sort(), others.map((s) => s.id).sort())
  const user = (await storage.users.get(tenantId, bob.id))!
  assert.deepEqual([user.failedAttempts, user.passwordChangedAt], [0, clock.now])
  await assert.rejects(login(OLD), { code: 'ERR_INVALID_CREDENTIALS' })
  assert.equal((await login(NEW)).id, bob.id)
  const [event] = await events(storage, tenantId, 'password.changed')
  assert.equal(event!.sessionId, current!.id)
  assert.equal(event!.actor, bob.id)
  assert.deepEqual(event!.details, { sessionsEnded: 2 })
})

test('without a session to keep, a password change ends them all with a user cut-off', async (t) => {
  const { accounts, storage, tenantId, bob, sessions, clock } = await withBob(t)
  const input = { tenantId, userId: bob.id, currentPassword: OLD, newPassword: NEW }
  assert.equal((await accounts.changePassword(input)).length, sessions.length)
  const active = await storage.revocations.listActive(clock.now)
  assert.deepEqual(
    active.map((r) => [r.kind, r.subject]).sort(),
    [['user', bob.id], ...sessions.map((s) => ['session', s.id])].sort(),
  )
})

test('a wrong current password changes nothing and counts toward lockout', async (t) => {
  const { accounts, storage, tenantId, bob, sessions, login } = await withBob(t)
  const change = (currentPassword: string) =>
    accounts.changePassword({ tenantId, userId: bob.id, currentPassword, newPassword: NEW })
  for (let i = 0; i < 4; i++)
    await assert.rejects(change('guess'), { code: 'ERR_INVALID_CREDENTIALS' })
  await assert.rejects(change('guess'), { code: 'ERR_ACCOUNT_LOCKED' })
  await assert.rejects(change(OLD), { code: 'ERR_ACCOUNT_LOCKED' })
  for (const session of sessions) {
    assert.equal((await storage.sessions.get(tenantId, session.id))!.revokedAt, null)
  }
  assert.deepEqual(await events(storage, tenantId, 'password.changed'), [])
  const failed = await events(storage, tenantId, 'login.failed')
  assert.equal(failed[0]!.details.reason, 'bad_current_password')
  await assert.rejects(login(OLD), { code: 'ERR_ACCOUNT_LOCKED' })
})

test('a weak new password, an unknown user or a disabled one are refused', async (t) => {
  const { accounts, tenantId, bob } = await withBob(t)
  const change = (newPassword: string, userId = bob.id) =>
    accounts.changePassword({ tenantId, userId, currentPassword: OLD, newPassword })
  await assert.rejects(change('short'), { code: 'ERR_INVALID_INPUT' })
  await assert.rejects(change('y'.repeat(1025)), { code: 'ERR_INVALID_INPUT' })
  await assert.rejects(change(NEW, 'missing'), { code: 'ERR_NOT_FOUND' })
  await accounts.setDisabled(tenantId, bob.id, true)
  await assert.rejects(change(NEW), { code: 'ERR_ACCOUNT_DISABLED' })
})
